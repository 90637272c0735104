"""An action (or a hello) with several bad fields is one typed error naming them all: `field`,
`limit` and `reason` are the first's (in the arena door's order), `also` the others', and the
message lists them after the first ("…; also: …"), as the door's rejection and the TypeScript SDK
do. The builders stopped at the first. They check the arena's limits of ids and client_ref from
the Welcome's MarketSpec (the default, 64, where it does not say), and cancel_auction_bid checks a
bid id by the door's rule for it (any id), not the stricter rule of a new bid's id."""
import unittest
from concurrent import futures

import grpc

from flexarena_sdk import (
    ActionBuildError,
    FieldFault,
    HelloError,
    Strategy,
    arena_limits,
    auction_block,
    auction_curve,
    buy,
    cancel_auction_bid,
    capacity_bid,
    modify,
    run_agent,
    use_arena_limits,
)
from flexarena_sdk.client import check_hello
from flexarena_sdk.proto import arena_service_pb2, arena_service_pb2_grpc, market_pb2, session_pb2
from tests.fake_arena import relay_session


def refused(build) -> ActionBuildError:
    with unittest.TestCase().assertRaises(ActionBuildError) as ctx:
        build()
    return ctx.exception


def fields(e) -> list:
    return [e.field] + [f.field for f in e.also]


class EveryBadField(unittest.TestCase):
    def tearDown(self):
        use_arena_limits(None)

    def test_an_order_names_them_all_in_the_doors_order(self):
        e = refused(lambda: buy("", 50.001, 0, "DAY", aon="no", client_ref="r" * 65))
        self.assertEqual((e.field, e.limit), ("client_ref", "at most 64 bytes of UTF-8"))
        self.assertEqual(fields(e), ["client_ref", "submit.product_id", "submit.time_in_force",
                                     "submit.restriction", "submit.price_ticks", "submit.quantity_lots"])
        self.assertTrue(all(isinstance(f, FieldFault) for f in e.also))
        head, rest = str(e).split("; also: ")
        self.assertEqual(head, f"client_ref: {'r' * 65!r} is 65 bytes (limit: at most 64 bytes of UTF-8)")
        self.assertTrue(rest.startswith(
            "submit.product_id: '' is empty (limit: a non-empty string of at most 64 bytes of UTF-8); "
            "submit.time_in_force: 'DAY' is not one of GTC, IOC, FOK (limit: GTC | IOC | FOK); "))

    def test_one_bad_field_is_the_error_as_before(self):
        e = refused(lambda: modify(12, 55.555, 0.7))
        self.assertEqual((e.field, e.also), ("modify.price_ticks", ()))
        self.assertNotIn("; also: ", str(e))

    def test_auction_bids_and_balancing(self):
        block = refused(lambda: auction_block("", "bid 1", "Buy", 5, 3, 1.001, 0))
        self.assertEqual(fields(block), ["auction_bid.auction_id", "auction_bid.bid_id", "auction_bid.block.side",
                                         "auction_bid.block.last_period", "auction_bid.block.price_ticks",
                                         "auction_bid.block.quantity_lots"])
        curve = refused(lambda: auction_curve("da", "b1", 96, [(10, 5), (10, 6), "x", (20, 0.05)], "cubic"))
        self.assertEqual(fields(curve), ["auction_bid.curve.period", "auction_bid.curve.interpolation",
                                         "auction_bid.curve.points[1].price_ticks",
                                         "auction_bid.curve.points[1].quantity_lots",
                                         "auction_bid.curve.points[2]",
                                         "auction_bid.curve.points[3].quantity_lots"])
        cap = refused(lambda: capacity_bid(42, "sideways", 1, 5, indivisible=1))
        self.assertEqual(fields(cap), ["capacity_bid.product_id", "capacity_bid.direction",
                                       "capacity_bid.indivisible"])

    def test_a_hello_names_both_its_fields(self):
        class Nameless(Strategy):
            name = 7

            def decide(self, wake):
                return []

        with self.assertRaises(HelloError) as ctx:
            check_hello(Nameless(), last_report_seq=-1)
        e = ctx.exception
        self.assertEqual(fields(e), ["hello.strategy", "hello.last_report_seq"])
        self.assertIn("; also: hello.last_report_seq: last_report_seq -1 is not one", str(e))


