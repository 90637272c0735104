"""Conflation: an agent that fell behind decides the newest wake-up it holds instead of each one that
piled up behind a slow decide(). A wake-up it skips still carried reports — fills, auction and
capacity awards, auction and balancing results, the fate of its auction blocks, activations,
settlements — that happened since the wake-up before; they are kept here and handed to the strategy
in front of the reports of the wake-up it does decide, in report order, so each reaches it exactly
once. It is the merge the arena itself makes when it sends the reports of unprocessed wake-ups again
after a resume. The rest of a wake-up (books, forecasts, open orders, positions, assets, cash) is a
state, which the newest wake-up holds complete."""
from .proto import session_pb2

# The fields of a wake-up that report what happened since the previous one.
REPORT_FIELDS = ("fills", "auction_awards", "auction_results", "capacity_awards", "activations",
                 "balancing_results", "settlements", "auction_block_outcomes")


class SkippedReports:
    def __init__(self):
        self._held = None

    @property
    def pending(self) -> bool:
        """Reports of skipped wake-ups are waiting for the next wake-up decided."""
        return self._held is not None

    def add(self, wake) -> None:
        """`wake` (a WakeUp message) is skipped: its reports wait, behind those of wake-ups skipped before it."""
        if self._held is None:
            self._held = session_pb2.WakeUp()
        for f in REPORT_FIELDS:
            getattr(self._held, f).extend(getattr(wake, f))

    def take_into(self, wake):
        """`wake`, which is decided, with the waiting reports in front of its own (changed in place);
        nothing waits afterwards."""
        held, self._held = self._held, None
        if held is None:
            return wake
        for f in REPORT_FIELDS:
            getattr(held, f).extend(getattr(wake, f))
            wake.ClearField(f)
            getattr(wake, f).extend(getattr(held, f))
        return wake
