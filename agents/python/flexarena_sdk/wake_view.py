"""Delta wake-ups (Hello.wake_up_encoding DELTA or DELTA_PRIVATE), rebuilt to complete ones.

In a delta session the arena sends the books and forecasts of a wake-up only where they changed
since the previous wake-up of the stream, and in a DELTA_PRIVATE session the agent's open orders
and positions too (see docs/protocol.md). The tracker keeps the view and the private lists of the stream's last
wake-up and rebuilds every wake-up to the complete message a full session would have received, so
a strategy never sees a delta. The rule, per list keyed by product id (an order: by order id):
drop the closed/expired ids, replace changed entries where they stand, append new ones in the
order given (the same rule as lib/wake-view.ts on the arena's side). A delta for a base the
tracker does not hold raises WakeViewError; the client then resumes on a new stream, which starts
with a snapshot.
"""
from .errors import AgentSdkError
from .proto import session_pb2

_LISTS = ("books", "price_forecasts", "fundamentals_forecasts")
_DELTA_FIELDS = ("public_view", "closed_product_ids", "expired_forecast_product_ids")
_PRIVATE_FIELDS = ("open_orders", "positions", "private_view", "closed_order_ids")


class WakeViewError(AgentSdkError):
    """A delta wake-up the client cannot apply (another base, an unknown view kind)."""


def _by_product(entry):
    return entry.product_id


def _by_order(order):
    return order.order_id


def apply_list_delta(base, removed, upserts, key=_by_product):
    """`base` without the `removed` ids, changed entries replaced in place, new ones appended."""
    last = {key(u): i for i, u in enumerate(upserts)}
    used = set()
    out = []
    for b in base:
        k = key(b)
        if k in removed:
            continue
        i = last.get(k)
        if i is None:
            out.append(b)
        else:
            out.append(upserts[i])
            used.add(k)
    for i, u in enumerate(upserts):
        k = key(u)
        if k not in used and last[k] == i:
            out.append(u)
    return out


class WakeViewTracker:
    """One stream's view, open orders and positions; `rebuild` each wake-up in arrival order."""

    def __init__(self):
        self._wake_id = None
        self._view = None
        self._lists_wake_id = None
        self._lists = None

    def rebuild(self, msg):
        view = self._public_view(msg)
        lists = self._private_lists(msg)
        if view is not None:
            self._wake_id, self._view = msg.wake_id, view
        if lists is not None:
            self._lists_wake_id, self._lists = msg.wake_id, lists
        if view is None and lists is None:
            return msg
        # The view and the lists keep references into the received messages; the strategy gets
        # its own copy.
        full = session_pb2.WakeUp()
        full.CopyFrom(msg)
        full.ClearField("base_wake_id")
        if view is not None:
            for name in _LISTS + _DELTA_FIELDS:
                full.ClearField(name)
            for name, entries in zip(_LISTS, view):
                getattr(full, name).extend(entries)
        if lists is not None:
            for name in _PRIVATE_FIELDS:
                full.ClearField(name)
            orders, positions = lists
            full.open_orders.extend(orders)
            full.positions.extend(positions)
        return full

    def _public_view(self, msg):
        kind = msg.public_view
        if kind == session_pb2.PUBLIC_VIEW_UNSPECIFIED:
            return None
        if kind == session_pb2.PUBLIC_VIEW_SNAPSHOT:
            return tuple(list(getattr(msg, name)) for name in _LISTS)
        if kind == session_pb2.PUBLIC_VIEW_DELTA:
            self._check_base("public view", msg, self._wake_id if self._view is not None else None)
            closed = set(msg.closed_product_ids)
            expired = set(msg.expired_forecast_product_ids)
            books, prices, fundamentals = self._view
            return (
                apply_list_delta(books, closed, msg.books),
                apply_list_delta(prices, expired, msg.price_forecasts),
                apply_list_delta(fundamentals, expired, msg.fundamentals_forecasts),
            )
        raise WakeViewError(f"wake_up.public_view: unknown value {kind}")

    def _private_lists(self, msg):
        kind = msg.private_view
        if kind == session_pb2.PRIVATE_VIEW_UNSPECIFIED:
            return None
        if kind == session_pb2.PRIVATE_VIEW_SNAPSHOT:
            return list(msg.open_orders), list(msg.positions)
        if kind == session_pb2.PRIVATE_VIEW_DELTA:
            self._check_base("open orders and positions", msg,
                             self._lists_wake_id if self._lists is not None else None)
            orders, positions = self._lists
            return (apply_list_delta(orders, set(msg.closed_order_ids), msg.open_orders, key=_by_order),
                    apply_list_delta(positions, set(), msg.positions))
        raise WakeViewError(f"wake_up.private_view: unknown value {kind}")

    @staticmethod
    def _check_base(part, msg, held_wake_id):
        if held_wake_id is None or held_wake_id != msg.base_wake_id:
            held = "none" if held_wake_id is None else f"wake {held_wake_id}"
            raise WakeViewError(f"wake_up.base_wake_id: {msg.base_wake_id} is not the {part} this stream holds ({held})")
