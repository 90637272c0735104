"""Actions built in euros and megawatts. Each builder converts exactly to ticks and lots (see
units.py) and names the proto field path of a value it refuses, e.g. "submit.price_ticks"."""
from .errors import ActionBuildError
from .proto import auction_pb2, balancing_pb2, market_pb2, session_pb2
from .units import price_ticks, quantity_lots

_TIF = {
    "GTC": market_pb2.TIME_IN_FORCE_GTC,
    "IOC": market_pb2.TIME_IN_FORCE_IOC,
    "FOK": market_pb2.TIME_IN_FORCE_FOK,
}
_SIDE = {"buy": market_pb2.SIDE_BUY, "sell": market_pb2.SIDE_SELL}
_DIRECTION = {"up": balancing_pb2.BALANCING_DIRECTION_UP, "down": balancing_pb2.BALANCING_DIRECTION_DOWN}


def _choice(table: dict, value, field: str):
    if value not in table:
        raise ActionBuildError(field, " | ".join(table), f"{value!r} is not one of {', '.join(table)}")
    return table[value]


def _text(value, field: str) -> str:
    if not isinstance(value, str) or not value:
        raise ActionBuildError(field, "a non-empty string", f"{value!r} is not a non-empty string")
    return value


def _order_id(value, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ActionBuildError(field, "a positive integer", f"{value!r} is not an order id")
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
        restriction=market_pb2.EXECUTION_RESTRICTION_AON if aon else market_pb2.EXECUTION_RESTRICTION_NONE,
        peak_lots=0 if peak_mw is None else quantity_lots(peak_mw, "submit.peak_lots"),
    )
    return session_pb2.Action(client_ref=client_ref, submit=submit)


def buy(product_id: str, price_eur, quantity_mw, tif: str = "GTC", **kw) -> session_pb2.Action:
    return order(product_id, "buy", price_eur, quantity_mw, tif, **kw)


def sell(product_id: str, price_eur, quantity_mw, tif: str = "GTC", **kw) -> session_pb2.Action:
    return order(product_id, "sell", price_eur, quantity_mw, tif, **kw)


def cancel(order_id: int, client_ref: str = "") -> session_pb2.Action:
    return session_pb2.Action(client_ref=client_ref, cancel=session_pb2.CancelOrder(order_id=_order_id(order_id, "cancel.order_id")))


def modify(order_id: int, price_eur, quantity_mw, client_ref: str = "") -> session_pb2.Action:
    """New price and remaining quantity of a resting order (priority kept only when the price is
    unchanged and the quantity goes down)."""
    return session_pb2.Action(client_ref=client_ref, modify=session_pb2.ModifyOrder(
        order_id=_order_id(order_id, "modify.order_id"),
        price_ticks=price_ticks(price_eur, "modify.price_ticks"),
        quantity_lots=quantity_lots(quantity_mw, "modify.quantity_lots"),
    ))


def auction_block(auction_id: str, bid_id: str, side: str, first_period: int, last_period: int,
                  price_eur, quantity_mw) -> session_pb2.Action:
    """A block bid over quarter-hours first_period..last_period (0..95) of an auction's day."""
    block = auction_pb2.AuctionBlock(
        side=_choice(_SIDE, side, "auction_bid.block.side"),
        first_period=first_period,
        last_period=last_period,
        price_ticks=price_ticks(price_eur, "auction_bid.block.price_ticks"),
        quantity_lots=quantity_lots(quantity_mw, "auction_bid.block.quantity_lots"),
    )
    bid = auction_pb2.SubmitAuctionBid(auction_id=_text(auction_id, "auction_bid.auction_id"), bid_id=_text(bid_id, "auction_bid.bid_id"), block=block)
    return session_pb2.Action(client_ref=bid_id, auction_bid=bid)


def capacity_bid(product_id: str, direction: str, quantity_mw, price_eur_per_mw_h, indivisible: bool = False) -> session_pb2.Action:
    """aFRR capacity ("afrr-YYYYMMDD-K"), priced in EUR/MW per hour."""
    return session_pb2.Action(capacity_bid=balancing_pb2.SubmitCapacityBid(
        product_id=_text(product_id, "capacity_bid.product_id"),
        direction=_choice(_DIRECTION, direction, "capacity_bid.direction"),
        quantity_lots=quantity_lots(quantity_mw, "capacity_bid.quantity_lots"),
        price_ticks=price_ticks(price_eur_per_mw_h, "capacity_bid.price_ticks"),
        indivisible=indivisible,
    ))


def energy_bid(product_id: str, direction: str, quantity_mw, price_eur) -> session_pb2.Action:
    """Balancing energy for one quarter-hour product."""
    return session_pb2.Action(energy_bid=balancing_pb2.SubmitEnergyBid(
        product_id=_text(product_id, "energy_bid.product_id"),
        direction=_choice(_DIRECTION, direction, "energy_bid.direction"),
        quantity_lots=quantity_lots(quantity_mw, "energy_bid.quantity_lots"),
        price_ticks=price_ticks(price_eur, "energy_bid.price_ticks"),
    ))