class CancelAuctionBidId(unittest.TestCase):
    def test_the_doors_rule_any_id_not_a_new_bids_pattern(self):
        # The door takes any non-empty id of at most the id limit for a cancel; a bid id the door
        # would take ("bid 1", "b/1", "bïd") was refused here by the pattern of a new bid's id.
        for bid in ["bid 1", "b/1", "bïd", "x" * 64]:
            with self.subTest(bid=bid):
                self.assertEqual(cancel_auction_bid("da-20261122", bid).cancel_auction_bid.bid_id, bid)
        for bid, limit in [("", "a non-empty string of at most 64 bytes of UTF-8"),
                           ("x" * 65, "at most 64 bytes of UTF-8"), (7, "a string")]:
            with self.subTest(bid=bid):
                e = refused(lambda: cancel_auction_bid("da-20261122", bid))
                self.assertEqual((e.field, e.limit), ("cancel_auction_bid.bid_id", limit))


class ArenaLimits(unittest.TestCase):
    def tearDown(self):
        use_arena_limits(None)

    def test_the_limits_a_market_spec_states_and_the_default(self):
        product = "qh-" + "9" * 97  # 100 bytes
        self.assertEqual(refused(lambda: buy(product, 50, 1)).limit, "at most 64 bytes of UTF-8")
        use_arena_limits(market_pb2.MarketSpec(max_id_bytes=128, max_client_ref_bytes=8))
        self.assertEqual(arena_limits(), {"id": 128, "client_ref": 8, "curve_points": 200})
        self.assertEqual(buy(product, 50, 1).submit.product_id, product)
        self.assertEqual(refused(lambda: buy("qh-1", 50, 1, client_ref="ref-123456")).limit, "at most 8 bytes of UTF-8")
        use_arena_limits(market_pb2.MarketSpec())  # an arena from before the fields: 0
        self.assertEqual(arena_limits(), {"id": 64, "client_ref": 64, "curve_points": 200})

    def test_the_curve_points_limit_a_market_spec_states(self):
        pts = lambda n: [(float(i), float(n - i)) for i in range(n)]  # noqa: E731
        self.assertEqual(refused(lambda: auction_curve("da-20261122", "b1", 0, pts(201))).limit, "at most 200 points")
        use_arena_limits(market_pb2.MarketSpec(max_curve_points=3))
        self.assertEqual(arena_limits()["curve_points"], 3)
        auction_curve("da-20261122", "b1", 0, pts(3))
        e = refused(lambda: auction_curve("da-20261122", "b1", 0, pts(4)))
        self.assertEqual((e.field, e.limit, e.reason), ("auction_bid.curve.points", "at most 3 points", "4 points"))
        use_arena_limits(market_pb2.MarketSpec(max_curve_points=250))
        auction_curve("da-20261122", "b1", 0, pts(250))

    def test_run_agent_takes_them_from_the_welcome(self):
        seen = {}

        class Watcher(Strategy):
            name = "watcher"

            def on_welcome(self, market):
                seen["limits"] = arena_limits()

            def decide(self, wake):
                try:
                    buy("qh-20261122-00150", 50, 1)
                except ActionBuildError as err:
                    seen["limit"] = err.limit
                return []

        class Arena(arena_service_pb2_grpc.ArenaServiceServicer):
            def Session(self, request_iterator, context):
                return relay_session(request_iterator, self.on_request)

            def on_request(self, req, send):
                if req.WhichOneof("kind") == "hello":
                    send(arena_service_pb2.SessionResponse(welcome=session_pb2.Welcome(
                        run_id="r", agent_id="a", deadline_ms=5000,
                        market=market_pb2.MarketSpec(max_id_bytes=16, max_client_ref_bytes=40))))
                    send(arena_service_pb2.SessionResponse(wake_up=session_pb2.WakeUp(wake_id=1, report_seq=1)))
                    return False
                send(arena_service_pb2.SessionResponse(run_ended=session_pb2.RunEnded(
                    reason="run complete", final_report=session_pb2.WakeUp(report_seq=2))))
                return True

        server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
        arena_service_pb2_grpc.add_ArenaServiceServicer_to_server(Arena(), server)
        port = server.add_insecure_port("127.0.0.1:0")
        server.start()
        self.addCleanup(server.stop, None)
        run_agent(Watcher(), f"127.0.0.1:{port}", "t", connect_timeout_s=10)
        self.assertEqual(seen, {"limits": {"id": 16, "client_ref": 40, "curve_points": 200},
                                "limit": "at most 16 bytes of UTF-8"})


if __name__ == "__main__":
    unittest.main()
