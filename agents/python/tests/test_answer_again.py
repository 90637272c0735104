"""A wake-up decided, stored as processed, whose answer never left (the stream dropped, the process
was killed) comes again on the next stream. The strategy's state already holds that decision, so
the SDK sends the same answer again instead of calling decide() a second time — as the TypeScript
SDK does (ConnectOptions.lastAnswer); with a state file, across a restart too. A wake-up that
comes again with reports (fills…) is decided: the strategy must see them."""
import os
import tempfile
import unittest
from concurrent import futures

import grpc

from flexarena_sdk import Market, Strategy, buy
from flexarena_sdk.client import _Session, run_agent
from flexarena_sdk.proto import arena_service_pb2, arena_service_pb2_grpc, market_pb2, session_pb2
from flexarena_sdk.state_file import StateFile
from tests.fake_arena import relay_session


class _Once(Strategy):
    """Bids once, the first time it is asked, and remembers it (in its state)."""
    name = "once"

    def __init__(self):
        self.bid = False
        self.decided = []

    def decide(self, wake):
        self.decided.append(wake.wake_id)
        if self.bid:
            return []
        self.bid = True
        return [buy("qh-1", 50, 1, client_ref="the-bid")]

    def save_state(self):
        return {"bid": self.bid}

    def load_state(self, state):
        self.bid = state["bid"]


def _session(strategy, state=None):
    s = _Session(strategy, "x", "t", 0, None, state, 1)
    s.outcome.market = Market(session_pb2.Welcome(agent_id="a", deadline_ms=5000))
    return s


class SameStream(unittest.TestCase):
    def test_the_wake_up_sent_again_first_on_a_new_stream_gets_the_same_answer_without_a_decide(self):
        strategy = _Once()
        s = _session(strategy)
        first = s.answer(session_pb2.WakeUp(wake_id=7, report_seq=3))
        # The stream drops before the answer leaves; the next one starts with wake 7 again.
        s.first_on_stream = True
        again = s.answer(session_pb2.WakeUp(wake_id=7, report_seq=4))
        self.assertEqual(strategy.decided, [7])
        self.assertEqual(again.action_batch, first.action_batch)
        self.assertEqual(again.action_batch.actions[0].client_ref, "the-bid")

    def test_with_reports_or_not_first_on_the_stream_it_is_decided(self):
        strategy = _Once()
        s = _session(strategy)
        s.answer(session_pb2.WakeUp(wake_id=7, report_seq=3))
        s.first_on_stream = True
        s.answer(session_pb2.WakeUp(wake_id=7, report_seq=4, fills=[market_pb2.Fill(trade_id=9)]))
        s.answer(session_pb2.WakeUp(wake_id=7, report_seq=5))  # not first on its stream
        self.assertEqual(strategy.decided, [7, 7, 7])


class _Arena(arena_service_pb2_grpc.ArenaServiceServicer):
    """A resumed session: wake 7 again (no reports), then RunEnded once it is answered."""

    def __init__(self):
        self.batches = []
        self.hellos = []

    def Session(self, request_iterator, context):
        return relay_session(request_iterator, self._on_request)

    def _on_request(self, req, send):
        kind = req.WhichOneof("kind")
        if kind == "hello":
            self.hellos.append(req.hello.last_report_seq)
            send(arena_service_pb2.SessionResponse(welcome=session_pb2.Welcome(
                run_id="r", agent_id="a", deadline_ms=5000, resumed=True)))
            send(arena_service_pb2.SessionResponse(wake_up=session_pb2.WakeUp(wake_id=7, report_seq=4)))
        elif kind == "action_batch":
            self.batches.append(req.action_batch)
            send(arena_service_pb2.SessionResponse(run_ended=session_pb2.RunEnded(
                reason="run complete", final_report=session_pb2.WakeUp(report_seq=5))))
            return True
        return False


class AfterARestart(unittest.TestCase):
    def test_a_restarted_process_sends_the_stored_answer_to_the_wake_up_sent_again(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "state")
            # The killed process: decided wake 7 (report 3) and stored it, with its answer; the
            # answer never left.
            killed = _session(_Once(), StateFile(path))
            killed.answer(session_pb2.WakeUp(wake_id=7, report_seq=3))
            arena = _Arena()
            server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
            arena_service_pb2_grpc.add_ArenaServiceServicer_to_server(arena, server)
            port = server.add_insecure_port("127.0.0.1:0")
            server.start()
            self.addCleanup(server.stop, None)
            restarted = _Once()
            out = run_agent(restarted, f"127.0.0.1:{port}", "t", state_file=path, connect_timeout_s=10)
            self.assertEqual(arena.hellos, [3])
            self.assertEqual(restarted.decided, [])
            self.assertEqual([a.client_ref for a in arena.batches[0].actions], ["the-bid"])
            self.assertEqual(arena.batches[0].wake_id, 7)
            self.assertEqual(out.last_report_seq, 5)


if __name__ == "__main__":
    unittest.main()
