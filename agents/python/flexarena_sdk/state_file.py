"""The state file (`--state FILE`, run_agent's `state_file`): the last processed report_seq and,
for a strategy that keeps state of its own (Strategy.save_state), that state, in one file.

Both go in one write, replaced atomically (write, rename): a process killed at any moment leaves a
number and a strategy state that belong together. Kept in two places, a kill between the two
writes would leave the strategy with the reports of a message the SDK has not stored as processed
(the arena sends them again after the restart: each fill twice), or the other way round (lost).

The file holds the number alone ("42") when the strategy keeps no state, else a JSON object
{"report_seq": 42, "strategy": …, "answer": …}: with the state, the answer to the last wake-up
decided ({"wakeId": 7, "actions": [base64 of each serialized Action]}, shaped like the TypeScript
SDK's resume file). A process killed after storing a wake-up as processed but before its answer
left gets that wake-up again from the arena; its state already holds the decision, so the stored
answer is sent again instead of deciding once more."""
import base64
import json
import os
from typing import Any, List, Optional, Tuple

from .errors import AgentSdkError


class StateFileError(AgentSdkError, ValueError):
    """The state file holds something this SDK did not write."""


def unstorable_at(value, at: str = "$") -> Optional[Tuple[str, str]]:
    """Where in `value` JSON would not give back what is there, and why (None: nowhere). json.dumps
    turns a dict's int keys into strings and a tuple into a list without a word — a strategy keying
    its records by trade id would find none of them after a restart — and writes NaN, which is no
    JSON; what it cannot write at all (a set, a Decimal) it refuses."""
    if value is None or isinstance(value, (str, bool, int)):
        return None
    if isinstance(value, float):
        return None if value == value and value not in (float("inf"), float("-inf")) else (at, f"{value} (not a finite number)")
    if isinstance(value, list):
        for i, v in enumerate(value):
            bad = unstorable_at(v, f"{at}[{i}]")
            if bad:
                return bad
        return None
    if isinstance(value, dict):
        for k, v in value.items():
            if not isinstance(k, str):
                return at, f"the key {k!r} ({type(k).__name__}; JSON gives it back as the string {json.dumps(str(k))})"
            bad = unstorable_at(v, f"{at}.{k}")
            if bad:
                return bad
        return None
    if isinstance(value, tuple):
        return at, "a tuple (JSON gives it back as a list)"
    return at, f"a {type(value).__name__}"


class StateFile:
    def __init__(self, path: str):
        self.path = path

    def load(self) -> Tuple[int, Optional[Any]]:
        """(last processed report_seq, the strategy's saved state or None); (0, None) with no file."""
        seq, state, _ = self.load_with_answer()
        return seq, state

    def load_with_answer(self) -> Tuple[int, Optional[Any], Optional[Tuple[int, List[bytes]]]]:
        """load(), and the stored answer to the last wake-up decided: (wake_id, serialized Actions),
        or None."""
        try:
            with open(self.path, encoding="utf8") as f:
                text = f.read().strip()
        except FileNotFoundError:
            # Checked now, not at the first message processed: a file that cannot be written ended
            # the agent in the middle of the run, with a traceback.
            folder = os.path.dirname(os.path.abspath(self.path))
            if not os.path.isdir(folder):
                raise StateFileError(f"{self.path}: its folder {folder} does not exist") from None
            return 0, None, None
        except OSError as err:
            raise StateFileError(f"{self.path} cannot be read ({err.strerror or err})") from err
        if not text.startswith("{"):
            try:
                return int(text or 0), None, None
            except ValueError:
                raise StateFileError(f"{self.path}: not a state file of the SDK (it holds {text[:40]!r})") from None
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as err:
            raise StateFileError(f"{self.path}: not a state file of the SDK ({err})") from None
        seq = doc.get("report_seq")
        if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
            raise StateFileError(f"{self.path}: report_seq must be a whole number ≥ 0, got {seq!r}")
        return seq, doc.get("strategy"), self._answer(doc.get("answer"))

    def _answer(self, doc) -> Optional[Tuple[int, List[bytes]]]:
        if doc is None:
            return None
        try:
            wake_id, actions = doc["wakeId"], [base64.b64decode(a, validate=True) for a in doc["actions"]]
        except (KeyError, TypeError, ValueError) as err:
            raise StateFileError(f"{self.path}: answer is not an answer this SDK stored ({err!r})") from None
        if not isinstance(wake_id, int) or isinstance(wake_id, bool):
            raise StateFileError(f"{self.path}: answer.wakeId must be a whole number, got {wake_id!r}")
        return wake_id, actions

    def store(self, seq: int, strategy_state: Optional[Any] = None,
              answer: Optional[Tuple[int, List[bytes]]] = None) -> None:
        """Raises TypeError/ValueError (and leaves the file as it was) for a strategy state JSON
        cannot hold. `answer` (wake_id, serialized Actions) is kept only with a strategy state."""
        if strategy_state is None:
            text = f"{seq}\n"
        else:
            doc = {"report_seq": seq, "strategy": strategy_state}
            if answer is not None:
                doc["answer"] = {"wakeId": answer[0],
                                 "actions": [base64.b64encode(a).decode("ascii") for a in answer[1]]}
            text = json.dumps(doc)
        tmp = f"{self.path}.tmp"
        try:
            with open(tmp, "w", encoding="utf8") as f:
                f.write(text)
            os.replace(tmp, self.path)
        except OSError as err:
            raise StateFileError(f"{self.path} cannot be written ({err.strerror or err}); the agent stops so as "
                                 "not to lose its resume point") from err
