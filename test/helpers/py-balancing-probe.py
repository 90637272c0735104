"""A test agent written with the Python SDK that sends balancing bids breaking each rule a bid can
break on the wire — direction unset or unknown, quantity 0 or above the markets' limit, prices
beyond the capacity and energy limits, unknown products, a capacity bid after the auction's gate, an
energy bid below its awarded capacity and one after its gate — plus the valid bids that bring the
award. It builds the Actions from the protocol's messages itself (the SDK's builders refuse such
values before they leave), and writes each ActionResult, by client_ref, as JSON lines to --out.

    PYTHONPATH=agents/python python3 test/helpers/py-balancing-probe.py --arena host:port --token T --out f
"""
import json
import sys

from flexarena_sdk import Strategy
from flexarena_sdk.cli import main
from flexarena_sdk.proto import balancing_pb2, session_pb2

OUT = sys.argv[sys.argv.index("--out") + 1]
del sys.argv[sys.argv.index("--out"):sys.argv.index("--out") + 2]
UP, DOWN = 1, 2


def cap(ref, product_id, direction, lots, ticks):
    return session_pb2.Action(client_ref=ref, capacity_bid=balancing_pb2.SubmitCapacityBid(
        product_id=product_id, direction=direction, quantity_lots=lots, price_ticks=ticks))


def energy(ref, product_id, direction, lots, ticks):
    return session_pb2.Action(client_ref=ref, energy_bid=balancing_pb2.SubmitEnergyBid(
        product_id=product_id, direction=direction, quantity_lots=lots, price_ticks=ticks))


class Probe(Strategy):
    name = "balancing-probe"

    def __init__(self, params):
        self.phase = 0
        self.out = open(OUT, "w")

    def on_welcome(self, market):
        self.gate = market.welcome.capacity_gate_closure_ms
        self.lead = market.welcome.energy_gate_closure_lead_ms
        self.starts = {p.product_id: p.delivery_start_ms for p in market.quarter_hours}
        self.day = min(self.starts)[3:11]

    def decide(self, wake):
        d, t = self.day, wake.time_ms
        if self.phase == 0 and t < self.gate - 120_000:
            self.phase = 1
            return [
                cap("cap-direction-unset", f"afrr-{d}-0", 0, 10, 100),
                cap("cap-direction-unknown", f"afrr-{d}-0", 7, 10, 100),
                cap("cap-quantity-zero", f"afrr-{d}-0", UP, 0, 100),
                cap("cap-quantity-above-max", f"afrr-{d}-0", UP, 100_001, 100),
                cap("cap-price-negative", f"afrr-{d}-0", UP, 10, -1),
                cap("cap-price-above-max", f"afrr-{d}-0", UP, 10, 10_000_000),
                cap("cap-block-6", f"afrr-{d}-6", UP, 10, 100),
                cap("cap-valid", f"afrr-{d}-0", UP, 20, 100),
                energy("energy-direction-unset", f"qh-{d}-0000", 0, 10, 100),
                energy("energy-direction-unknown", f"qh-{d}-0000", 5, 10, 100),
                energy("energy-quantity-zero", f"qh-{d}-0000", UP, 0, 100),
                energy("energy-quantity-above-max", f"qh-{d}-0000", UP, 100_001, 100),
                energy("energy-price-above-max", f"qh-{d}-0000", UP, 10, 1_500_001),
                energy("energy-price-below-min", f"qh-{d}-0000", DOWN, 10, -1_500_001),
                energy("energy-on-hour", f"h-{d}-0100", UP, 10, 100),
            ]
        if self.phase == 1 and t > self.gate:
            self.phase = 2
            return [
                cap("cap-after-gate", f"afrr-{d}-2", UP, 10, 100),
                energy("energy-below-obligation", f"qh-{d}-0200", UP, 5, 100),
                energy("energy-obligation-met", f"qh-{d}-0200", UP, 20, 100),
            ]
        if self.phase == 2:
            late = sorted(p for p, s in self.starts.items() if s - self.lead <= t < s)
            if late:
                self.phase = 3
                return [energy("energy-after-gate", late[0], UP, 20, 100)]
        return []

    def on_ack(self, ack):
        for r in ack.results:
            self.out.write(json.dumps({"ref": r.client_ref, "status": r.status, "code": r.reject_code,
                                       "field": r.field, "limit": r.limit, "message": r.message}) + "\n")
        self.out.flush()


if __name__ == "__main__":
    raise SystemExit(main(Probe))
