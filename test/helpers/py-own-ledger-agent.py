"""A Python SDK agent that keeps its records in a file of its own, beside the SDK's state file: the
strategy of py-fill-ledger-agent.py (same trades, same ledger of fills and acks), but its ledger is
not handed to the SDK through save_state(). It is written by the agent's own on_processed callback
(run_agent's `on_processed`), to `--ledger FILE`, while `--state FILE` keeps only the report_seq —
two writes per processed message, as a user who saves to a database of their own has them.

    PYTHONPATH=agents/python python3 test/helpers/py-own-ledger-agent.py --arena host:port
        --token T --state f.state --ledger f.json [--slow-saves 20,50 --save-ms 300] [--wait-for-go]

on_processed writes the ledger (write, rename). For the wake-ups listed in --slow-saves it first
prints "saving S of wake W (F fills)" and takes --save-ms (a slow write: a network disk, a database
round trip): a test that kills the process then kills it between the SDK's write of the report_seq
and the agent's own. A restarted process reads its ledger back (processes + 1) before it connects.
With --wait-for-go, as py-fill-ledger-agent.py.
"""
import importlib.util
import json
import os
import sys
import time

_here = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("py_fill_ledger_agent", os.path.join(_here, "py-fill-ledger-agent.py"))
_ledger_agent = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_ledger_agent)  # takes its own --think-ms and --wait-for-go out of argv

from flexarena_sdk import run_agent  # noqa: E402


def _arg(flag: str, default=None):
    return sys.argv[sys.argv.index(flag) + 1] if flag in sys.argv else default


class OwnLedger(_ledger_agent.FillLedger):
    name = "py-own-ledger"
    # (report_seq, wake_id, fills) of the last wake-up decided.
    last_decided = (0, 0, 0)

    def decide(self, wake):
        self.last_decided = (wake.report_seq, wake.wake_id, len(wake.fills))
        return super().decide(wake)

    def save_state(self):
        # Kept in the agent's own file instead (see on_processed below).
        return None


def main() -> int:
    arena, token, state, ledger_path = _arg("--arena"), _arg("--token"), _arg("--state"), _arg("--ledger")
    save_s = int(_arg("--save-ms", "0")) / 1000
    slow_wakes = {int(w) for w in _arg("--slow-saves", "").split(",") if w}
    if _ledger_agent.WAIT_FOR_GO:
        _ledger_agent._say("ready")
        for line in sys.stdin:
            if line.strip() == "go":
                break
    strategy = OwnLedger({})
    if os.path.exists(ledger_path):
        with open(ledger_path, encoding="utf8") as f:
            strategy.ledger = json.load(f)
        strategy.ledger["processes"] += 1

    def save(seq: int) -> None:
        decided_seq, wake_id, fills = strategy.last_decided
        if seq == decided_seq and wake_id in slow_wakes:
            _ledger_agent._say(f"saving {seq} of wake {wake_id} ({fills} fills)")
            time.sleep(save_s)
        with open(f"{ledger_path}.tmp", "w", encoding="utf8") as f:
            json.dump(strategy.ledger, f)
        os.replace(f"{ledger_path}.tmp", ledger_path)

    out = run_agent(strategy, arena, token, state_file=state, on_processed=save)
    _ledger_agent._say(f"py-own-ledger: {out.wake_ups} wake-ups, {out.sessions} session(s); "
                       f"{out.ended.reason if out.ended else 'no end'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
