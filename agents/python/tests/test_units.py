import unittest
from decimal import Decimal

from flexarena_sdk import ActionBuildError, buy, cancel, capacity_bid, modify, price_ticks, quantity_lots, sell
from flexarena_sdk.proto import market_pb2


class PriceTicks(unittest.TestCase):
    def test_on_grid_values_convert_exactly(self):
        self.assertEqual(price_ticks(45.1), 4510)
        self.assertEqual(price_ticks(-0.01), -1)
        self.assertEqual(price_ticks(Decimal("9999.99")), 999999)
        self.assertEqual(price_ticks(12), 1200)
        # 0.29 * 100 is 28.999999999999996 in binary floating point: still exactly 29 ticks.
        self.assertEqual(price_ticks(0.29), 29)

    def test_off_grid_values_are_refused_not_rounded(self):
        for bad in (45.123, 0.1 + 0.2, Decimal("0.001")):
            with self.assertRaises(ActionBuildError) as ctx:
                price_ticks(bad)
            self.assertEqual(ctx.exception.field, "price_ticks")
            self.assertIn("0.01 EUR/MWh", ctx.exception.limit)

    def test_non_numbers_and_non_finite_are_refused(self):
        for bad in (float("nan"), float("inf"), "45", None, True):
            with self.assertRaises(ActionBuildError):
                price_ticks(bad)

    def test_beyond_the_wire_integer_range(self):
        with self.assertRaises(ActionBuildError) as ctx:
            price_ticks(2**60)
        self.assertIn("±", ctx.exception.limit)


class QuantityLots(unittest.TestCase):
    def test_on_grid(self):
        self.assertEqual(quantity_lots(0.1), 1)
        self.assertEqual(quantity_lots(2.5), 25)

    def test_off_grid_zero_and_negative_are_refused(self):
        for bad, limit in ((0.25, "0.1 MW"), (0, ">= 0.1 MW"), (-1, ">= 0.1 MW")):
            with self.assertRaises(ActionBuildError) as ctx:
                quantity_lots(bad)
            self.assertIn(limit, ctx.exception.limit)


class Builders(unittest.TestCase):
    def test_buy_builds_the_wire_order(self):
        a = buy("qh-20261122-0015", 45.1, 0.3, "IOC", client_ref="x")
        self.assertEqual(a.client_ref, "x")
        self.assertEqual(a.submit.price_ticks, 4510)
        self.assertEqual(a.submit.quantity_lots, 3)
        self.assertEqual(a.submit.side, market_pb2.SIDE_BUY)
        self.assertEqual(a.submit.time_in_force, market_pb2.TIME_IN_FORCE_IOC)

    def test_errors_name_the_proto_field_path(self):
        cases = [
            (lambda: sell("qh", 10.005, 1), "submit.price_ticks"),
            (lambda: sell("qh", 10, 0.05), "submit.quantity_lots"),
            (lambda: sell("", 10, 1), "submit.product_id"),
            (lambda: buy("qh", 10, 1, "GTD"), "submit.time_in_force"),
            (lambda: modify(7, 1.001, 1), "modify.price_ticks"),
            (lambda: cancel(0), "cancel.order_id"),
            (lambda: capacity_bid("afrr-20261122-0", "sideways", 1, 5), "capacity_bid.direction"),
        ]
        for build, field in cases:
            with self.assertRaises(ActionBuildError) as ctx:
                build()
            self.assertEqual(ctx.exception.field, field)
            self.assertTrue(str(ctx.exception).startswith(field))

    def test_values_protobuf_would_refuse_or_misread_get_a_typed_error_naming_the_field(self):
        # Before: order ids beyond int64 and a client_ref that is not a string raised protobuf's bare
        # ValueError/TypeError naming no field; aon="no" built an all-or-none order; an unhashable
        # side raised TypeError; a generator of curve points was said to have "no points".
        from flexarena_sdk import auction_curve, energy_bid
        cases = [
            (lambda: cancel(2**64), "cancel.order_id", "9007199254740991"),
            (lambda: cancel(2**53), "cancel.order_id", "9007199254740991"),
            (lambda: modify(2**63, 10, 1), "modify.order_id", "9007199254740991"),
            (lambda: buy("qh", 10, 1, client_ref=5), "client_ref", "a string"),
            (lambda: energy_bid("qh", "up", 1, 10, client_ref=None), "client_ref", "a string"),
            (lambda: buy("qh", 10, 1, aon="no"), "submit.restriction", "a boolean"),
            (lambda: order_side(["buy"]), "submit.side", "buy | sell"),
            (lambda: auction_curve("da", "b1", 1, ((p, -1) for p in range(3))), "auction_bid.curve.points", "a list"),
        ]
        for build, field, limit in cases:
            with self.assertRaises(ActionBuildError) as ctx:
                build()
            self.assertEqual(ctx.exception.field, field)
            self.assertIn(limit, ctx.exception.limit)
        self.assertEqual(cancel(2**53 - 1).cancel.order_id, 2**53 - 1)
        self.assertEqual(buy("qh", 10, 1, aon=True).submit.restriction, market_pb2.EXECUTION_RESTRICTION_AON)
        self.assertEqual(auction_curve("da", "b1", 1, [(1, 1), (2, 0)]).auction_bid.curve.points[1].price_ticks, 200)


def order_side(side):
    from flexarena_sdk import order
    return order("qh", side, 10, 1)


if __name__ == "__main__":
    unittest.main()
