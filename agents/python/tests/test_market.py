import unittest

from flexarena_sdk import Market
from flexarena_sdk.proto import market_pb2, session_pb2

QH, H = market_pb2.PRODUCT_KIND_QUARTER_HOUR, market_pb2.PRODUCT_KIND_HOUR


def product(pid, kind, start, open_ms, gate):
    return market_pb2.ProductSpec(product_id=pid, kind=kind, delivery_start_ms=start, trading_open_ms=open_ms,
                              gate_closure_ms=gate)


class Tradable(unittest.TestCase):
    def test_each_kind_open_at_a_time_by_delivery_start(self):
        m = Market(session_pb2.Welcome(market=market_pb2.MarketSpec(products=[
            product("h-1", H, 3600, 0, 3000), product("qh-2", QH, 900, 0, 600), product("qh-1", QH, 0, 0, 10),
            product("h-0", H, 0, 0, 3000), product("qh-late", QH, 1800, 500, 1500)])))
        self.assertEqual([p.product_id for p in m.tradable(100)], ["qh-2"])
        self.assertEqual([p.product_id for p in m.tradable(100, H)], ["h-0", "h-1"])
        self.assertEqual([p.product_id for p in m.tradable(600)], ["qh-late"])

    def test_says_whether_the_welcome_resumes_a_session(self):
        # on_welcome runs again after each resume; the strategy can tell.
        self.assertFalse(Market(session_pb2.Welcome()).resumed)
        self.assertTrue(Market(session_pb2.Welcome(resumed=True)).resumed)


if __name__ == "__main__":
    unittest.main()
