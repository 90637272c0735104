"""The state file (`--state FILE`, run_agent's `state_file`): the last processed report_seq and,
for a strategy that keeps state of its own (Strategy.save_state), that state, in one file.

Both go in one write, replaced atomically (write, rename): a process killed at any moment leaves a
number and a strategy state that belong together. Kept in two places, a kill between the two
writes would leave the strategy with the reports of a message the SDK has not stored as processed
(the arena sends them again after the restart: each fill twice), or the other way round (lost).

The file holds the number alone ("42") when the strategy keeps no state, else a JSON object
{"report_seq": 42, "strategy": …}."""
import json
import os
from typing import Any, Optional, Tuple

from .errors import AgentSdkError


class StateFileError(AgentSdkError, ValueError):
    """The state file holds something this SDK did not write."""


class StateFile:
    def __init__(self, path: str):
        self.path = path

    def load(self) -> Tuple[int, Optional[Any]]:
        """(last processed report_seq, the strategy's saved state or None); (0, None) with no file."""
        try:
            with open(self.path, encoding="utf8") as f:
                text = f.read().strip()
        except FileNotFoundError:
            return 0, None
        if not text.startswith("{"):
            try:
                return int(text or 0), None
            except ValueError:
                raise StateFileError(f"{self.path}: not a state file of the SDK (it holds {text[:40]!r})") from None
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as err:
            raise StateFileError(f"{self.path}: not a state file of the SDK ({err})") from None
        seq = doc.get("report_seq")
        if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
            raise StateFileError(f"{self.path}: report_seq must be a whole number ≥ 0, got {seq!r}")
        return seq, doc.get("strategy")

    def store(self, seq: int, strategy_state: Optional[Any] = None) -> None:
        """Raises TypeError/ValueError (and leaves the file as it was) for a strategy state JSON
        cannot hold."""
        text = f"{seq}\n" if strategy_state is None else json.dumps({"report_seq": seq, "strategy": strategy_state})
        tmp = f"{self.path}.tmp"
        with open(tmp, "w", encoding="utf8") as f:
            f.write(text)
        os.replace(tmp, self.path)
