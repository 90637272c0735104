"""Actions built in euros and megawatts. Each builder converts exactly to ticks and lots (see
units.py) and names the proto field path of a value it refuses, e.g. "submit.price_ticks"."""
import re

from .errors import ActionBuildError
from .proto import auction_pb2, balancing_pb2, market_pb2, session_pb2
from .units import MAX_SAFE, net_lots, price_ticks, quantity_lots

_TIF = {
    "GTC": market_pb2.TIME_IN_FORCE_GTC,
    "IOC": market_pb2.TIME_IN_FORCE_IOC,
    "FOK": market_pb2.TIME_IN_FORCE_FOK,
}
_SIDE = {"buy": market_pb2.SIDE_BUY, "sell": market_pb2.SIDE_SELL}
_DIRECTION = {"up": balancing_pb2.BALANCING_DIRECTION_UP, "down": balancing_pb2.BALANCING_DIRECTION_DOWN}


def _choice(table: dict, value, field: str):
    # Checked as a string first: an unhashable value (a list) made `in` raise a bare TypeError.
    if not isinstance(value, str) or value not in table:
        raise ActionBuildError(field, " | ".join(table), f"{value!r} is not one of {', '.join(table)}")
    return table[value]


MAX_CURVE_POINTS = 200  # the door's default limit of points per auction curve
MAX_TEXT_BYTES = 64  # the door's default limit of ids and client_ref, counted in UTF-8 bytes as on the wire
UTF8_LIMIT = "valid UTF-8, the encoding of a proto3 string"  # the arena's and the TypeScript SDK's words

# The limits the builders check: the arena's, from the last Welcome's MarketSpec (run_agent sets
# them through use_arena_limits), else the door's default. One per process: the builders are plain
# functions.
_limits = {"id": MAX_TEXT_BYTES, "client_ref": MAX_TEXT_BYTES, "curve_points": MAX_CURVE_POINTS}


def _limit_or_default(value, default=MAX_TEXT_BYTES) -> int:
    # 0 (or absent): an arena from before MarketSpec carried its limits, which has the default.
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_SAFE else default


def use_arena_limits(market_spec) -> None:
    """Makes the builders check the arena's limits of ids, client_ref and curve points
    (MarketSpec.max_id_bytes, max_client_ref_bytes, max_curve_points; the defaults, 64 bytes and
    200 points, where they are 0 or `market_spec` is None)."""
    _limits["id"] = _limit_or_default(getattr(market_spec, "max_id_bytes", 0))
    _limits["client_ref"] = _limit_or_default(getattr(market_spec, "max_client_ref_bytes", 0))
    _limits["curve_points"] = _limit_or_default(getattr(market_spec, "max_curve_points", 0), MAX_CURVE_POINTS)


def arena_limits() -> dict:
    """The limits the builders check now: {"id": bytes, "client_ref": bytes, "curve_points": points}."""
    return dict(_limits)


class _Faults:
    """The bad fields of the action being built. Every field is checked, and one ActionBuildError
    names them all, the first as its field and limit and the others after it ("…; also: …"), as the
    arena's door does: builders that stopped at the first had the agent fix one field per try."""

    def __init__(self):
        self.found = []

    def check(self, fn, *args):
        """fn(*args), or None (its error kept) when it refuses its field."""
        try:
            return fn(*args)
        except ActionBuildError as err:
            self.found.append(err)
            return None

    def add(self, field: str, limit: str, reason: str) -> None:
        self.found.append(ActionBuildError(field, limit, reason))

    def ok(self, *values) -> bool:
        """Whether none of `values` (results of check) is a refused one: a rule between fields
        (a block's last period before its first) is checked only on fields that passed their own."""
        return all(v is not None for v in values)

    def raise_any(self) -> None:
        if self.found:
            raise ActionBuildError.of(self.found)


def _utf8(value: str, field: str, max_bytes: int) -> str:
    """A string as the wire carries it: UTF-8 of at most `max_bytes` bytes. A lone surrogate
    ("\ud800") has no UTF-8: protobuf raised a bare UnicodeEncodeError naming no field."""
    try:
        size = len(value.encode("utf-8"))
    except UnicodeEncodeError as err:
        raise ActionBuildError(field, UTF8_LIMIT,
                               f"{value!r} holds a lone surrogate U+{ord(value[err.start]):04X} at index {err.start}, "
                               "which UTF-8 cannot carry") from err
    if size > max_bytes:
        raise ActionBuildError(field, f"at most {max_bytes} bytes of UTF-8", f"{value!r} is {size} bytes")
    return value


