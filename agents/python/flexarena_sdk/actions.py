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


MAX_TEXT_BYTES = 64  # the door's default limit of ids and client_ref, counted in UTF-8 bytes as on the wire
UTF8_LIMIT = "valid UTF-8, the encoding of a proto3 string"  # the arena's and the TypeScript SDK's words


def _utf8(value: str, field: str) -> str:
    """A string as the wire carries it: UTF-8 of at most MAX_TEXT_BYTES bytes. A lone surrogate
    ("\ud800") has no UTF-8: protobuf raised a bare UnicodeEncodeError naming no field."""
    try:
        size = len(value.encode("utf-8"))
    except UnicodeEncodeError as err:
        raise ActionBuildError(field, UTF8_LIMIT,
                               f"{value!r} holds a lone surrogate U+{ord(value[err.start]):04X} at index {err.start}, "
                               "which UTF-8 cannot carry") from err
    if size > MAX_TEXT_BYTES:
        raise ActionBuildError(field, f"at most {MAX_TEXT_BYTES} bytes of UTF-8", f"{value!r} is {size} bytes")
    return value


def _text(value, field: str) -> str:
    # The door's limits, in its words (sim/door/validate-action.ts), as the TypeScript SDK's.
    if not isinstance(value, str):
        raise ActionBuildError(field, "a string", f"{value!r} is a {type(value).__name__}, not a string")
    if not value:
        raise ActionBuildError(field, f"a non-empty string of at most {MAX_TEXT_BYTES} bytes of UTF-8", "'' is empty")
    return _utf8(value, field)


def _client_ref(value) -> str:
    # protobuf would refuse a number with a bare TypeError naming no field.
    if not isinstance(value, str):
        raise ActionBuildError("client_ref", "a string", f"{value!r} is a {type(value).__name__}, not a string")
    return _utf8(value, "client_ref")


def _flag(value, field: str) -> bool:
    # Not read by truth value: aon="no" would be an all-or-none order.
    if not isinstance(value, bool):
        raise ActionBuildError(field, "a boolean", f"{value!r} is not a boolean")
    return value


_BID_ID = re.compile(r"[A-Za-z0-9_.\-]{1,64}")
BID_ID_LIMIT = '1-64 characters: letters, digits, "_", "." or "-"'  # the door's words
PERIODS_PER_DAY = 96  # auction periods are the quarter-hours 0..95 of the auction's day
MAX_CURVE_POINTS = 200  # the door's default limit of points per auction curve
_INTERPOLATION = {
    "step": auction_pb2.CURVE_INTERPOLATION_STEP,
    "linear": auction_pb2.CURVE_INTERPOLATION_LINEAR,
}


def _bid_id(value, field: str) -> str:
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


def order(product_id: str, side: str, price_eur, quantity_mw, tif: str = "GTC", *, aon: bool = False,
          peak_mw=None, client_ref: str = "") -> session_pb2.Action:
    """A continuous-intraday order: side "buy" or "sell", price in EUR/MWh, quantity in MW."""
    submit = session_pb2.SubmitOrder(
        product_id=_text(product_id, "submit.product_id"),
        side=_choice(_SIDE, side, "submit.side"),
        price_ticks=price_ticks(price_eur, "submit.price_ticks"),
        quantity_lots=quantity_lots(quantity_mw, "submit.quantity_lots"),
        time_in_force=_choice(_TIF, tif, "submit.time_in_force"),
        restriction=(market_pb2.EXECUTION_RESTRICTION_AON if _flag(aon, "submit.restriction")
                     else market_pb2.EXECUTION_RESTRICTION_NONE),
        peak_lots=0 if peak_mw is None else quantity_lots(peak_mw, "submit.peak_lots"),
    )
    return session_pb2.Action(client_ref=_client_ref(client_ref), submit=submit)


def buy(product_id: str, price_eur, quantity_mw, tif: str = "GTC", **kw) -> session_pb2.Action:
    return order(product_id, "buy", price_eur, quantity_mw, tif, **kw)


def sell(product_id: str, price_eur, quantity_mw, tif: str = "GTC", **kw) -> session_pb2.Action:
    return order(product_id, "sell", price_eur, quantity_mw, tif, **kw)


def cancel(order_id: int, client_ref: str = "") -> session_pb2.Action:
    return session_pb2.Action(client_ref=_client_ref(client_ref), cancel=session_pb2.CancelOrder(order_id=_order_id(order_id, "cancel.order_id")))


def modify(order_id: int, price_eur, quantity_mw, client_ref: str = "") -> session_pb2.Action:
    """New price and remaining quantity of a resting order (priority kept only when the price is
    unchanged and the quantity goes down)."""
    return session_pb2.Action(client_ref=_client_ref(client_ref), modify=session_pb2.ModifyOrder(
        order_id=_order_id(order_id, "modify.order_id"),
        price_ticks=price_ticks(price_eur, "modify.price_ticks"),
        quantity_lots=quantity_lots(quantity_mw, "modify.quantity_lots"),
    ))


