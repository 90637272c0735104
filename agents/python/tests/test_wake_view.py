import unittest

from flexarena_sdk import WakeViewError
from flexarena_sdk.proto import market_pb2, session_pb2
from flexarena_sdk.wake_view import WakeViewTracker


def book(pid, price):
    return market_pb2.BookDepth(product_id=pid, bids=[market_pb2.PriceLevel(price_ticks=price, quantity_lots=1)])


def forecast(pid, price):
    return market_pb2.PriceForecast(product_id=pid, price_ticks=price)


def fundamentals(pid, mw):
    return session_pb2.FundamentalsForecast(product_id=pid, demand_mw=mw)


FIRST = dict(books=[book("a", 1), book("b", 2), book("c", 3)],
             price_forecasts=[forecast("q1", 10), forecast("q2", 20)],
             fundamentals_forecasts=[fundamentals("q1", 1.0), fundamentals("q2", 2.0)])
# The next view: a closed, c changed, d opened; q1 delivered, q2 revised, q3 new.
SECOND = dict(books=[book("b", 2), book("c", 4), book("d", 5)],
              price_forecasts=[forecast("q2", 21), forecast("q3", 30)],
              fundamentals_forecasts=[fundamentals("q2", 2.5), fundamentals("q3", 3.0)])


def order(order_id, remaining=10):
    return market_pb2.Order(order_id=order_id, product_id="a", remaining_lots=remaining, original_lots=10)


def position(pid, net):
    return market_pb2.Position(product_id=pid, net_lots=net, bought_lots=max(net, 0), sold_lots=max(-net, 0))


def snapshot(wake_id, view, **own):
    return session_pb2.WakeUp(wake_id=wake_id, public_view=session_pb2.PUBLIC_VIEW_SNAPSHOT, **view, **own)


def delta(wake_id, base, **own):
    return session_pb2.WakeUp(
        wake_id=wake_id, public_view=session_pb2.PUBLIC_VIEW_DELTA, base_wake_id=base,
        books=[book("c", 4), book("d", 5)], closed_product_ids=["a"],
        price_forecasts=[forecast("q2", 21), forecast("q3", 30)],
        fundamentals_forecasts=[fundamentals("q2", 2.5), fundamentals("q3", 3.0)],
        expired_forecast_product_ids=["q1"], **own)


class WakeViews(unittest.TestCase):
    def test_snapshot_then_delta_rebuild_the_complete_wake_ups(self):
        t = WakeViewTracker()
        self.assertEqual(t.rebuild(snapshot(1, FIRST, report_seq=1)), session_pb2.WakeUp(wake_id=1, report_seq=1, **FIRST))
        got = t.rebuild(delta(2, 1, report_seq=2, cash_units=-5))
        self.assertEqual(got, session_pb2.WakeUp(wake_id=2, report_seq=2, cash_units=-5, **SECOND))

    def test_a_resume_starts_a_new_stream_with_a_snapshot(self):
        t = WakeViewTracker()
        t.rebuild(snapshot(1, FIRST))
        fresh = WakeViewTracker()
        with self.assertRaises(WakeViewError):
            fresh.rebuild(delta(2, 1))
        self.assertEqual(fresh.rebuild(snapshot(2, SECOND)), session_pb2.WakeUp(wake_id=2, **SECOND))

    def test_a_delta_against_another_base_is_refused(self):
        t = WakeViewTracker()
        t.rebuild(snapshot(5, FIRST))
        with self.assertRaisesRegex(WakeViewError, r"base_wake_id: 1 is not the public view this stream holds \(wake 5\)"):
            t.rebuild(delta(6, 1))

    def test_the_strategy_gets_its_own_copy(self):
        t = WakeViewTracker()
        first = t.rebuild(snapshot(1, FIRST))
        first.books[1].bids[0].price_ticks = 999
        del first.books[0]
        self.assertEqual(list(t.rebuild(delta(2, 1)).books), SECOND["books"])

    def test_open_orders_and_positions_snapshot_then_delta(self):
        t = WakeViewTracker()
        first = [order(1), order(2), order(3), order(4)]
        held = [position("a", 1), position("b", 2)]
        got = t.rebuild(session_pb2.WakeUp(wake_id=1, private_view=session_pb2.PRIVATE_VIEW_SNAPSHOT,
                                           open_orders=first, positions=held, report_seq=1))
        self.assertEqual(got, session_pb2.WakeUp(wake_id=1, open_orders=first, positions=held, report_seq=1))
        # Orders: 1 filled, 3 partly filled, 7 new; 2 and 4 unchanged (not sent). Positions: b traded, c new.
        wire = session_pb2.WakeUp(wake_id=2, base_wake_id=1, private_view=session_pb2.PRIVATE_VIEW_DELTA,
                                  open_orders=[order(3, 4), order(7)], closed_order_ids=[1],
                                  positions=[position("b", 5), position("c", 1)], report_seq=2)
        self.assertEqual(t.rebuild(wire), session_pb2.WakeUp(
            wake_id=2, report_seq=2, open_orders=[order(2), order(3, 4), order(4), order(7)],
            positions=[position("a", 1), position("b", 5), position("c", 1)]))
        with self.assertRaisesRegex(WakeViewError,
                                    r"base_wake_id: 1 is not the open orders and positions this stream holds \(none\)"):
            WakeViewTracker().rebuild(wire)
        with self.assertRaisesRegex(WakeViewError, r"private_view: unknown value 9"):
            WakeViewTracker().rebuild(session_pb2.WakeUp(wake_id=3, private_view=9))

    def test_complete_wake_ups_of_a_full_session_pass_through(self):
        msg = session_pb2.WakeUp(wake_id=3, **FIRST)
        self.assertIs(WakeViewTracker().rebuild(msg), msg)


if __name__ == "__main__":
    unittest.main()