def _text(value, field: str) -> str:
    # The door's limits, in its words (sim/door/validate-action.ts), as the TypeScript SDK's.
    if not isinstance(value, str):
        raise ActionBuildError(field, "a string", f"{value!r} is a {type(value).__name__}, not a string")
    if not value:
        raise ActionBuildError(field, f"a non-empty string of at most {_limits['id']} bytes of UTF-8", "'' is empty")
    return _utf8(value, field, _limits["id"])


def _client_ref(value) -> str:
    # protobuf would refuse a number with a bare TypeError naming no field.
    if not isinstance(value, str):
        raise ActionBuildError("client_ref", "a string", f"{value!r} is a {type(value).__name__}, not a string")
    return _utf8(value, "client_ref", _limits["client_ref"])


def _flag(value, field: str) -> bool:
    # Not read by truth value: aon="no" would be an all-or-none order.
    if not isinstance(value, bool):
        raise ActionBuildError(field, "a boolean", f"{value!r} is not a boolean")
    return value


_BID_ID = re.compile(r"[A-Za-z0-9_.\-]{1,64}")
BID_ID_LIMIT = '1-64 characters: letters, digits, "_", "." or "-"'  # the door's words
PERIODS_PER_DAY = 96  # auction periods are the quarter-hours 0..95 of the auction's day
_INTERPOLATION = {
    "step": auction_pb2.CURVE_INTERPOLATION_STEP,
    "linear": auction_pb2.CURVE_INTERPOLATION_LINEAR,
}


def _bid_id(value, field: str) -> str:
    # A new bid's id (auction_bid.bid_id). A cancel's names a bid already sent: the door checks it
    # as any id (_text), and so does cancel_auction_bid.
    if not isinstance(value, str) or not _BID_ID.fullmatch(value):
        raise ActionBuildError(field, BID_ID_LIMIT, f"{value!r} is not a bid id")
    return value


