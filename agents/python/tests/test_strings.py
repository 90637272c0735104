"""Strings the wire cannot carry are typed errors naming the field. A lone surrogate ("\\ud800") has
no UTF-8: protobuf raised a bare UnicodeEncodeError naming nothing, from an action builder and from
the hello (the strategy's name). Lengths are counted in UTF-8 bytes, as the arena's door counts them:
at most 64 ("€" counts 3)."""
import unittest

from flexarena_sdk import (
    ActionBuildError,
    HelloError,
    Strategy,
    auction_block,
    buy,
    cancel,
    cancel_auction_bid,
    capacity_bid,
    energy_bid,
    run_agent,
)
from flexarena_sdk.actions import MAX_TEXT_BYTES, UTF8_LIMIT

QH = "qh-20261122-1000"


def every_string_field(s):
    """(field, builder) for every free string of an action, each given `s`."""
    return [
        ("submit.product_id", lambda: buy(s, 50, 1)),
        ("client_ref", lambda: buy(QH, 50, 1, client_ref=s)),
        ("client_ref", lambda: cancel(7, client_ref=s)),
        ("auction_bid.auction_id", lambda: auction_block(s, "b1", "buy", 0, 3, 50, 1)),
        ("cancel_auction_bid.auction_id", lambda: cancel_auction_bid(s, "b1")),
        ("capacity_bid.product_id", lambda: capacity_bid(s, "up", 1, 5)),
        ("energy_bid.product_id", lambda: energy_bid(s, "up", 1, 5)),
    ]


class LoneSurrogates(unittest.TestCase):
    def test_every_string_field_names_itself(self):
        for lone in ["\ud800", "qh-\udfff", "x\ud83d"]:
            for field, build in every_string_field(lone):
                with self.subTest(field=field, value=lone):
                    with self.assertRaises(ActionBuildError) as ctx:
                        build()
                    self.assertEqual(ctx.exception.field, field)
                    self.assertEqual(ctx.exception.limit, UTF8_LIMIT)
                    self.assertIn("lone surrogate", str(ctx.exception))

    def test_a_cancels_bid_id_is_checked_as_any_id(self):
        # The door's rule for it (sim/door/validate-action.ts), not a new bid's pattern.
        with self.assertRaises(ActionBuildError) as ctx:
            cancel_auction_bid("da-20261122", "b\ud800")
        self.assertEqual((ctx.exception.field, ctx.exception.limit), ("cancel_auction_bid.bid_id", UTF8_LIMIT))

    def test_limits_in_the_doors_words(self):
        # They were "a non-empty string" and "1-64 characters of letters, digits, _ . -": the
        # door (sim/door/validate-action.ts) and the TypeScript SDK say it as below.
        cases = [
            (lambda: buy("", 50, 1), "submit.product_id", f"a non-empty string of at most {MAX_TEXT_BYTES} bytes of UTF-8"),
            (lambda: buy(42, 50, 1), "submit.product_id", "a string"),
            (lambda: auction_block("da", "bid 1", "buy", 0, 3, 50, 1), "auction_bid.bid_id",
             '1-64 characters: letters, digits, "_", "." or "-"'),
        ]
        for build, field, limit in cases:
            with self.subTest(field=field, limit=limit):
                with self.assertRaises(ActionBuildError) as ctx:
                    build()
                self.assertEqual((ctx.exception.field, ctx.exception.limit), (field, limit))

    def test_well_formed_multibyte_strings_build(self):
        a = buy(QH, 50, 1, client_ref="é€𝄞")
        self.assertEqual(a.client_ref, "é€𝄞")


class ByteLengths(unittest.TestCase):
    def test_at_the_limit_in_bytes(self):
        n = MAX_TEXT_BYTES
        at = ["a" * n, "é" * (n // 2), "€" * (n // 3) + "a" * (n % 3), "𝄞" * (n // 4)]
        for s in at:
            self.assertEqual(len(s.encode("utf-8")), n)
            for field, build in every_string_field(s):
                with self.subTest(field=field, chars=len(s)):
                    build()
        # Fewer characters than the limit, more bytes: refused, as by the arena.
        for s in [x + "a" for x in at] + ["€" * (n // 3 + 1), "𝄞" * (n // 4 + 1)]:
            for field, build in every_string_field(s):
                with self.subTest(field=field, chars=len(s)):
                    with self.assertRaises(ActionBuildError) as ctx:
                        build()
                    self.assertEqual(ctx.exception.field, field)
                    self.assertEqual(ctx.exception.limit, f"at most {n} bytes of UTF-8")


class Idle(Strategy):
    def decide(self, wake):
        return []


class Hello(unittest.TestCase):
    def refused(self, strategy, **kw) -> HelloError:
        # Port 1: nothing listens there; the hello is refused before any connection is tried.
        with self.assertRaises(HelloError) as ctx:
            run_agent(strategy, "127.0.0.1:1", "token", connect_timeout_s=0.5, **kw)
        return ctx.exception

    def test_strategy_name_with_a_lone_surrogate(self):
        s = Idle()
        s.name = "idle-\ud800"
        e = self.refused(s)
        self.assertEqual(e.field, "hello.strategy")
        self.assertEqual(e.limit, "a string, " + UTF8_LIMIT)
        self.assertIn("U+D800 at index 5", str(e))

    def test_strategy_name_not_a_string(self):
        s = Idle()
        s.name = 42
        self.assertEqual(self.refused(s).field, "hello.strategy")

    def test_last_report_seq(self):
        for seq in [1.5, -1, True, 2**60]:
            with self.subTest(seq=seq):
                self.assertEqual(self.refused(Idle(), last_report_seq=seq).field, "hello.last_report_seq")


if __name__ == "__main__":
    unittest.main()
