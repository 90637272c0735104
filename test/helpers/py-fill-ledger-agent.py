"""A test agent written with the Python SDK, the counterpart of fill-ledger-agent.ts: it trades
aggressively against the liquidity provider and keeps a ledger of every fill, ack, settlement and
balancing result its strategy processed, so a test can SIGKILL it, restart it and check that each fill of
the tape, and the ack of each of its batches, reached the strategy exactly once.

It runs as a user runs a Python agent: the SDK's command line (flexarena_sdk.cli.main) with --arena,
--token and --state FILE. The ledger is the strategy's own state (Strategy.save_state): the SDK
keeps it in the state file with the report_seq it goes with, and a restarted process gets it back
(load_state) before it resumes.

    PYTHONPATH=agents/python python3 test/helpers/py-fill-ledger-agent.py --arena host:port
        --token T --state f.json [--think-ms 25] [--wait-for-go]

With --wait-for-go the process loads (the interpreter, grpc) and prints "ready", then waits for a
line "go" on stdin before it reads its state file and connects: a test can load the replacement of
a process it is about to kill, so that the restart does not depend on a loaded machine's start-up.

It prints "got W" when decide starts on wake-up W (the SDK has it and has not answered), records
the wake-up's reports, thinks --think-ms, and prints "wake W seq S fills F" as decide returns. Its
decisions depend only on the wake-up's content, so two runs of the same seed give the same tape.
"""
import sys
import time

from flexarena_sdk import Strategy, buy, cancel, lots_to_mw, sell, ticks_to_eur
from flexarena_sdk.cli import main


def _take(flag: str, has_value: bool):
    """Removes one of this helper's own options from argv (the SDK's parser knows only its own)."""
    if flag not in sys.argv:
        return None if has_value else False
    i = sys.argv.index(flag)
    value = sys.argv[i + 1] if has_value else True
    del sys.argv[i:i + (2 if has_value else 1)]
    return value


THINK_S = int(_take("--think-ms", True) or 0) / 1000
WAIT_FOR_GO = _take("--wait-for-go", False)


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


class FillLedger(Strategy):
    name = "py-fill-ledger"

    def __init__(self, params):
        # processes: 1 + the restarts that found a saved ledger.
        self.ledger = {"fills": [], "acked": [], "woken": [], "settled": [], "balancing_results": [],
                       "positions": {}, "cash_units": {}, "processes": 1, "ended": None}

    def save_state(self):
        return self.ledger

    def load_state(self, state) -> None:
        self.ledger = state
        self.ledger["processes"] += 1

    def decide(self, wake):
        _say(f"got {wake.wake_id}")
        # Recorded first, then the work: a kill while it thinks finds the ledger ahead of the SDK's
        # stored report_seq unless the two are stored together.
        self.took(wake)
        self.ledger["woken"].append(wake.wake_id)
        if THINK_S:
            time.sleep(THINK_S)
        _say(f"wake {wake.wake_id} seq {wake.report_seq} fills {len(wake.fills)}")
        return self.actions(wake)

    def on_ack(self, ack) -> None:
        if ack.report_seq > 0:
            self.ledger["acked"].append(ack.wake_id)

    def on_end(self, ended) -> None:
        final = ended.final_report if ended.HasField("final_report") else None
        if final is not None:
            self.took(final)
        self.ledger["ended"] = {"reason": ended.reason, "final_report_fills": len(final.fills) if final else 0}

    def took(self, report) -> None:
        self.ledger["fills"].extend(f.trade_id for f in report.fills)
        self.ledger["settled"].extend(x.product_id for x in report.settlements)
        self.ledger["balancing_results"].extend(x.product_id for x in report.balancing_results)
        self.ledger["positions"] = {p.product_id: p.net_lots for p in report.positions}
        self.ledger["cash_units"] = {p.product_id: p.cash_units for p in report.positions}

    def actions(self, wake):
        """Cancel what rests, then on up to three books take the best ask and the best bid and rest
        one lot just inside the spread (filled later, when the provider's ladder moves through it)."""
        out = [cancel(o.order_id, f"c{o.order_id}") for o in wake.open_orders]
        books = [b for b in wake.books if b.bids and b.asks]
        start = wake.wake_id % len(books) if books else 0
        for k in range(min(3, len(books))):
            b = books[(start + k) % len(books)]
            bid, ask = b.bids[0].price_ticks, b.asks[0].price_ticks
            mw = lots_to_mw(1 + (wake.wake_id + k) % 3)
            out += [buy(b.product_id, ticks_to_eur(ask), mw, "IOC"), sell(b.product_id, ticks_to_eur(bid), mw, "IOC")]
            if ask - bid > 2:
                buying = (wake.wake_id + k) % 2 == 0
                side = buy if buying else sell
                out.append(side(b.product_id, ticks_to_eur(bid + 1 if buying else ask - 1), lots_to_mw(1)))
        return out


if __name__ == "__main__":
    if WAIT_FOR_GO:
        _say("ready")
        for line in sys.stdin:
            if line.strip() == "go":
                break
    raise SystemExit(main(FillLedger))
