"""max_resumes counts the drops since the last Welcome, not since the start: an agent whose stream
drops now and then over a long run, and resumes each time, plays on (as the TypeScript SDK does: a
fresh Welcome starts the count again). Against a real grpc server playing the arena's side, which
ends every stream with UNAVAILABLE once its wake-up is answered, and the run on the last one."""
import unittest
from concurrent import futures

import grpc

from flexarena_sdk import SessionError, Strategy
from flexarena_sdk.client import run_agent
from flexarena_sdk.proto import arena_service_pb2, arena_service_pb2_grpc, session_pb2
from tests.fake_arena import relay_session


class _DroppingArena(arena_service_pb2_grpc.ArenaServiceServicer):
    def __init__(self, streams):
        self.streams = streams
        self.hellos = []

    def Session(self, request_iterator, context):
        n = len(self.hellos) + 1

        def on_request(req, send):
            kind = req.WhichOneof("kind")
            if kind == "hello":
                self.hellos.append(req.hello.last_report_seq)
                send(arena_service_pb2.SessionResponse(welcome=session_pb2.Welcome(
                    run_id="r", agent_id="a", deadline_ms=1000, resumed=n > 1)))
                send(arena_service_pb2.SessionResponse(wake_up=session_pb2.WakeUp(wake_id=n, report_seq=n)))
            elif kind == "action_batch":
                if n == self.streams:
                    send(arena_service_pb2.SessionResponse(run_ended=session_pb2.RunEnded(
                        reason="run complete", final_report=session_pb2.WakeUp(report_seq=n + 1))))
                return True
            return False

        yield from relay_session(request_iterator, on_request)
        if n < self.streams:
            context.abort(grpc.StatusCode.UNAVAILABLE, "dropped")


class _Idle(Strategy):
    name = "idle"

    def decide(self, wake):
        return []


class ResumeCount(unittest.TestCase):
    def play(self, streams, max_resumes):
        arena = _DroppingArena(streams)
        server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
        arena_service_pb2_grpc.add_ArenaServiceServicer_to_server(arena, server)
        port = server.add_insecure_port("127.0.0.1:0")
        server.start()
        self.addCleanup(server.stop, None)
        with self.assertLogs("flexarena_sdk", "WARNING"):
            out = run_agent(_Idle(), f"127.0.0.1:{port}", "t", max_resumes=max_resumes, resume_backoff_s=0.01,
                            connect_timeout_s=10)
        return arena, out

    def test_drops_each_followed_by_a_welcome_do_not_use_up_the_resumes(self):
        # Before, the fourth drop of the run was "the stream ended 3 times …; giving up" with
        # max_resumes=2, each resume having worked.
        arena, out = self.play(streams=5, max_resumes=2)
        self.assertEqual(out.ended.reason, "run complete")
        self.assertEqual(out.sessions, 5)
        self.assertEqual(arena.hellos, [0, 1, 2, 3, 4])

    def test_with_no_resume_allowed_the_first_drop_ends_it(self):
        with self.assertRaises(SessionError) as ctx:
            self.play(streams=2, max_resumes=0)
        self.assertEqual(ctx.exception.code, grpc.StatusCode.UNAVAILABLE)


if __name__ == "__main__":
    unittest.main()
