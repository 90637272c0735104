import unittest

from flexarena_sdk.proto import market_pb2, session_pb2
from flexarena_sdk.skipped_reports import REPORT_FIELDS, SkippedReports


def wake(wake_id, report_seq, tag):
    """A wake-up whose every report list holds entries tagged with `tag`, and a state of its own."""
    w = session_pb2.WakeUp(wake_id=wake_id, report_seq=report_seq, cash_units=tag * 1000,
                           positions=[market_pb2.Position(product_id="qh-1", net_lots=tag)],
                           fills=[market_pb2.Fill(trade_id=tag * 10), market_pb2.Fill(trade_id=tag * 10 + 1)])
    w.auction_awards.add(auction_id=f"a{tag}")
    w.auction_results.add(auction_id=f"r{tag}")
    w.capacity_awards.add(product_id=f"c{tag}")
    w.activations.add(product_id=f"x{tag}")
    w.balancing_results.add(product_id=f"b{tag}")
    w.settlements.add(product_id=f"s{tag}")
    w.auction_block_outcomes.add(auction_id=f"o{tag}", bid_id=f"blk{tag}")
    return w


class SkippedReportsTest(unittest.TestCase):
    def test_reports_of_skipped_wake_ups_come_first_each_once_and_the_state_is_the_newest(self):
        skipped = SkippedReports()
        self.assertFalse(skipped.pending)
        skipped.add(wake(5, 9, 1))
        skipped.add(wake(6, 11, 2))
        self.assertTrue(skipped.pending)
        merged = skipped.take_into(wake(7, 12, 3))
        self.assertFalse(skipped.pending)
        self.assertEqual([f.trade_id for f in merged.fills], [10, 11, 20, 21, 30, 31])
        self.assertEqual([a.auction_id for a in merged.auction_awards], ["a1", "a2", "a3"])
        self.assertEqual([a.auction_id for a in merged.auction_results], ["r1", "r2", "r3"])
        for name, prefix in (("capacity_awards", "c"), ("activations", "x"), ("balancing_results", "b"),
                             ("settlements", "s")):
            self.assertEqual([e.product_id for e in getattr(merged, name)], [f"{prefix}{t}" for t in (1, 2, 3)])
        self.assertEqual([o.bid_id for o in merged.auction_block_outcomes], ["blk1", "blk2", "blk3"])
        self.assertEqual((merged.wake_id, merged.report_seq, merged.cash_units), (7, 12, 3000))
        self.assertEqual([p.net_lots for p in merged.positions], [3])

    def test_nothing_skipped_leaves_the_wake_up_alone_and_nothing_is_handed_out_twice(self):
        skipped = SkippedReports()
        w = wake(1, 1, 1)
        self.assertIs(skipped.take_into(w), w)
        self.assertEqual([f.trade_id for f in w.fills], [10, 11])
        skipped.add(wake(2, 2, 2))
        self.assertEqual([f.trade_id for f in skipped.take_into(wake(3, 3, 3)).fills], [20, 21, 30, 31])
        self.assertEqual([f.trade_id for f in skipped.take_into(wake(4, 4, 4)).fills], [40, 41])

    def test_every_repeated_report_field_of_the_wake_up_is_merged(self):
        state = {"open_orders", "positions", "assets", "price_forecasts", "books", "fundamentals_forecasts",
                 "closed_product_ids", "expired_forecast_product_ids", "closed_order_ids", "acks"}
        repeated = {f.name for f in session_pb2.WakeUp.DESCRIPTOR.fields
                    if f.label == f.LABEL_REPEATED and f.name not in state}
        self.assertEqual(repeated, set(REPORT_FIELDS))


if __name__ == "__main__":
    unittest.main()
