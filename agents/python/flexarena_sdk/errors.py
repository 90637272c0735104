"""Typed errors of the Python SDK. Business rejections from the arena are not errors: they arrive
as results in acks (`Ack.rejected`)."""
from typing import NamedTuple


class AgentSdkError(Exception):
    """Base class of every error the SDK raises."""


class FieldFault(NamedTuple):
    """One bad field: its proto path, the rule, and what is wrong with it."""
    field: str
    limit: str
    reason: str


def _fault_text(first: FieldFault, also) -> str:
    # "field: reason (limit: …)", the others after it as the arena's door words them ("; also: …").
    def one(f):
        return f"{f.field}: {f.reason} (limit: {f.limit})"
    return one(first) if not also else f"{one(first)}; also: " + "; ".join(one(f) for f in also)


class _FieldsError(AgentSdkError, ValueError):
    def __init__(self, field: str, limit: str, message: str, also=()):
        self.field = field
        self.limit = limit
        self.reason = message
        self.also = tuple(also)
        super().__init__(_fault_text(FieldFault(field, limit, message), self.also))

    @classmethod
    def of(cls, faults):
        """One error for the bad fields `faults` (FieldFaults or errors of this kind), the first leading."""
        flat = []
        for f in faults:
            if isinstance(f, _FieldsError):
                flat.append(FieldFault(f.field, f.limit, f.reason))
                flat.extend(f.also)
            else:
                flat.append(f)
        first, *also = flat
        return cls(first.field, first.limit, first.reason, also)


class ActionBuildError(_FieldsError):
    """An action the SDK refuses to build: a value off the tick/lot grid, out of range or of the
    wrong type. `field` is the proto field path (e.g. "submit.price_ticks"), `limit` the rule,
    `reason` what is wrong. An action with several bad fields is one error: `field`, `limit` and
    `reason` are the first's (in the order the arena's door checks them), `also` the others'
    (FieldFaults), and the message names them all after the first ("…; also: …"), as the door's
    rejection and the TypeScript SDK's ActionBuildError do."""


class HelloError(_FieldsError):
    """A hello the SDK cannot send: a field of it the wire cannot carry (the strategy's name not a
    string, or holding a lone surrogate, which UTF-8 has no encoding for). `field` is the proto
    field path ("hello.strategy"), `limit` the rule; with several bad fields, those are the first's
    and `also` the others'. Raised by run_agent before it connects."""


class ProtocolCodeMissing(AgentSdkError, ImportError):
    """The generated protocol code is not there: run `node scripts/setup.mjs` (or
    `npm run codegen`) in the FlexArena checkout."""


class SessionError(AgentSdkError):
    """The arena ended the session with a gRPC status (bad token, malformed message, …) and the
    SDK did not or could not resume. `code` is the grpc.StatusCode."""

    def __init__(self, code, details: str):
        super().__init__(f"session ended with gRPC status {getattr(code, 'name', code)}: {details}")
        self.code = code
        self.details = details


class ConnectTimeout(AgentSdkError, TimeoutError):
    """No connection to the arena (or no Welcome) within the connect timeout."""


class StrategyError(AgentSdkError):
    """The strategy's own code raised (decide() or a hook), or decide() returned something that is
    not a list of actions. `method` names the call ("decide", "on_ack", …), `wake_id` the wake-up
    decide() was deciding (None elsewhere): the TypeScript SDK's StrategyError has the same
    (`method`, `wakeId`). What the strategy raised is `__cause__`, with its traceback."""

    def __init__(self, message: str, method: str = None, wake_id: int = None):
        super().__init__(message)
        self.method = method
        self.wake_id = wake_id
