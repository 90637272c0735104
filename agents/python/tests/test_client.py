import os
import tempfile
import unittest

from flexarena_sdk import Market, Strategy, StrategyError, buy
from flexarena_sdk.client import _Session
from flexarena_sdk.state_file import StateFile
from flexarena_sdk.proto import market_pb2, session_pb2


def welcome():
    return session_pb2.Welcome(run_id="r", agent_id="a", deadline_ms=500, market=market_pb2.MarketSpec(
        price_min_ticks=-999900, price_max_ticks=999900, max_quantity_lots=100000))


class Recorder(Strategy):
    name = "recorder"

    def __init__(self, result):
        self.result = result

    def decide(self, wake):
        return self.result


class Address(unittest.TestCase):
    def test_an_address_that_is_not_host_port_is_refused_at_once(self):
        # Before, grpc took "127.0.0.1" for port 443 and "http://…" for a host name: the agent
        # waited out its 30 s connect timeout, then blamed the arena.
        import time
        from flexarena_sdk import AgentSdkError, run_agent
        started = time.monotonic()
        for bad in ("127.0.0.1", "http://127.0.0.1:50051", "127.0.0.1:0", "127.0.0.1:70000", ":50051",
                    "127.0.0.1:port", None):
            with self.assertRaises(AgentSdkError) as ctx:
                run_agent(Recorder([]), bad, "t", connect_timeout_s=0.5)
            self.assertIn("is not host:port (a port 1–65535)", str(ctx.exception))
        self.assertLess(time.monotonic() - started, 1)

    def test_host_port_is_accepted(self):
        from flexarena_sdk.client import check_address
        for good in ("127.0.0.1:50051", "localhost:1", "[::1]:65535", "arena.example:443"):
            self.assertEqual(check_address(good), good)


