"""An example battery agent on the Python SDK: a spread trader on the continuous intraday market.

At each wake-up it takes, among the quarter-hours with a price forecast and a two-sided book, the
ones with the lowest and the highest forecast.
When the best ask of the cheap one and the best bid of the dear one are at least `margin_eur`
apart, it buys `step_mw` in the cheap quarter-hour and sells as much in the dear one (IOC, at
those prices), staying within the battery's power in every quarter-hour. Buying and selling the
same amount keeps the day's energy balanced.

  /usr/bin/python3 -m flexarena_examples.battery --arena HOST:PORT   (token in $FLEXARENA_TOKEN)
"""
import sys
from decimal import Decimal

from flexarena_sdk import Strategy, buy, sell
from flexarena_sdk.cli import main


class SpreadBattery(Strategy):
    name = "py-spread-battery"

    def __init__(self, params: dict):
        self.margin_eur = Decimal(str(params.get("margin_eur", 5)))
        self.step_mw = Decimal(str(params.get("step_mw", 0.5)))
        self.power_mw = Decimal(1)

    def on_welcome(self, market):
        spec = market.battery()
        if spec is not None:
            self.power_mw = Decimal(repr(spec.battery.power_mw))

    def decide(self, wake):
        priced = [
            (wake.forecast_eur(p), p)
            for p in wake.open_products()
            if wake.forecast_eur(p) is not None and wake.best_ask_eur(p) is not None and wake.best_bid_eur(p) is not None
        ]
        if len(priced) < 2:
            return []
        cheap, dear = min(priced)[1], max(priced)[1]
        ask, bid = wake.best_ask_eur(cheap), wake.best_bid_eur(dear)
        if ask is None or bid is None or bid - ask < self.margin_eur:
            return []
        if wake.position_mw(cheap) + self.step_mw > self.power_mw or wake.position_mw(dear) - self.step_mw < -self.power_mw:
            return []
        ref = f"w{wake.wake_id}"
        return [
            buy(cheap, ask, self.step_mw, "IOC", client_ref=f"{ref}-buy"),
            sell(dear, bid, self.step_mw, "IOC", client_ref=f"{ref}-sell"),
        ]


if __name__ == "__main__":
    sys.exit(main(SpreadBattery))
