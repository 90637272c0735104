"""The generated protocol modules (scripts/setup.mjs writes them into flexarena_sdk/gen/)."""
from .errors import ProtocolCodeMissing

try:
    from .gen.flexarena.v1 import (  # noqa: F401
        arena_service_pb2,
        arena_service_pb2_grpc,
        asset_pb2,
        auction_pb2,
        balancing_pb2,
        market_pb2,
        session_pb2,
    )
except ImportError as err:  # pragma: no cover - only without the generated code
    raise ProtocolCodeMissing(
        "flexarena_sdk/gen is missing or incomplete: run `node scripts/setup.mjs --codegen-only` in the "
        "FlexArena checkout (needs Debian's protobuf-compiler, protobuf-compiler-grpc, python3-grpcio)"
    ) from err
