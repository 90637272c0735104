"""FlexArena agent SDK for Python: write a Strategy with one decide(wake) method, return actions
built in euros and megawatts, and call run_agent() (or cli.main()). The SDK speaks the protocol."""
from . import actions
from .actions import (
    arena_limits,
    auction_block,
    auction_curve,
    buy,
    cancel,
    cancel_auction_bid,
    capacity_bid,
    energy_bid,
    modify,
    order,
    sell,
    use_arena_limits,
)
from .client import Outcome, Strategy, run_agent
from .errors import (
    ActionBuildError,
    AgentSdkError,
    ConnectTimeout,
    FieldFault,
    HelloError,
    ProtocolCodeMissing,
    SessionError,
    StrategyError,
)
from .market import Market, Wake
from .wake_view import WakeViewError
from .units import cash_to_eur, lots_to_mw, net_lots, price_ticks, quantity_lots, ticks_to_eur

__all__ = [
    "actions", "auction_block", "auction_curve", "cancel_auction_bid", "buy", "cancel", "capacity_bid", "energy_bid", "modify", "order", "sell",
    "arena_limits", "use_arena_limits", "FieldFault",
    "Outcome", "Strategy", "run_agent", "ActionBuildError", "AgentSdkError", "ConnectTimeout", "HelloError",
    "ProtocolCodeMissing", "SessionError", "StrategyError", "Market", "Wake", "cash_to_eur", "lots_to_mw",
    "net_lots", "price_ticks", "quantity_lots", "ticks_to_eur", "WakeViewError",
]