def auction_block(auction_id: str, bid_id: str, side: str, first_period: int, last_period: int,
                  price_eur, quantity_mw) -> session_pb2.Action:
    """A block bid over quarter-hours first_period..last_period (0..95) of an auction's day: all or
    nothing, the same quantity in each period."""
    first = _period(first_period, "auction_bid.block.first_period")
    last = _period(last_period, "auction_bid.block.last_period")
    if last < first:
        raise ActionBuildError("auction_bid.block.last_period", f">= first_period ({first})",
                               f"{last} is before the first period {first}")
    block = auction_pb2.AuctionBlock(
        side=_choice(_SIDE, side, "auction_bid.block.side"),
        first_period=first,
        last_period=last,
        price_ticks=price_ticks(price_eur, "auction_bid.block.price_ticks"),
        quantity_lots=quantity_lots(quantity_mw, "auction_bid.block.quantity_lots"),
    )
    bid = auction_pb2.SubmitAuctionBid(auction_id=_text(auction_id, "auction_bid.auction_id"),
                                       bid_id=_bid_id(bid_id, "auction_bid.bid_id"), block=block)
    return session_pb2.Action(client_ref=bid_id, auction_bid=bid)


def auction_curve(auction_id: str, bid_id: str, period: int, points, interpolation: str = "step") -> session_pb2.Action:
    """A bid curve for one quarter-hour (`period` 0..95 of the day) of a day-ahead or intraday
    auction. `points` are (price EUR/MWh, net MW) pairs: positive MW buys, negative sells; prices
    strictly increasing, net quantity never rising with the price. "step" holds each point's
    quantity up to the next price, "linear" interpolates between points."""
    kind = _choice(_INTERPOLATION, interpolation, "auction_bid.curve.interpolation")
    if not isinstance(points, (list, tuple)):
        # A generator of points was refused as having "no points".
        raise ActionBuildError("auction_bid.curve.points", "a list of (price EUR/MWh, net MW) pairs",
                               f"{points!r} is a {type(points).__name__}, not a list")
    pts = list(points)
    if not pts:
        raise ActionBuildError("auction_bid.curve.points", "at least one point", f"{points!r} has no points")
    if len(pts) > MAX_CURVE_POINTS:
        raise ActionBuildError("auction_bid.curve.points", f"at most {MAX_CURVE_POINTS} points", f"{len(pts)} points")
    wire = []
    for i, pt in enumerate(pts):
        at = f"auction_bid.curve.points[{i}]"
        if not isinstance(pt, (list, tuple)) or len(pt) != 2:
            raise ActionBuildError(at, "a (price EUR/MWh, net MW) pair", f"{pt!r} is not a pair")
        p = price_ticks(pt[0], f"{at}.price_ticks")
        q = net_lots(pt[1], f"{at}.quantity_lots")
        if wire and p <= wire[-1].price_ticks:
            raise ActionBuildError(f"{at}.price_ticks", "prices strictly increasing", f"{pt[0]!r} does not exceed the previous price")
        if wire and q > wire[-1].quantity_lots:
            raise ActionBuildError(f"{at}.quantity_lots", "net quantity non-increasing in price", f"{pt[1]!r} MW rises above the previous point's")
        wire.append(auction_pb2.CurvePoint(price_ticks=p, quantity_lots=q))
    curve = auction_pb2.AuctionCurve(period=_period(period, "auction_bid.curve.period"), interpolation=kind, points=wire)
    bid = auction_pb2.SubmitAuctionBid(auction_id=_text(auction_id, "auction_bid.auction_id"),
                                       bid_id=_bid_id(bid_id, "auction_bid.bid_id"), curve=curve)
    return session_pb2.Action(client_ref=bid_id, auction_bid=bid)


def cancel_auction_bid(auction_id: str, bid_id: str) -> session_pb2.Action:
    """Withdraws an auction bid (curve or block) before the auction's gate."""
    return session_pb2.Action(client_ref=bid_id, cancel_auction_bid=auction_pb2.CancelAuctionBid(
        auction_id=_text(auction_id, "cancel_auction_bid.auction_id"),
        bid_id=_bid_id(bid_id, "cancel_auction_bid.bid_id"),
    ))


def capacity_bid(product_id: str, direction: str, quantity_mw, price_eur_per_mw_h, indivisible: bool = False,
                 client_ref: str = "") -> session_pb2.Action:
    """aFRR capacity ("afrr-YYYYMMDD-K"), priced in EUR/MW per hour."""
    _flag(indivisible, "capacity_bid.indivisible")
    return session_pb2.Action(client_ref=_client_ref(client_ref), capacity_bid=balancing_pb2.SubmitCapacityBid(
        product_id=_text(product_id, "capacity_bid.product_id"),
        direction=_choice(_DIRECTION, direction, "capacity_bid.direction"),
        quantity_lots=quantity_lots(quantity_mw, "capacity_bid.quantity_lots"),
        price_ticks=price_ticks(price_eur_per_mw_h, "capacity_bid.price_ticks"),
        indivisible=indivisible,
    ))


def energy_bid(product_id: str, direction: str, quantity_mw, price_eur, client_ref: str = "") -> session_pb2.Action:
    """Balancing energy for one quarter-hour product ("up": producing more / consuming less)."""
    return session_pb2.Action(client_ref=_client_ref(client_ref), energy_bid=balancing_pb2.SubmitEnergyBid(
        product_id=_text(product_id, "energy_bid.product_id"),
        direction=_choice(_DIRECTION, direction, "energy_bid.direction"),
        quantity_lots=quantity_lots(quantity_mw, "energy_bid.quantity_lots"),
        price_ticks=price_ticks(price_eur, "energy_bid.price_ticks"),
    ))
