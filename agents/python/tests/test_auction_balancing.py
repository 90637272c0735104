"""The auction and balancing builders: exact € and MW conversion into the wire's ticks and lots,
off-grid and out-of-range values refused with the proto field path, never rounded."""
import unittest
from decimal import Decimal

from flexarena_sdk import (
    ActionBuildError,
    auction_block,
    auction_curve,
    cancel_auction_bid,
    capacity_bid,
    energy_bid,
    modify,
    net_lots,
)
from flexarena_sdk.proto import auction_pb2, balancing_pb2, market_pb2


def refused(build):
    try:
        build()
    except ActionBuildError as err:
        return err
    raise AssertionError("the builder did not refuse")


class AuctionCurve(unittest.TestCase):
    def test_points_convert_exactly_buy_positive_sell_negative(self):
        a = auction_curve("ida1-20261122", "c-7", 7, [(-500, 2.5), (45.1, 0), (Decimal("80.05"), -1.2)])
        self.assertEqual(a.client_ref, "c-7")
        bid = a.auction_bid
        self.assertEqual((bid.auction_id, bid.bid_id), ("ida1-20261122", "c-7"))
        self.assertEqual(bid.curve.period, 7)
        self.assertEqual(bid.curve.interpolation, auction_pb2.CURVE_INTERPOLATION_STEP)
        self.assertEqual([(p.price_ticks, p.quantity_lots) for p in bid.curve.points],
                         [(-50000, 25), (4510, 0), (8005, -12)])

    def test_linear_interpolation(self):
        a = auction_curve("da-20261122", "lin", 0, [(10, 1), (20, 0)], "linear")
        self.assertEqual(a.auction_bid.curve.interpolation, auction_pb2.CURVE_INTERPOLATION_LINEAR)

    def test_off_grid_points_name_their_index(self):
        err = refused(lambda: auction_curve("da", "b", 1, [(10, 1), (20.001, 0)]))
        self.assertEqual(err.field, "auction_bid.curve.points[1].price_ticks")
        err = refused(lambda: auction_curve("da", "b", 1, [(10, 1), (20, 0.05)]))
        self.assertEqual(err.field, "auction_bid.curve.points[1].quantity_lots")
        self.assertIn("0.1 MW", err.limit)

    def test_shape_rules(self):
        cases = [
            (lambda: auction_curve("da", "b", 1, []), "auction_bid.curve.points"),
            (lambda: auction_curve("da", "b", 1, [(float(i), 0) for i in range(201)]), "auction_bid.curve.points"),
            (lambda: auction_curve("da", "b", 1, [(20, 1), (10, 0)]), "auction_bid.curve.points[1].price_ticks"),
            (lambda: auction_curve("da", "b", 1, [(10, 0), (20, 1)]), "auction_bid.curve.points[1].quantity_lots"),
            (lambda: auction_curve("da", "b", 1, [(10,)]), "auction_bid.curve.points[0]"),
            (lambda: auction_curve("da", "b", 96, [(10, 1)]), "auction_bid.curve.period"),
            (lambda: auction_curve("da", "b", 1.0, [(10, 1)]), "auction_bid.curve.period"),
            (lambda: auction_curve("da", "b", 1, [(10, 1)], "spline"), "auction_bid.curve.interpolation"),
            (lambda: auction_curve("da", "has space", 1, [(10, 1)]), "auction_bid.bid_id"),
            (lambda: auction_curve("da", "x" * 65, 1, [(10, 1)]), "auction_bid.bid_id"),
            (lambda: auction_curve("", "b", 1, [(10, 1)]), "auction_bid.auction_id"),
        ]
        for build, field in cases:
            with self.subTest(field=field):
                self.assertEqual(refused(build).field, field)

    def test_net_lots_allows_zero_and_negative_but_not_off_grid(self):
        self.assertEqual(net_lots(0), 0)
        self.assertEqual(net_lots(-0.3), -3)
        self.assertEqual(refused(lambda: net_lots(0.15)).field, "quantity_lots")


class AuctionBlock(unittest.TestCase):
    def test_block_converts_and_checks_its_periods(self):
        a = auction_block("da-20261122", "blk", "sell", 32, 47, 61.25, 1.5)
        b = a.auction_bid.block
        self.assertEqual((b.side, b.first_period, b.last_period, b.price_ticks, b.quantity_lots),
                         (market_pb2.SIDE_SELL, 32, 47, 6125, 15))
        self.assertEqual(refused(lambda: auction_block("da", "blk", "buy", 47, 32, 1, 1)).field,
                         "auction_bid.block.last_period")
        self.assertEqual(refused(lambda: auction_block("da", "blk", "buy", -1, 3, 1, 1)).field,
                         "auction_bid.block.first_period")
        self.assertEqual(refused(lambda: auction_block("da", "blk", "buy", 0, 3, 1, 0)).field,
                         "auction_bid.block.quantity_lots")


class Cancels(unittest.TestCase):
    def test_cancel_auction_bid(self):
        a = cancel_auction_bid("da-20261122", "blk")
        self.assertEqual((a.cancel_auction_bid.auction_id, a.cancel_auction_bid.bid_id), ("da-20261122", "blk"))
        self.assertEqual(refused(lambda: cancel_auction_bid("da", "")).field, "cancel_auction_bid.bid_id")

    def test_modify_converts_exactly(self):
        m = modify(12, 55.55, 0.7).modify
        self.assertEqual((m.order_id, m.price_ticks, m.quantity_lots), (12, 5555, 7))
        self.assertEqual(refused(lambda: modify(12, 55.555, 0.7)).field, "modify.price_ticks")
        self.assertEqual(refused(lambda: modify(12, 55.5, 0)).field, "modify.quantity_lots")


class Balancing(unittest.TestCase):
    def test_capacity_bid(self):
        a = capacity_bid("afrr-20261122-2", "down", 2.3, 7.45, indivisible=True, client_ref="cap")
        c = a.capacity_bid
        self.assertEqual(a.client_ref, "cap")
        self.assertEqual((c.product_id, c.direction, c.quantity_lots, c.price_ticks, c.indivisible),
                         ("afrr-20261122-2", balancing_pb2.BALANCING_DIRECTION_DOWN, 23, 745, True))
        self.assertEqual(refused(lambda: capacity_bid("afrr-20261122-2", "up", 1, 5, indivisible=1)).field,
                         "capacity_bid.indivisible")
        self.assertEqual(refused(lambda: capacity_bid("afrr-20261122-2", "up", 0.01, 5)).field,
                         "capacity_bid.quantity_lots")

    def test_energy_bid(self):
        e = energy_bid("qh-20261122-0800", "up", 0.4, -12.5).energy_bid
        self.assertEqual((e.direction, e.quantity_lots, e.price_ticks),
                         (balancing_pb2.BALANCING_DIRECTION_UP, 4, -1250))
        for build, field in [
            (lambda: energy_bid("qh-20261122-0800", "up", 0.4, -12.505), "energy_bid.price_ticks"),
            (lambda: energy_bid("qh-20261122-0800", "both", 0.4, 1), "energy_bid.direction"),
            (lambda: energy_bid("", "up", 0.4, 1), "energy_bid.product_id"),
        ]:
            with self.subTest(field=field):
                self.assertEqual(refused(build).field, field)


if __name__ == "__main__":
    unittest.main()
