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

from flexarena_sdk import Strategy, buy, quantity_lots, sell
from flexarena_sdk.cli import main

# The parameters and their defaults.
PARAMS = {"margin_eur": 5, "step_mw": 0.5}


def _number(params: dict, key: str) -> Decimal:
    value = params.get(key, PARAMS[key])
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"params.{key}: {value!r} is not a number")
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


class SpreadBattery(Strategy):
    name = "py-spread-battery"

    def __init__(self, params: dict):
        # A misspelt parameter would otherwise leave its default in place without a word.
        unknown = sorted(set(params) - set(PARAMS))
        if unknown:
            raise ValueError(f"params: unknown {', '.join(unknown)} (known: {', '.join(PARAMS)})")
        self.margin_eur = _number(params, "margin_eur")
        self.step_mw = _number(params, "step_mw")
        # Checked here rather than at the first trade: on the 0.1 MW grid and at least one lot.
        quantity_lots(params.get("step_mw", PARAMS["step_mw"]), "params.step_mw")
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
