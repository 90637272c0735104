"""An answer whose wake-up a newer one overtook while decide() ran: in lock-step it is not sent (the
arena has counted the wake-up as missed and would refuse the answer as late, a refusal its rate limit
counts); in real time, or from an arena that does not say its mode, it is sent as before (real time
applies it on arrival). Against a real grpc server playing the arena's side of a session, which sends
wakes 2 and 3 while the agent still decides wake 1."""
import threading
import time
import unittest
from concurrent import futures

import grpc

from flexarena_sdk import Market, Strategy
from flexarena_sdk.client import _Session, run_agent
from flexarena_sdk.proto import arena_service_pb2, arena_service_pb2_grpc, market_pb2, session_pb2
from flexarena_sdk.wake_view import WakeViewTracker
from tests.fake_arena import relay_session


def _wake(wake_id, report_seq, trade_id):
    return arena_service_pb2.SessionResponse(wake_up=session_pb2.WakeUp(
        wake_id=wake_id, report_seq=report_seq, fills=[market_pb2.Fill(trade_id=trade_id)]))


class _Arena(arena_service_pb2_grpc.ArenaServiceServicer):
    """Welcome (saying `run_mode`) and wake 1 at once, wakes 2 and 3 30 ms later, RunEnded once wake 3
    is answered; `answered` holds the wake ids of the batches received."""

    def __init__(self, run_mode):
        self.run_mode = run_mode
        self.answered = []

    def Session(self, request_iterator, context):
        return relay_session(request_iterator, self._on_request)

    def _on_request(self, req, send):
        kind = req.WhichOneof("kind")
        if kind == "hello":
            send(arena_service_pb2.SessionResponse(welcome=session_pb2.Welcome(
                run_id="r", agent_id="a", deadline_ms=50, run_mode=self.run_mode)))
            send(_wake(1, 1, 11))

            def later():
                send(_wake(2, 2, 21))
                send(_wake(3, 3, 31))

            threading.Timer(0.03, later).start()
        elif kind == "action_batch":
            self.answered.append(req.action_batch.wake_id)
            if req.action_batch.wake_id == 3:
                send(arena_service_pb2.SessionResponse(run_ended=session_pb2.RunEnded(
                    reason="run complete", final_report=session_pb2.WakeUp(report_seq=4))))
                return True
        return False


class _SlowOnWake1(Strategy):
    name = "slow-on-wake-1"

    def __init__(self):
        self.decided = []

    def decide(self, wake):
        self.decided.append((wake.wake_id, [f.trade_id for f in wake.fills]))
        if wake.wake_id == 1:
            time.sleep(0.3)
        return []


class OvertakenAnswer(unittest.TestCase):
    def play(self, run_mode, conflate=True):
        arena = _Arena(run_mode)
        server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
        arena_service_pb2_grpc.add_ArenaServiceServicer_to_server(arena, server)
        port = server.add_insecure_port("127.0.0.1:0")
        server.start()
        self.addCleanup(server.stop, None)
        strategy = _SlowOnWake1()
        processed = []
        # Wake 1 is decided after its deadline: the SDK warns (captured here, and checked).
        with self.assertLogs("flexarena_sdk", "WARNING") as logs:
            out = run_agent(strategy, f"127.0.0.1:{port}", "t", conflate=conflate, connect_timeout_s=10,
                            on_processed=processed.append)
        self.warnings = logs.output
        return arena.answered, strategy.decided, processed, out

    def test_in_lock_step_the_overtaken_answer_is_not_sent_and_the_newest_wake_up_is_answered(self):
        # Before, wake 1's answer went once decide() returned, with wakes 2 and 3 already received:
        # the arena, which sends wake 2 only once wake 1 is missed, refused it as late.
        answered, decided, processed, out = self.play(session_pb2.RUN_MODE_LOCKSTEP)
        self.assertEqual(answered, [3])
        self.assertEqual(decided, [(1, [11]), (3, [21, 31])])
        # Wake 1 was decided with its reports: processed, answer or not.
        self.assertEqual(processed, [1, 3, 4])
        self.assertEqual((out.wake_ups, out.skipped_wake_ups, out.overtaken_answers), (3, 1, 1))
        self.assertIn("wake-up 1 decided (a newer one came meanwhile: answer not sent)", self.warnings[0])

    def test_in_real_time_the_overtaken_answer_is_sent_the_arena_applies_it_on_arrival(self):
        answered, _, _, out = self.play(session_pb2.RUN_MODE_REALTIME)
        self.assertEqual(answered, [1, 3])
        self.assertEqual((out.skipped_wake_ups, out.overtaken_answers), (1, 0))

    def test_an_arena_that_does_not_say_its_mode_gets_the_answer(self):
        answered, _, _, out = self.play(session_pb2.RUN_MODE_UNSPECIFIED)
        self.assertEqual(answered, [1, 3])
        self.assertEqual(out.overtaken_answers, 0)

    def test_without_conflation_every_wake_up_is_answered_in_lock_step_too(self):
        answered, _, _, out = self.play(session_pb2.RUN_MODE_LOCKSTEP, conflate=False)
        self.assertEqual(answered, [1, 2, 3])
        self.assertEqual((out.skipped_wake_ups, out.overtaken_answers), (0, 0))


class AnswerOnceDecided(unittest.TestCase):
    def test_overtaken_is_asked_after_decide_and_the_wake_up_is_processed_either_way(self):
        asked_after = []

        class Deciding(Strategy):
            def decide(self, wake):
                asked_after.append("decide")
                return []

        seen = []
        s = _Session(Deciding(), "x", "t", 0, seen.append, None, 1)
        s.outcome.market = Market(session_pb2.Welcome(agent_id="a", deadline_ms=500))

        def overtaken():
            asked_after.append("overtaken?")
            return True

        self.assertIsNone(s.woken(session_pb2.WakeUp(wake_id=1, report_seq=4), WakeViewTracker(), overtaken=overtaken))
        self.assertEqual(asked_after, ["decide", "overtaken?"])
        self.assertEqual(seen, [4])
        self.assertEqual(s.outcome.overtaken_answers, 1)
        req = s.woken(session_pb2.WakeUp(wake_id=2, report_seq=5), WakeViewTracker(), overtaken=lambda: False)
        self.assertEqual(req.action_batch.wake_id, 2)
        self.assertEqual(s.outcome.overtaken_answers, 1)


if __name__ == "__main__":
    unittest.main()
