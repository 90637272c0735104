"""Typed errors of the Python SDK. Business rejections from the arena are not errors: they arrive
as results in acks (`Ack.rejected`)."""


class AgentSdkError(Exception):
    """Base class of every error the SDK raises."""


class ActionBuildError(AgentSdkError, ValueError):
    """An action the SDK refuses to build: a value off the tick/lot grid, out of range or of the
    wrong type. `field` is the proto field path (e.g. "submit.price_ticks"), `limit` the rule."""

    def __init__(self, field: str, limit: str, message: str):
        super().__init__(f"{field}: {message} (limit: {limit})")
        self.field = field
        self.limit = limit


class HelloError(AgentSdkError, ValueError):
    """A hello the SDK cannot send: a field of it the wire cannot carry (the strategy's name not a
    string, or holding a lone surrogate, which UTF-8 has no encoding for). `field` is the proto
    field path ("hello.strategy"), `limit` the rule. Raised by run_agent before it connects."""

    def __init__(self, field: str, limit: str, message: str):
        super().__init__(f"{field}: {message} (limit: {limit})")
        self.field = field
        self.limit = limit


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