def _period(value, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < PERIODS_PER_DAY:
        raise ActionBuildError(field, f"an integer within [0, {PERIODS_PER_DAY - 1}]", f"{value!r} is not a period of the day")
    return value


def _order_id(value, field: str) -> int:
    # The arena issues order ids 1 … 2^53−1; beyond 2^63−1 protobuf raised a bare ValueError.
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_SAFE:
        raise ActionBuildError(field, f"an integer within [1, {MAX_SAFE}]", f"{value!r} is not an order id")
    return value


# Each builder checks every field, in the door's order (client_ref, then the action's fields in
# sim/door/validate-action.ts's order), and raises once for all the bad ones.

def order(product_id: str, side: str, price_eur, quantity_mw, tif: str = "GTC", *, aon: bool = False,
          peak_mw=None, client_ref: str = "") -> session_pb2.Action:
    """A continuous-intraday order: side "buy" or "sell", price in EUR/MWh, quantity in MW."""
    f = _Faults()
    ref = f.check(_client_ref, client_ref)
    product = f.check(_text, product_id, "submit.product_id")
    side_v = f.check(_choice, _SIDE, side, "submit.side")
    tif_v = f.check(_choice, _TIF, tif, "submit.time_in_force")
    aon_v = f.check(_flag, aon, "submit.restriction")
    price = f.check(price_ticks, price_eur, "submit.price_ticks")
    qty = f.check(quantity_lots, quantity_mw, "submit.quantity_lots")
    peak = 0 if peak_mw is None else f.check(quantity_lots, peak_mw, "submit.peak_lots")
    f.raise_any()
    submit = session_pb2.SubmitOrder(
        product_id=product, side=side_v, price_ticks=price, quantity_lots=qty, time_in_force=tif_v,
        restriction=market_pb2.EXECUTION_RESTRICTION_AON if aon_v else market_pb2.EXECUTION_RESTRICTION_NONE,
        peak_lots=peak,
    )
    return session_pb2.Action(client_ref=ref, submit=submit)


def buy(product_id: str, price_eur, quantity_mw, tif: str = "GTC", **kw) -> session_pb2.Action:
    return order(product_id, "buy", price_eur, quantity_mw, tif, **kw)


def sell(product_id: str, price_eur, quantity_mw, tif: str = "GTC", **kw) -> session_pb2.Action:
    return order(product_id, "sell", price_eur, quantity_mw, tif, **kw)


def cancel(order_id: int, client_ref: str = "") -> session_pb2.Action:
    f = _Faults()
    ref = f.check(_client_ref, client_ref)
    oid = f.check(_order_id, order_id, "cancel.order_id")
    f.raise_any()
    return session_pb2.Action(client_ref=ref, cancel=session_pb2.CancelOrder(order_id=oid))


def modify(order_id: int, price_eur, quantity_mw, client_ref: str = "") -> session_pb2.Action:
    """New price and remaining quantity of a resting order (priority kept only when the price is
    unchanged and the quantity goes down)."""
    f = _Faults()
    ref = f.check(_client_ref, client_ref)
    oid = f.check(_order_id, order_id, "modify.order_id")
    price = f.check(price_ticks, price_eur, "modify.price_ticks")
    qty = f.check(quantity_lots, quantity_mw, "modify.quantity_lots")
    f.raise_any()
    return session_pb2.Action(client_ref=ref, modify=session_pb2.ModifyOrder(
        order_id=oid, price_ticks=price, quantity_lots=qty))


def auction_block(auction_id: str, bid_id: str, side: str, first_period: int, last_period: int,
                  price_eur, quantity_mw) -> session_pb2.Action:
    """A block bid over quarter-hours first_period..last_period (0..95) of an auction's day: all or
    nothing, the same quantity in each period."""
    f = _Faults()
    auction = f.check(_text, auction_id, "auction_bid.auction_id")
    bid = f.check(_bid_id, bid_id, "auction_bid.bid_id")
    side_v = f.check(_choice, _SIDE, side, "auction_bid.block.side")
    first = f.check(_period, first_period, "auction_bid.block.first_period")
    last = f.check(_period, last_period, "auction_bid.block.last_period")
    if f.ok(first, last) and last < first:
        f.add("auction_bid.block.last_period", f">= first_period ({first})", f"{last} is before the first period {first}")
    price = f.check(price_ticks, price_eur, "auction_bid.block.price_ticks")
    qty = f.check(quantity_lots, quantity_mw, "auction_bid.block.quantity_lots")
    f.raise_any()
    block = auction_pb2.AuctionBlock(side=side_v, first_period=first, last_period=last, price_ticks=price,
                                     quantity_lots=qty)
    return session_pb2.Action(client_ref=bid, auction_bid=auction_pb2.SubmitAuctionBid(
        auction_id=auction, bid_id=bid, block=block))


def _curve_points(f: _Faults, points) -> list:
    """The curve's points on the wire, every bad one named. The list itself bad (not a list, empty,
    too long): only that. The order between points (prices rising, net quantity not) is checked
    between points whose own values passed."""
    if not isinstance(points, (list, tuple)):
        # A generator of points was refused as having "no points".
        f.add("auction_bid.curve.points", "a list of (price EUR/MWh, net MW) pairs",
              f"{points!r} is a {type(points).__name__}, not a list")
        return []
    pts = list(points)
    if not pts:
        f.add("auction_bid.curve.points", "at least one point", f"{points!r} has no points")
        return []
    if len(pts) > _limits["curve_points"]:
        f.add("auction_bid.curve.points", f"at most {_limits['curve_points']} points", f"{len(pts)} points")
        return []
    wire = []
    prev = None
    for i, pt in enumerate(pts):
        at = f"auction_bid.curve.points[{i}]"
        if not isinstance(pt, (list, tuple)) or len(pt) != 2:
            f.add(at, "a (price EUR/MWh, net MW) pair", f"{pt!r} is not a pair")
            prev = None
            continue
        p = f.check(price_ticks, pt[0], f"{at}.price_ticks")
        q = f.check(net_lots, pt[1], f"{at}.quantity_lots")
        if prev is not None and p is not None and p <= prev[0]:
            f.add(f"{at}.price_ticks", "prices strictly increasing", f"{pt[0]!r} does not exceed the previous price")
        if prev is not None and q is not None and q > prev[1]:
            f.add(f"{at}.quantity_lots", "net quantity non-increasing in price", f"{pt[1]!r} MW rises above the previous point's")
        prev = (p, q) if f.ok(p, q) else None
        if f.ok(p, q):
            wire.append(auction_pb2.CurvePoint(price_ticks=p, quantity_lots=q))
    return wire


def auction_curve(auction_id: str, bid_id: str, period: int, points, interpolation: str = "step") -> session_pb2.Action:
    """A bid curve for one quarter-hour (`period` 0..95 of the day) of a day-ahead or intraday
    auction. `points` are (price EUR/MWh, net MW) pairs: positive MW buys, negative sells; prices
    strictly increasing, net quantity never rising with the price. "step" holds each point's
    quantity up to the next price, "linear" interpolates between points."""
    f = _Faults()
    auction = f.check(_text, auction_id, "auction_bid.auction_id")
    bid = f.check(_bid_id, bid_id, "auction_bid.bid_id")
    period_v = f.check(_period, period, "auction_bid.curve.period")
    kind = f.check(_choice, _INTERPOLATION, interpolation, "auction_bid.curve.interpolation")
    wire = _curve_points(f, points)
    f.raise_any()
    curve = auction_pb2.AuctionCurve(period=period_v, interpolation=kind, points=wire)
    return session_pb2.Action(client_ref=bid, auction_bid=auction_pb2.SubmitAuctionBid(
        auction_id=auction, bid_id=bid, curve=curve))


def cancel_auction_bid(auction_id: str, bid_id: str) -> session_pb2.Action:
    """Withdraws an auction bid (curve or block) before the auction's gate. The bid id is checked
    as the arena's door checks it, as any id (a non-empty string of at most the id limit in UTF-8
    bytes); a bid the auction does not hold is the arena's business rejection (UNKNOWN_BID)."""
    f = _Faults()
    auction = f.check(_text, auction_id, "cancel_auction_bid.auction_id")
    bid = f.check(_text, bid_id, "cancel_auction_bid.bid_id")
    f.raise_any()
    return session_pb2.Action(client_ref=bid, cancel_auction_bid=auction_pb2.CancelAuctionBid(
        auction_id=auction, bid_id=bid))


def capacity_bid(product_id: str, direction: str, quantity_mw, price_eur_per_mw_h, indivisible: bool = False,
                 client_ref: str = "") -> session_pb2.Action:
    """aFRR capacity ("afrr-YYYYMMDD-K"), priced in EUR/MW per hour."""
    f = _Faults()
    ref = f.check(_client_ref, client_ref)
    product = f.check(_text, product_id, "capacity_bid.product_id")
    direction_v = f.check(_choice, _DIRECTION, direction, "capacity_bid.direction")
    qty = f.check(quantity_lots, quantity_mw, "capacity_bid.quantity_lots")
    price = f.check(price_ticks, price_eur_per_mw_h, "capacity_bid.price_ticks")
    f.check(_flag, indivisible, "capacity_bid.indivisible")
    f.raise_any()
    return session_pb2.Action(client_ref=ref, capacity_bid=balancing_pb2.SubmitCapacityBid(
        product_id=product, direction=direction_v, quantity_lots=qty, price_ticks=price, indivisible=indivisible))


def energy_bid(product_id: str, direction: str, quantity_mw, price_eur, client_ref: str = "") -> session_pb2.Action:
    """Balancing energy for one quarter-hour product ("up": producing more / consuming less)."""
    f = _Faults()
    ref = f.check(_client_ref, client_ref)
    product = f.check(_text, product_id, "energy_bid.product_id")
    direction_v = f.check(_choice, _DIRECTION, direction, "energy_bid.direction")
    qty = f.check(quantity_lots, quantity_mw, "energy_bid.quantity_lots")
    price = f.check(price_ticks, price_eur, "energy_bid.price_ticks")
    f.raise_any()
    return session_pb2.Action(client_ref=ref, energy_bid=balancing_pb2.SubmitEnergyBid(
        product_id=product, direction=direction_v, quantity_lots=qty, price_ticks=price))
