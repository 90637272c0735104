import os
import tempfile
import unittest

from flexarena_sdk import AgentSdkError
from flexarena_sdk.state_file import StateFile, StateFileError


class StateFiles(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.path = os.path.join(self.dir.name, "state")

    def tearDown(self):
        self.dir.cleanup()

    def write(self, text):
        with open(self.path, "w", encoding="utf8") as f:
            f.write(text)

    def test_no_file_is_a_fresh_start(self):
        self.assertEqual(StateFile(self.path).load(), (0, None))

    def test_the_number_alone_round_trips_as_a_plain_number(self):
        f = StateFile(self.path)
        f.store(42)
        self.assertEqual(f.load(), (42, None))
        with open(self.path, encoding="utf8") as g:
            self.assertEqual(g.read(), "42\n")
        self.assertEqual(os.listdir(self.dir.name), ["state"])

    def test_a_strategy_state_round_trips_with_its_number(self):
        f = StateFile(self.path)
        f.store(9, {"fills": [3, 5], "note": "é"})
        self.assertEqual(f.load(), (9, {"fills": [3, 5], "note": "é"}))
        self.assertEqual(os.listdir(self.dir.name), ["state"])

    def test_the_last_answer_round_trips_with_a_strategy_state_only(self):
        f = StateFile(self.path)
        f.store(9, {"bid": True}, (7, [b"\x12\x03abc", b""]))
        self.assertEqual(f.load_with_answer(), (9, {"bid": True}, (7, [b"\x12\x03abc", b""])))
        self.assertEqual(f.load(), (9, {"bid": True}))
        f.store(10, None, (8, [b"x"]))  # a strategy without state decides again: nothing kept
        self.assertEqual(f.load_with_answer(), (10, None, None))
        self.assertEqual(StateFile(os.path.join(self.dir.name, "none")).load_with_answer(), (0, None, None))

    def test_an_answer_the_sdk_did_not_store_is_a_typed_error(self):
        for answer, says in [('{"wakeId": 7}', "answer is not an answer"),
                             ('{"wakeId": 7, "actions": ["%%%"]}', "answer is not an answer"),
                             ('{"wakeId": "7", "actions": []}', "answer.wakeId must be a whole number")]:
            self.write('{"report_seq": 1, "strategy": {}, "answer": %s}' % answer)
            with self.assertRaises(StateFileError) as ctx:
                StateFile(self.path).load_with_answer()
            self.assertIn(says, str(ctx.exception))

    def test_a_state_json_cannot_hold_leaves_the_file_as_it_was(self):
        f = StateFile(self.path)
        f.store(4, {"a": 1})
        with self.assertRaises(TypeError):
            f.store(5, {"a": object()})
        self.assertEqual(f.load(), (4, {"a": 1}))

    def test_a_file_the_sdk_did_not_write_is_a_typed_error_naming_it(self):
        for text, says in [("hello", "not a state file"), ("{nope", "not a state file"),
                           ('{"report_seq": -1}', "report_seq must be a whole number ≥ 0, got -1"),
                           ('{"report_seq": "7"}', "report_seq must be a whole number ≥ 0, got '7'")]:
            self.write(text)
            with self.assertRaises(StateFileError) as ctx:
                StateFile(self.path).load()
            self.assertIsInstance(ctx.exception, AgentSdkError)
            self.assertIn(self.path, str(ctx.exception))
            self.assertIn(says, str(ctx.exception))

    def test_a_file_in_a_folder_that_does_not_exist_is_refused_at_the_start(self):
        # Before, the start went well and the first message processed ended the agent mid-run with
        # FileNotFoundError's traceback.
        missing = os.path.join(self.dir.name, "nope", "state")
        with self.assertRaises(StateFileError) as ctx:
            StateFile(missing).load()
        self.assertIn("its folder", str(ctx.exception))
        self.assertIn(os.path.join(self.dir.name, "nope"), str(ctx.exception))

    def test_a_file_that_cannot_be_written_is_a_typed_error(self):
        os.mkdir(self.path)  # a folder where the file should be
        with self.assertRaises(StateFileError) as ctx:
            StateFile(self.path).store(3)
        self.assertIn("cannot be written", str(ctx.exception))
        with self.assertRaises(StateFileError) as ctx:
            StateFile(self.path).load()
        self.assertIn("cannot be read", str(ctx.exception))

    def test_a_strategy_state_for_a_strategy_without_load_state_is_refused_not_dropped(self):
        # Before, it was ignored, then overwritten by the first message processed.
        from flexarena_sdk import Strategy, run_agent

        class Stateless(Strategy):
            name = "stateless"

            def decide(self, wake):
                return []

        StateFile(self.path).store(9, {"bid": True})
        with self.assertRaises(StateFileError) as ctx:
            run_agent(Stateless(), "127.0.0.1:1", "t", state_file=self.path, connect_timeout_s=0.5)
        self.assertIn("holds a strategy state, but strategy stateless has no load_state", str(ctx.exception))
        self.assertEqual(StateFile(self.path).load(), (9, {"bid": True}))


if __name__ == "__main__":
    unittest.main()
