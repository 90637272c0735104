"""The command line every Python agent shares: where the arena is, the token, a state file."""
import argparse
import json
import logging
import os
import sys
import traceback

from .client import run_agent
import grpc

from .errors import AgentSdkError, SessionError, StrategyError


def main(make_strategy, argv=None) -> int:
    """Parses --arena/--token/--state/--params, plays one run, prints a summary; returns the exit
    code (0: the run ended — complete, or interrupted by the arena's Ctrl-C/SIGTERM, which
    RunEnded.reason says; 1: the session failed). The token is read from FLEXARENA_TOKEN when
    --token is not given (the arena's launcher passes it there, out of `ps`)."""
    ap = argparse.ArgumentParser(description="FlexArena agent (Python SDK)")
    ap.add_argument("--arena", default=os.environ.get("FLEXARENA_ARENA"), help="host:port (default: $FLEXARENA_ARENA)")
    ap.add_argument("--token", default=os.environ.get("FLEXARENA_TOKEN"), help="default: $FLEXARENA_TOKEN")
    ap.add_argument("--state", help="file keeping the last processed report_seq, to resume after a restart")
    ap.add_argument("--params", default="{}", help="strategy parameters as JSON")
    ap.add_argument("--report", help="write what the agent processed (fills, positions, …) to this JSON file")
    ap.add_argument("--no-conflate", dest="conflate", action="store_false",
                    help="decide and answer every wake-up, also one a newer wake-up is already queued behind, "
                         "and send an answer a newer wake-up overtook (default: a strategy that fell behind skips "
                         "to the newest, its reports kept, and in lock-step does not send an answer the arena "
                         "would refuse as late)")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(name)s: %(message)s")
    if not args.arena:
        ap.error("--arena is required (or set FLEXARENA_ARENA)")
    if not args.token:
        # Said here, before any connection: run_agent would report it as a refused session.
        ap.error("--token is required (or set FLEXARENA_TOKEN): the agent's token from the configuration or --external")
    try:
        params = json.loads(args.params)
    except json.JSONDecodeError as err:
        ap.error(f"--params: not JSON: {err}")
    if not isinstance(params, dict):
        ap.error(f"--params: {args.params} is not a JSON object (e.g. '{{\"margin_eur\": 4}}')")
    try:
        strategy = make_strategy(params)
    except (ValueError, TypeError) as err:
        # A strategy refuses a parameter it cannot use (the example's checks, Decimal("abc")).
        ap.error(f"--params: {err}")
    try:
        out = run_agent(strategy, args.arena, args.token, state_file=args.state, conflate=args.conflate)
    except AgentSdkError as err:
        print(describe_error(strategy.name, err, args.state), file=sys.stderr, flush=True)
        return 1
    except KeyboardInterrupt:
        # Ctrl-C is how a user stops an agent started by hand: one line, not grpc's stack. The
        # arena counts the agent's wake-ups as missed until it is started again with its token.
        resume = f"; start it again with --state {args.state} to resume" if args.state else ""
        print(f"{strategy.name}: interrupted (Ctrl-C){resume}", file=sys.stderr, flush=True)
        return 130
    if args.report:
        write_report(args.report, out)
    # An interrupted run (RunEnded.reason "run interrupted (SIGINT)") has no result: no profit to
    # print, rather than proto3's default of 0.00. The agent did what it was told: exit status 0.
    profit = f", profit {out.ended.result.profit_eur:.2f} EUR" if out.ended.HasField("result") else ""
    # Said only when it happened: an agent that keeps up skips none and drops no answer.
    behind = ([f"{out.skipped_wake_ups} skipped as superseded"] if out.skipped_wake_ups else []) + \
             ([f"{out.overtaken_answers} overtaken answers not sent"] if out.overtaken_answers else [])
    skipped = f" ({', '.join(behind)})" if behind else ""
    print(f"{strategy.name}: agent {out.market.agent_id}, {out.wake_ups} wake-ups{skipped}, {out.sessions} session(s), "
          f"{len(out.rejections)} rejected actions{profit}; {out.ended.reason}", flush=True)
    return 0


def describe_error(name: str, err: AgentSdkError, state_file: str = None) -> str:
    """One line for what the SDK or the arena refused; when the strategy's own code raised, the
    traceback of that exception too (from the strategy's frame on), which says where."""
    line = f"{name}: {type(err).__name__}: {err}"
    if (state_file and isinstance(err, SessionError) and err.code == grpc.StatusCode.INVALID_ARGUMENT
            and (err.details or "").startswith("hello.last_report_seq")):
        # The arena has sent fewer reports than the file says were processed: the usual cause is a
        # state file kept from an earlier run, which the refusal alone did not say.
        line += (f" — the resume point came from --state {state_file}: a file of an earlier run? Remove it "
                 "(or name another) to start this run afresh")
    cause = err.__cause__
    if not isinstance(err, StrategyError) or cause is None:
        return line
    # The first frame is the SDK's call of decide(); the strategy's frames follow.
    frames = traceback.format_tb(cause.__traceback__)[1:]
    return "\n".join([line, "Traceback (the strategy's code):", *(f.rstrip("\n") for f in frames),
                      *(x.rstrip("\n") for x in traceback.format_exception_only(type(cause), cause))])


def write_report(path: str, out) -> None:
    """The outcome as JSON, for tests and tools that compare it with the run's tape."""
    doc = {
        "agent_id": out.market.agent_id if out.market else None,
        "wake_ups": out.wake_ups,
        "skipped_wake_ups": out.skipped_wake_ups,
        "overtaken_answers": out.overtaken_answers,
        "sessions": out.sessions,
        "last_report_seq": out.last_report_seq,
        "late_answers": out.late_answers,
        "fills": out.fills,
        "positions": {p.product_id: p.net_lots for p in out.positions},
        "rejections": [list(r) for r in out.rejections],
        "ended": out.ended.reason if out.ended else None,
        "final_report_seq": (out.ended.final_report.report_seq
                             if out.ended and out.ended.HasField("final_report") else None),
    }
    with open(path, "w", encoding="utf8") as f:
        json.dump(doc, f, indent=1)
