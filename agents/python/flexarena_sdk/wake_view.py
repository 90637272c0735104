"""Delta wake-ups (Hello.wake_up_encoding DELTA), rebuilt to complete ones.

In a delta session the arena sends the books and forecasts of a wake-up only where they changed
since the previous wake-up of the stream (see docs/protocol.md). The tracker keeps the view of the
stream's last wake-up and rebuilds every wake-up to the complete message a full session would
have received, so a strategy never sees a delta. The rule, per list keyed by product id: drop the
closed/expired ids, replace changed entries where they stand, append new ones in the order given
(the same rule as lib/wake-view.ts on the arena's side). A delta for a base the tracker does not
hold raises WakeViewError; the client then resumes on a new stream, which starts with a snapshot.
"""
from .errors import AgentSdkError
from .proto import session_pb2

_LISTS = ("books", "price_forecasts", "fundamentals_forecasts")
_DELTA_FIELDS = ("public_view", "base_wake_id", "closed_product_ids", "expired_forecast_product_ids")


class WakeViewError(AgentSdkError):
    """A delta wake-up the client cannot apply (another base, an unknown view kind)."""


def apply_list_delta(base, removed, upserts):
    """`base` without the `removed` ids, changed entries replaced in place, new ones appended."""
    last = {u.product_id: i for i, u in enumerate(upserts)}
    used = set()
    out = []
    for b in base:
        pid = b.product_id
        if pid in removed:
            continue
        i = last.get(pid)
        if i is None:
            out.append(b)
        else:
            out.append(upserts[i])
            used.add(pid)
    for i, u in enumerate(upserts):
        if u.product_id not in used and last[u.product_id] == i:
            out.append(u)
    return out


class WakeViewTracker:
    """One stream's view; `rebuild` each wake-up in arrival order."""

    def __init__(self):
        self._wake_id = None
        self._view = None

    def rebuild(self, msg):
        kind = msg.public_view
        if kind == session_pb2.PUBLIC_VIEW_UNSPECIFIED:
            return msg
        if kind == session_pb2.PUBLIC_VIEW_SNAPSHOT:
            view = tuple(list(getattr(msg, name)) for name in _LISTS)
        elif kind == session_pb2.PUBLIC_VIEW_DELTA:
            if self._view is None or self._wake_id != msg.base_wake_id:
                held = "none" if self._view is None else f"wake {self._wake_id}"
                raise WakeViewError(f"wake_up.base_wake_id: {msg.base_wake_id} is not the view this stream holds ({held})")
            closed = set(msg.closed_product_ids)
            expired = set(msg.expired_forecast_product_ids)
            books, prices, fundamentals = self._view
            view = (
                apply_list_delta(books, closed, msg.books),
                apply_list_delta(prices, expired, msg.price_forecasts),
                apply_list_delta(fundamentals, expired, msg.fundamentals_forecasts),
            )
        else:
            raise WakeViewError(f"wake_up.public_view: unknown value {kind}")
        # The view keeps references into the received messages; the strategy gets its own copy.
        self._wake_id, self._view = msg.wake_id, view
        full = session_pb2.WakeUp()
        full.CopyFrom(msg)
        for name in _LISTS + _DELTA_FIELDS:
            full.ClearField(name)
        for name, entries in zip(_LISTS, view):
            getattr(full, name).extend(entries)
        return full