class Answering(unittest.TestCase):
    def session(self, strategy, seen):
        s = _Session(strategy, "x", "t", 0, seen.append, None, 1)
        s.outcome.market = Market(welcome())
        return s

    def test_wake_up_is_processed_before_its_answer_and_answers_its_wake_id(self):
        seen = []
        s = self.session(Recorder([buy("qh-1", 50, 1)]), seen)
        req = s.answer(session_pb2.WakeUp(wake_id=9, report_seq=4))
        self.assertEqual(seen, [4])
        self.assertEqual(req.action_batch.wake_id, 9)
        self.assertEqual(len(req.action_batch.actions), 1)

    def test_reports_are_counted_once_and_batch_refusals_do_not_count(self):
        seen = []
        s = self.session(Recorder([]), seen)
        s.acked(session_pb2.ActionAck(wake_id=1, report_seq=3))
        s.acked(session_pb2.ActionAck(wake_id=1, report_seq=3))  # sent again after a resume
        s.acked(session_pb2.ActionAck(wake_id=1, report_seq=0, batch_status=session_pb2.BATCH_STATUS_STALE_WAKE))
        self.assertEqual(seen, [3])

    def test_a_reject_code_newer_than_the_sdk_is_recorded_by_number_and_the_agent_plays_on(self):
        # Before, RejectCode.Name raised ValueError on it and the agent ended with a traceback.
        seen = []
        s = self.session(Recorder([]), seen)
        r = session_pb2.ActionResult(status=session_pb2.ACTION_STATUS_REJECTED, field="submit", limit="x")
        r.reject_code = 99
        s.acked(session_pb2.ActionAck(wake_id=1, report_seq=5, results=[r]))
        s.acked(session_pb2.ActionAck(wake_id=2, report_seq=6, results=[session_pb2.ActionResult(
            status=session_pb2.ACTION_STATUS_REJECTED, reject_code=market_pb2.REJECT_CODE_GATE_CLOSED)]))
        self.assertEqual([x[0] for x in s.outcome.rejections], ["REJECT_CODE_99", "REJECT_CODE_GATE_CLOSED"])
        self.assertEqual(seen, [5, 6])

    def test_acks_inside_a_wake_up_are_processed_before_it_and_kept_from_the_strategy(self):
        seen, acked, woken = [], [], []

        class Watcher(Recorder):
            def on_ack(self, ack):
                acked.append(ack.wake_id)

            def decide(self, wake):
                woken.append(len(wake.msg.acks))
                return []

        from flexarena_sdk.wake_view import WakeViewTracker
        s = self.session(Watcher([]), seen)
        wake = session_pb2.WakeUp(wake_id=9, report_seq=7, acks=[
            session_pb2.ActionAck(wake_id=7, report_seq=5), session_pb2.ActionAck(wake_id=8, report_seq=6)])
        req = s.woken(wake, WakeViewTracker())
        self.assertEqual(acked, [7, 8])
        self.assertEqual(seen, [5, 6, 7])
        self.assertEqual(woken, [0])
        self.assertEqual(req.action_batch.wake_id, 9)

    def test_a_superseded_wake_up_is_skipped_and_its_reports_come_with_the_next_one_decided(self):
        seen, acked, decided = [], [], []

        class Watcher(Recorder):
            def on_ack(self, ack):
                acked.append(ack.report_seq)

            def decide(self, wake):
                decided.append((wake.wake_id, [f.trade_id for f in wake.fills]))
                return []

        from flexarena_sdk.wake_view import WakeViewTracker
        s = self.session(Watcher([]), seen)
        views = WakeViewTracker()
        fill = lambda t: market_pb2.Fill(trade_id=t)  # noqa: E731
        # One ack in the sequence per batch, so each of another wake-up's (as the arena sends them).
        first = session_pb2.WakeUp(wake_id=5, report_seq=4, fills=[fill(1), fill(2)],
                                   acks=[session_pb2.ActionAck(wake_id=2, report_seq=3)])
        self.assertIsNone(s.woken(first, views, superseded=True))
        # Its ack came before it: processed. The wake-up itself is not, nor what follows it, until
        # its reports have reached decide().
        self.assertEqual(seen, [3])
        s.acked(session_pb2.ActionAck(wake_id=3, report_seq=5))
        self.assertEqual(seen, [3])
        newest = session_pb2.WakeUp(wake_id=6, report_seq=7, fills=[fill(3)],
                                    acks=[session_pb2.ActionAck(wake_id=4, report_seq=6)])
        req = s.woken(newest, views)
        self.assertEqual(decided, [(6, [1, 2, 3])])
        self.assertEqual(acked, [3, 5, 6])
        self.assertEqual(seen, [3, 7])
        self.assertEqual(req.action_batch.wake_id, 6)
        self.assertEqual(s.outcome.fills, [1, 2, 3])
        self.assertEqual((s.outcome.wake_ups, s.outcome.skipped_wake_ups), (2, 1))

    def test_an_ack_handled_while_a_skipped_wake_up_waited_is_not_handed_over_again_after_a_resume(self):
        # The ack counts as processed only once the skipped wake-up's reports reach decide(); the
        # stream drops before that, the resume starts from before it and the arena sends it again.
        # Before, on_ack got it a second time (its fills and rejections applied twice).
        seen, acked = [], []

        class Watcher(Recorder):
            def on_ack(self, ack):
                acked.append(ack.report_seq)

        from flexarena_sdk.skipped_reports import SkippedReports
        from flexarena_sdk.wake_view import WakeViewTracker
        s = self.session(Watcher([]), seen)
        rejected = session_pb2.ActionResult(status=session_pb2.ACTION_STATUS_REJECTED,
                                            reject_code=market_pb2.REJECT_CODE_GATE_CLOSED)
        self.assertIsNone(s.woken(session_pb2.WakeUp(wake_id=5, report_seq=4), WakeViewTracker(), superseded=True))
        s.acked(session_pb2.ActionAck(wake_id=4, report_seq=5, results=[rejected]))
        self.assertEqual((acked, seen), ([5], []))
        # The stream drops; the next one (run_once) starts with nothing skipped and gets from the
        # arena everything after report 0: the ack again, then the wake-up's reports in a new one.
        s.skipped = SkippedReports()
        s.acked(session_pb2.ActionAck(wake_id=4, report_seq=5, results=[rejected]))
        s.woken(session_pb2.WakeUp(wake_id=6, report_seq=6), WakeViewTracker())
        self.assertEqual(acked, [5])
        self.assertEqual(len(s.outcome.rejections), 1)
        self.assertEqual(seen, [5, 6])

    def test_an_ack_sent_again_with_a_new_report_seq_after_a_resume_is_not_handed_over_again(self):
        # What the arena sends after a resume: everything after the resume point again in new
        # messages with new numbers (sim/core/agent-outbox.ts, resume), the ack inside the next
        # wake-up. Its batch's wake_id names it. Before, only an ack with a report_seq already
        # handed over was recognised: this one reached on_ack a second time.
        seen, acked = [], []

        class Watcher(Recorder):
            def on_ack(self, ack):
                acked.append((ack.wake_id, ack.report_seq))

        from flexarena_sdk.skipped_reports import SkippedReports
        from flexarena_sdk.wake_view import WakeViewTracker
        s = self.session(Watcher([]), seen)
        rejected = session_pb2.ActionResult(status=session_pb2.ACTION_STATUS_REJECTED,
                                            reject_code=market_pb2.REJECT_CODE_GATE_CLOSED)
        self.assertIsNone(s.woken(session_pb2.WakeUp(wake_id=5, report_seq=4), WakeViewTracker(), superseded=True))
        s.acked(session_pb2.ActionAck(wake_id=4, report_seq=5, results=[rejected]))
        # The stream drops; the arena had sent up to report 6 (the wake-up that did not get decided).
        s.skipped = SkippedReports()
        views = WakeViewTracker()
        s.woken(session_pb2.WakeUp(wake_id=6, report_seq=8, acks=[
            session_pb2.ActionAck(wake_id=4, report_seq=7, results=[rejected])]), views)
        self.assertEqual(acked, [(4, 5)])
        self.assertEqual(len(s.outcome.rejections), 1)
        self.assertEqual(seen, [7, 8])
        # A later ack of another batch is handed over.
        s.acked(session_pb2.ActionAck(wake_id=6, report_seq=9))
        self.assertEqual(acked, [(4, 5), (6, 9)])

    def test_the_deadline_runs_from_the_wake_ups_arrival_not_from_its_decide(self):
        # A wake-up that waited behind a slow decide() has less time left (the arena counts from
        # when it sent it); answered past it, it is a late answer.
        import time
        left = []

        class Timer(Recorder):
            def decide(self, wake):
                left.append(wake.seconds_left())
                return []

        s = self.session(Timer([]), [])
        s.answer(session_pb2.WakeUp(wake_id=1, report_seq=1), time.monotonic() - 0.4)
        self.assertLess(left[0], 0.11)  # deadline_ms 500
        s.answer(session_pb2.WakeUp(wake_id=2, report_seq=2), time.monotonic() - 0.6)
        self.assertLess(left[1], 0)
        self.assertEqual(s.outcome.late_answers, 1)

    def test_rejections_are_kept_with_code_field_and_limit(self):
        s = self.session(Recorder([]), [])
        s.acked(session_pb2.ActionAck(wake_id=1, report_seq=1, results=[session_pb2.ActionResult(
            status=session_pb2.ACTION_STATUS_REJECTED, reject_code=market_pb2.REJECT_CODE_GATE_CLOSED,
            field="submit.product_id", limit="before gate closure")]))
        self.assertEqual(s.outcome.rejections[0][:3], ("REJECT_CODE_GATE_CLOSED", "submit.product_id", "before gate closure"))

    def test_a_decide_that_returns_no_actions_is_a_strategy_error(self):
        s = self.session(Recorder("buy everything"), [])
        with self.assertRaises(StrategyError):
            s.answer(session_pb2.WakeUp(wake_id=1, report_seq=1))

    def test_a_strategy_state_is_stored_with_the_report_seq_it_goes_with(self):
        class Ledger(Recorder):
            def __init__(self):
                super().__init__([])
                self.fills = []

            def decide(self, wake):
                self.fills.extend(f.trade_id for f in wake.fills)
                return []

            def save_state(self):
                return {"fills": list(self.fills)}

        with tempfile.TemporaryDirectory() as d:
            state = StateFile(os.path.join(d, "state"))
            s = _Session(Ledger(), "x", "t", 0, None, state, 1)
            s.outcome.market = Market(welcome())
            s.answer(session_pb2.WakeUp(wake_id=1, report_seq=3, fills=[market_pb2.Fill(trade_id=7)]))
            self.assertEqual(state.load(), (3, {"fills": [7]}))

    def test_a_strategy_state_json_cannot_hold_is_a_strategy_error_and_leaves_the_file(self):
        class Unsavable(Recorder):
            def save_state(self):
                return {"at": object()}

        with tempfile.TemporaryDirectory() as d:
            state = StateFile(os.path.join(d, "state"))
            state.store(2)
            s = _Session(Unsavable([]), "x", "t", 2, None, state, 1)
            s.outcome.market = Market(welcome())
            with self.assertRaisesRegex(StrategyError, r"recorder\.save_state returned what JSON cannot hold"):
                s.answer(session_pb2.WakeUp(wake_id=1, report_seq=3))
            self.assertEqual(state.load(), (2, None))

    def test_a_strategy_state_json_would_give_back_changed_is_refused_naming_where(self):
        # Before, {7: …} came back after a restart as {"7": …} (a strategy keyed by trade id found
        # none of its records), a tuple as a list, and NaN was written into the file.
        cases = [({"seen": {7: True}}, "$.seen", "the key 7 (int"), ({"last": (1, 2)}, "$.last", "a tuple"),
                 ({"p": [1.5, float("nan")]}, "$.p[1]", "not a finite number"), ({"s": {1}}, "$.s", "a set")]
        for saved, at, why in cases:
            class Saving(Recorder):
                def save_state(self):
                    return saved

            with tempfile.TemporaryDirectory() as d:
                state = StateFile(os.path.join(d, "state"))
                s = _Session(Saving([]), "x", "t", 0, None, state, 1)
                s.outcome.market = Market(welcome())
                with self.assertRaises(StrategyError) as ctx:
                    s.answer(session_pb2.WakeUp(wake_id=1, report_seq=3))
                self.assertIn(f"at {at}: ", str(ctx.exception))
                self.assertIn(why, str(ctx.exception))
                self.assertEqual(state.load(), (0, None))

    def test_on_processed_runs_before_the_state_file_so_a_kill_between_repeats_rather_than_loses(self):
        # A strategy keeping records of its own in on_processed beside --state: were the number stored
        # first, a process killed before its own write would resume past fills it never recorded.
        with tempfile.TemporaryDirectory() as d:
            state = StateFile(os.path.join(d, "state"))
            state.store(2)
            in_file_when_called = []
            s = _Session(Recorder([]), "x", "t", 2, lambda seq: in_file_when_called.append(state.load()[0]), state, 1)
            s.outcome.market = Market(welcome())
            s.answer(session_pb2.WakeUp(wake_id=1, report_seq=3, fills=[market_pb2.Fill(trade_id=7)]))
            self.assertEqual(in_file_when_called, [2])
            self.assertEqual(state.load(), (3, None))

    def test_a_failing_on_processed_leaves_the_state_file_at_the_previous_report(self):
        def fails(seq):
            raise OSError("disk full")

        with tempfile.TemporaryDirectory() as d:
            state = StateFile(os.path.join(d, "state"))
            state.store(2)
            s = _Session(Recorder([]), "x", "t", 2, fails, state, 1)
            s.outcome.market = Market(welcome())
            with self.assertRaisesRegex(OSError, "disk full"):
                s.acked(session_pb2.ActionAck(wake_id=1, report_seq=3))
            self.assertEqual(state.load(), (2, None))


if __name__ == "__main__":
    unittest.main()
