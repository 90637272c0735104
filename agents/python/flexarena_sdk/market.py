"""What a strategy needs from the Welcome (Market) and a wake-up (Wake), in euros and megawatts.

Market is built once per session from the Welcome. Wake wraps one WakeUp message: every proto
field is still there (`wake.fills`, `wake.books`, …, in wire units), and the helpers give prices
in EUR/MWh and quantities in MW as exact Decimals."""
import time
from decimal import Decimal

from .proto import market_pb2
from .units import lots_to_mw, ticks_to_eur


class Market:
    def __init__(self, welcome):
        self.welcome = welcome
        self.run_id = welcome.run_id
        self.agent_id = welcome.agent_id
        # True when this Welcome resumes a session of the agent (a dropped stream, a restart).
        self.resumed = welcome.resumed
        self.deadline_ms = welcome.deadline_ms
        self.decision_interval_ms = welcome.decision_interval_ms
        self.sim_start_ms = welcome.sim_start_ms
        self.sim_end_ms = welcome.sim_end_ms
        m = welcome.market
        self.price_min_eur = ticks_to_eur(m.price_min_ticks)
        self.price_max_eur = ticks_to_eur(m.price_max_ticks)
        self.max_quantity_mw = lots_to_mw(m.max_quantity_lots)
        self.products = {p.product_id: p for p in m.products}
        self.quarter_hours = sorted(
            (p for p in m.products if p.kind == market_pb2.PRODUCT_KIND_QUARTER_HOUR), key=lambda p: p.delivery_start_ms
        )
        self.assets = list(welcome.assets)
        self.auctions = list(welcome.auctions)

    def battery(self):
        """The first battery asset's spec (power_mw, energy_mwh, …), or None."""
        for a in self.assets:
            if a.WhichOneof("kind") == "battery":
                return a
        return None

    def tradable(self, time_ms: int, kind=market_pb2.PRODUCT_KIND_QUARTER_HOUR):
        """Products of `kind` open for continuous trading at `time_ms`, by delivery start."""
        # From all products: the quarter-hour list alone left every other kind (hours) empty.
        of_kind = sorted((p for p in self.products.values() if p.kind == kind), key=lambda p: p.delivery_start_ms)
        return [p for p in of_kind if p.trading_open_ms <= time_ms < p.gate_closure_ms]


class Wake:
    """One wake-up. Proto fields are read through (`wake.wake_id`, `wake.fills`); helpers convert."""

    def __init__(self, msg, market: Market, received_at: float):
        self.msg = msg
        self.market = market
        self._received_at = received_at
        self._forecasts = {f.product_id: f.price_ticks for f in msg.price_forecasts}
        self._books = {b.product_id: b for b in msg.books}
        self._positions = {p.product_id: p for p in msg.positions}

    def __getattr__(self, name):
        return getattr(self.msg, name)

    def seconds_left(self) -> float:
        """Wall-clock time left before the arena stops waiting for this wake-up's answer."""
        return self.market.deadline_ms / 1000 - (time.monotonic() - self._received_at)

    def forecast_eur(self, product_id: str):
        t = self._forecasts.get(product_id)
        return None if t is None else ticks_to_eur(t)

    def best_bid_eur(self, product_id: str):
        b = self._books.get(product_id)
        return ticks_to_eur(b.bids[0].price_ticks) if b and b.bids else None

    def best_ask_eur(self, product_id: str):
        b = self._books.get(product_id)
        return ticks_to_eur(b.asks[0].price_ticks) if b and b.asks else None

    def open_products(self):
        """Product ids with a public book at this wake-up (open for trading)."""
        return list(self._books)

    def position_mw(self, product_id: str) -> Decimal:
        """Net bought minus sold, MW (positive: the agent takes energy in that period)."""
        p = self._positions.get(product_id)
        return lots_to_mw(p.net_lots) if p else Decimal(0)

    def soc_mwh(self, asset_id: str = None):
        for a in self.msg.assets:
            if asset_id is None or a.asset_id == asset_id:
                return a.soc_mwh
        return None
