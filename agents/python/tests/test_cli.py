import os
import signal
import subprocess
import sys
import unittest

from flexarena_sdk import Market, Strategy, StrategyError
from flexarena_sdk.cli import describe_error
from flexarena_sdk.client import _Session
from flexarena_sdk.proto import market_pb2, session_pb2

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# The example agent's command line, telling when it waits for the arena: a Ctrl-C before that
# (while Python starts) would not be what is tested.
SCRIPT = """
import sys
import grpc
from flexarena_examples.battery import SpreadBattery
from flexarena_sdk.cli import main
wait = grpc.channel_ready_future
def waiting(channel):
    print("waiting", flush=True)
    return wait(channel)
grpc.channel_ready_future = waiting
sys.exit(main(SpreadBattery, sys.argv[1:]))
"""


class CtrlC(unittest.TestCase):
    def test_ctrl_c_is_one_line_and_exit_130(self):
        # Port 9 (discard) on localhost has no arena: the agent waits to connect when it is stopped.
        p = subprocess.Popen([sys.executable, "-c", SCRIPT, "--arena", "127.0.0.1:9", "--token", "t" * 12,
                              "--state", "agent.state"], cwd=HERE, env={**os.environ, "PYTHONPATH": HERE},
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        self.assertEqual(p.stdout.readline().strip(), "waiting")
        # No arena at that address: after two seconds it says what it waits for, then Ctrl-C.
        said = p.stderr.readline()
        self.assertIn("no arena at 127.0.0.1:9 yet (is `flexarena run` listening there?); waiting up to 30.0 s", said)
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=20)
        self.assertEqual(p.returncode, 130, err)
        self.assertNotIn("Traceback", err)
        self.maxDiff = None
        self.assertEqual(err.strip(), "py-spread-battery: interrupted (Ctrl-C); start it again with --state agent.state to resume", err)


class StaleStateFile(unittest.TestCase):
    def test_a_resume_point_the_arena_refuses_names_the_state_file_it_came_from(self):
        # Before, only "hello.last_report_seq: 63 is outside [0, 0]": a state file of an earlier run
        # given to a new one was not named.
        import grpc
        from flexarena_sdk import SessionError
        err = SessionError(grpc.StatusCode.INVALID_ARGUMENT,
                           "hello.last_report_seq: 63 is outside [0, 0] (the last report sent to py)")
        line = describe_error("buy-cheap", err, "agent.state")
        self.assertTrue(line.startswith("buy-cheap: SessionError: session ended with gRPC status INVALID_ARGUMENT: "
                                        "hello.last_report_seq: 63 is outside [0, 0]"), line)
        self.assertIn("the resume point came from --state agent.state: a file of an earlier run?", line)
        self.assertNotIn("--state", describe_error("buy-cheap", err))
        other = SessionError(grpc.StatusCode.UNAUTHENTICATED, "unknown token")
        self.assertNotIn("--state", describe_error("buy-cheap", other, "agent.state"))


class Buggy(Strategy):
    name = "buggy"

    def price_of(self, wake):
        return {}["qh-1"]

    def decide(self, wake):
        return self.price_of(wake)

    def on_ack(self, ack):
        raise ValueError("cannot read this ack")


def session():
    s = _Session(Buggy(), "x", "t", 0, None, None, 1)
    s.outcome.market = Market(session_pb2.Welcome(agent_id="a", deadline_ms=500, market=market_pb2.MarketSpec()))
    return s


class StrategyErrors(unittest.TestCase):
    def test_a_bug_in_decide_says_where_it_is(self):
        with self.assertRaises(StrategyError) as caught:
            session().answer(session_pb2.WakeUp(wake_id=3, report_seq=1))
        text = describe_error("buggy", caught.exception)
        lines = text.splitlines()
        self.assertEqual(lines[0], "buggy: StrategyError: buggy.decide raised at wake-up 3: KeyError('qh-1')")
        # Where, as attributes too (as the TypeScript SDK's method and wakeId).
        self.assertEqual((caught.exception.method, caught.exception.wake_id), ("decide", 3))
        self.assertIn("in decide", text)
        self.assertIn("in price_of", text)
        self.assertIn('return {}["qh-1"]', text)
        self.assertEqual(lines[-1], "KeyError: 'qh-1'")
        # The SDK's own frames are not the user's concern.
        self.assertNotIn("client.py", text)

    def test_a_hook_that_raises_is_a_strategy_error_too(self):
        with self.assertRaises(StrategyError) as caught:
            session().acked(session_pb2.ActionAck(wake_id=1, report_seq=1))
        text = describe_error("buggy", caught.exception)
        self.assertTrue(text.startswith("buggy: StrategyError: buggy.on_ack raised: ValueError('cannot read this ack')"), text)
        self.assertEqual((caught.exception.method, caught.exception.wake_id), ("on_ack", None))
        self.assertIn("in on_ack", text)
        self.assertNotIn("client.py", text)


class Params(unittest.TestCase):
    def refusal(self, params, token=("--token", "t" * 12)):
        """What the example's command line says about --params, before it connects anywhere."""
        env = {k: v for k, v in os.environ.items() if k != "FLEXARENA_TOKEN"}
        p = subprocess.run([sys.executable, "-m", "flexarena_examples.battery", "--arena", "127.0.0.1:9",
                            *token, "--params", params], cwd=HERE, env={**env, "PYTHONPATH": HERE},
                           capture_output=True, text=True, timeout=20)
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertNotIn("Traceback", p.stderr)
        return p.stderr.strip().splitlines()[-1]

    def test_parameters_the_example_cannot_use_are_refused_in_one_line(self):
        self.assertIn("--params: [1] is not a JSON object", self.refusal("[1]"))
        self.assertIn("params.margin_eur: 'abc' is not a number", self.refusal('{"margin_eur": "abc"}'))
        self.assertIn("params: unknown margin (known: margin_eur, step_mw)", self.refusal('{"margin": 4}'))
        self.assertIn("params.step_mw: 0.25 is not on the 0.1 MW grid", self.refusal('{"step_mw": 0.25}'))

    def test_no_token_is_a_usage_error_not_a_refused_session(self):
        self.assertIn("--token is required (or set FLEXARENA_TOKEN)", self.refusal("{}", token=()))


if __name__ == "__main__":
    unittest.main()
