"""Drives a strategy over one gRPC session with the arena, until the run ends.

Every wake-up and ack carries a report_seq. The SDK reports a message as processed once the
strategy has handled it — a wake-up before its answer is sent, because the arena takes the answer
as proof that the wake-up was processed and stops keeping its reports for a resume. When the
stream drops, the SDK reconnects and says hello with the last processed report_seq; the arena
sends everything after it again, so no fill is lost and none is applied twice. With a state file
the number survives a crash of the process too, and so does the state a strategy keeps of its own
(Strategy.save_state), stored with the number in one write (state_file.py).

An agent that fell behind (a slow decide) catches up on its newest wake-up: one with a newer wake-up
already received behind it is not decided nor answered, and its reports reach the strategy with the
next wake-up decided (run_agent's `conflate`, skipped_reports.py). In lock-step, an answer whose
wake-up was overtaken by a newer one while decide() ran is not sent either: the arena could only
refuse it as late.
"""
import collections
import logging
import os
import queue
import threading
import time
from dataclasses import dataclass, field
from typing import Callable, List, Optional

import grpc

from . import actions
from .errors import AgentSdkError, ConnectTimeout, FieldFault, HelloError, SessionError, StrategyError
from .market import Market, Wake
from .proto import arena_service_pb2, arena_service_pb2_grpc, market_pb2, session_pb2
from .skipped_reports import REPORT_FIELDS, SkippedReports
from .units import MAX_SAFE
from .state_file import StateFile, StateFileError, unstorable_at
from .wake_view import WakeViewError, WakeViewTracker

SDK_NAME = "flexarena-python"
SDK_VERSION = "0.2.0"
log = logging.getLogger("flexarena_sdk")

# Statuses after which a resume can help: the network, or the arena not yet having noticed that
# the previous stream of this agent is gone. Everything else (a bad token, a protocol violation)
# would fail again the same way.
RETRYABLE = {grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.CANCELLED, grpc.StatusCode.ALREADY_EXISTS,
             grpc.StatusCode.INTERNAL, grpc.StatusCode.UNKNOWN}


def _rate_limited(code, details) -> bool:
    """The arena's rate limit ended the stream, or refused a hello during the cooldown after that
    (docs/protocol.md: RESOURCE_EXHAUSTED whose details start with "rate limit:"); a message over
    limits.maxMessageBytes is RESOURCE_EXHAUSTED too, but would be refused again."""
    return code == grpc.StatusCode.RESOURCE_EXHAUSTED and (details or "").startswith("rate limit:")


class Strategy:
    """Subclass and implement decide(); the other hooks are optional."""

    name = "python-strategy"

    def on_welcome(self, market: Market) -> None:
        """The run's market, products and assets. Called at every Welcome: the first, and again
        after each resume of a dropped stream (`market.resumed` is then True) — so keep what the
        strategy has learnt across the call rather than starting it afresh here."""

    def decide(self, wake: Wake) -> list:
        """The actions (flexarena_sdk.actions builders) for this wake-up, possibly none. Its fills,
        awards, results and settlements are those since the previous wake-up decided; each reaches
        decide exactly once (with a state file, across restarts too: save_state)."""
        raise NotImplementedError

    def on_ack(self, ack) -> None:
        """The ActionAck of a batch: one result per action, in batch order (order ids, immediate
        fills, typed rejections naming field and limit). Each ack is handed over once."""

    def on_end(self, ended) -> None:
        """RunEnded: `reason`, the agent's `result` (unset for an interrupted or failed run) and
        `final_report`, a WakeUp with what happened after the last wake-up — the fills of the last
        batch among them, which reach the strategy only here, never in decide()."""

    def save_state(self):
        """What the strategy keeps of its own across a restart, or None: what JSON gives back as it is
        (dicts with str keys, lists, str, int, finite floats, bool, None; a tuple or an int key is
        refused with a StrategyError, as JSON would change it).

        With a state file (--state) the SDK stores it, in the same atomic write as the report_seq
        it goes with, each time a message counts as processed (a wake-up: after decide, before its
        answer leaves; an ack: after on_ack; the final report: after on_end). A process restarted
        with that file gets it back in load_state() before it connects, and the arena sends only
        what came after: each fill reaches decide() exactly once, however the process died. The
        answer to the last wake-up decided is stored with it: a wake-up the arena sends again because
        its answer had not left (the stream dropped, the process died) gets that answer again, not a
        second decide() on a state that already holds the decision. This is the one place to keep
        such state. Kept elsewhere — written by run_agent's `on_processed`,
        which runs before the state file is written — a kill between the two writes makes the
        arena send that message again: its fills reach the strategy a second time (at least once,
        never lost; tell them apart by trade_id)."""
        return None

    def load_state(self, state) -> None:
        """The state save_state() returned when the last message was processed, read back from the
        state file by a restarted process, before it connects (not called without one)."""


@dataclass
class Outcome:
    market: Optional[Market] = None
    ended: object = None
    wake_ups: int = 0
    # Of those, wake-ups not decided because a newer one was already received (conflation).
    skipped_wake_ups: int = 0
    # Of those, wake-ups decided whose answer was not sent: a newer wake-up arrived while decide()
    # ran, in lock-step (conflation).
    overtaken_answers: int = 0
    last_report_seq: int = 0
    sessions: int = 0
    # Wake-ups whose decide() took longer than the deadline (the arena counted them as missed).
    late_answers: int = 0
    # (reject code name, field, limit, message) of every action the arena rejected.
    rejections: List[tuple] = field(default_factory=list)
    # Trade ids of every fill processed (wake-ups and the final report), in processing order:
    # after any number of resumes each trade of the agent is here exactly once.
    fills: List[int] = field(default_factory=list)
    # Positions of the last wake-up or final report processed.
    positions: list = field(default_factory=list)


# After this long without a connection the SDK says that it waits for the arena.
_SAY_WAITING_AFTER_S = 2.0

# How long the stream may stay silent after grpc reports the call finished before the status is
# taken as its end (a message still in flight arrives within microseconds).
_DONE_GRACE_S = 1.0


class _Responses:
    """The call's messages in order, read on a thread of their own; iterating ends (or raises the
    call's status) when the call is over.

    grpc 1.51 (Debian's python3-grpcio) can leave iterating a stream-stream call waiting for ever
    when the call fails as it starts: the call is done (UNAVAILABLE, "Connection refused") but
    its receive operation never completes. That happens when the SDK resumes just as the arena goes
    away, and left the agent hanging after the run. Reading on a thread lets the iteration look
    at call.done() while it waits, and end with the call's status."""

    def __init__(self, call):
        self.call = call
        self.inbox: "queue.Queue" = queue.Queue()
        # Taken from the inbox ahead of time (wake_up_queued), not yet handed out.
        self.ahead: "collections.deque" = collections.deque()
        # When the message last handed out arrived (time.monotonic()): a wake-up's deadline runs from
        # then, however long it waited behind a slow decide().
        self.received_at = time.monotonic()
        threading.Thread(target=self._read, name="flexarena-reader", daemon=True).start()

    def _read(self):
        try:
            for resp in self.call:
                self.inbox.put(("message", resp, time.monotonic()))
            self.inbox.put(("end", None, None))
        except grpc.RpcError as err:
            self.inbox.put(("error", err, None))

    def _get(self, timeout=None):
        if self.ahead:
            return self.ahead.popleft()
        return self.inbox.get(timeout=timeout) if timeout is not None else self.inbox.get_nowait()

    def wake_up_queued(self) -> bool:
        """A wake-up has already arrived behind the message in hand."""
        while True:
            try:
                self.ahead.append(self.inbox.get_nowait())
            except queue.Empty:
                break
        return any(kind == "message" and item.WhichOneof("kind") == "wake_up" for kind, item, _ in self.ahead)

    def __iter__(self):
        call = self.call
        done_since = None
        while True:
            try:
                kind, item, at = self._get(timeout=0.2)
            except queue.Empty:
                if not call.done():
                    continue
                done_since = done_since or time.monotonic()
                if time.monotonic() - done_since < _DONE_GRACE_S:
                    continue
                if call.code() == grpc.StatusCode.OK:
                    return
                raise call  # the call is its own grpc.RpcError, with code() and details()
            if kind == "message":
                if call.done() and call.code() != grpc.StatusCode.OK:
                    yield from self._until_run_ended(item)
                    raise call
                self.received_at = at
                yield item
            elif kind == "end":
                return
            else:
                raise item

    def _until_run_ended(self, first):
        """The stream has failed with messages still queued (a strategy that fell behind has a backlog
        of wake-ups): they are not handled — not processed, the arena sends them again after the resume,
        so none is handled twice, and the SDK does not decide stale wake-ups before it resumes. Only
        when the run's end is among them are they handled, up to it."""
        queued = [first]
        while True:
            try:
                kind, item, _ = self._get()
            except queue.Empty:
                break
            if kind == "message":
                queued.append(item)
        for n, msg in enumerate(queued):
            if msg.WhichOneof("kind") == "run_ended":
                yield from queued[:n + 1]
                return


# How long the SDK waits for the arena's status after confirming the run's end; the arena ends the
# stream at once on the confirmation, or by itself after 3 s (RUN_ENDED_CONFIRM_MS).
_END_STATUS_WAIT_S = 10.0


def _confirm_end(outbox: "queue.Queue", call) -> None:
    """The run's end is processed: closes the request side of the stream, which tells the arena so (it
    counts the final report as delivered only then, docs/protocol.md "End"), and waits for the
    arena's status. Cancelling the call at once could overtake the half-close, and the arena would
    take the final report for lost."""
    outbox.put(None)
    until = time.monotonic() + _END_STATUS_WAIT_S
    while not call.done() and time.monotonic() < until:
        time.sleep(0.005)


def _requests(outbox: "queue.Queue"):
    while True:
        msg = outbox.get()
        if msg is None:
            return
        yield msg


class _Session:
    """One agent's sessions: the first and every resume, with the processed-report bookkeeping."""

    def __init__(self, strategy, address, token, last_report_seq, on_processed, state, connect_timeout_s,
                 full_wake_ups=False, conflate=True):
        self.strategy = strategy
        self.conflate = conflate
        # Reports of skipped wake-ups not yet handed to the strategy (they come with the next decided
        # one); per stream: what a dropped stream held is sent again after the resume.
        self.skipped = SkippedReports()
        self.encoding = (session_pb2.WAKE_UP_ENCODING_FULL if full_wake_ups
                         else session_pb2.WAKE_UP_ENCODING_DELTA_PRIVATE)
        self.address = address
        self.metadata = (("authorization", f"Bearer {token}"),)
        self.on_processed = on_processed
        self.state = state
        self.connect_timeout_s = connect_timeout_s
        self.outcome = Outcome(last_report_seq=last_report_seq)
        # The status that ended the last stream a resume was tried after: what a give-up reports.
        self.last_drop = None
        # The wake_ids of the acks handed to on_ack since the last message stored as processed. An
        # ack handled while the reports of a skipped wake-up waited does not count as processed (see
        # processed()), so a stream that drops then resumes from before it and the arena sends it
        # again, in a new message with a new report_seq: its batch's wake_id names it (one ack in
        # the sequence per processed batch), and it is not handed over a second time.
        self.acks_handed_over = set()
        # (wake_id, actions) of the last wake-up decided, and whether the stream in hand has had a
        # wake-up decided yet: see answer().
        self.last_answer = None
        self.first_on_stream = True
        # Whether the last stream got its Welcome, and whether the arena's rate limit ended it (or
        # refused its hello): see run_agent's resume loop.
        self.welcomed = False
        self.rate_limited = False

    def processed(self, seq: int) -> None:
        # While reports of a skipped wake-up wait, nothing counts as processed: a resume must send
        # them again. The next decided wake-up (a newer report_seq than anything handled meanwhile)
        # is stored once its decide has had them.
        if self.skipped.pending:
            return
        if seq <= self.outcome.last_report_seq:
            return
        self.outcome.last_report_seq = seq
        # A resume now starts past the acks handed over so far: none of them comes again.
        self.acks_handed_over.clear()
        # The caller's on_processed first, the state file after: a process killed between the two
        # writes has stored its own records of the message but not the number, so the arena sends
        # the message again after the restart (a fill seen twice, recognisable by its trade_id).
        # The other way round the number would be stored without the records, and the arena would
        # never send that message again: its fills lost.
        if self.on_processed:
            self.on_processed(seq)
        if self.state:
            self.store_state(seq)

    def run_once(self, stub) -> bool:
        """One stream; True when the run ended on it, False when it dropped (resume)."""
        outbox: "queue.Queue" = queue.Queue()
        outbox.put(arena_service_pb2.SessionRequest(hello=session_pb2.Hello(
            sdk_name=SDK_NAME, sdk_version=SDK_VERSION, strategy=self.strategy.name,
            last_report_seq=self.outcome.last_report_seq, wake_up_encoding=self.encoding,
            acks_in_wake_up=True)))
        call = stub.Session(_requests(outbox), metadata=self.metadata)
        # The public view of this stream's last wake-up (a new stream starts with a snapshot).
        views = WakeViewTracker()
        self.skipped = SkippedReports()
        self.first_on_stream = True
        # Whether the arena refuses an answer that a newer wake-up overtook (see _late_answers_refused).
        refuses_late = False
        self.outcome.sessions += 1
        self.rate_limited = False
        welcomed = threading.Event()
        # No Welcome within the connect timeout: give up on this stream.
        timer = threading.Timer(self.connect_timeout_s, lambda: welcomed.is_set() or call.cancel())
        timer.daemon = True
        timer.start()
        try:
            responses = _Responses(call)
            for resp in responses:
                kind = resp.WhichOneof("kind")
                if kind == "welcome":
                    welcomed.set()
                    refuses_late = _late_answers_refused(resp.welcome)
                    self.outcome.market = Market(resp.welcome)
                    # The builders check this arena's limits of ids and client_ref from here on.
                    actions.use_arena_limits(resp.welcome.market if resp.welcome.HasField("market") else None)
                    self.hook("on_welcome", self.outcome.market)
                elif kind == "wake_up":
                    answer = self.woken(resp.wake_up, views, self.conflate and responses.wake_up_queued(),
                                        responses.received_at,
                                        responses.wake_up_queued if self.conflate and refuses_late else None)
                    if answer is not None:
                        outbox.put(answer)
                elif kind == "action_ack":
                    self.acked(resp.action_ack)
                elif kind == "run_ended":
                    self.outcome.ended = resp.run_ended
                    self.hook("on_end", resp.run_ended)
                    if resp.run_ended.HasField("final_report"):
                        self.took(resp.run_ended.final_report)
                        self.processed(resp.run_ended.final_report.report_seq)
                    _confirm_end(outbox, call)
                    return True
            return False
        except WakeViewError as err:
            # Cannot happen with a correct arena; a new stream starts with a snapshot.
            log.warning("%s; resuming from report %d", err, self.outcome.last_report_seq)
            return False
        except grpc.RpcError as err:
            if not welcomed.is_set() and err.code() == grpc.StatusCode.CANCELLED:
                raise ConnectTimeout(f"no Welcome from {self.address} within {self.connect_timeout_s} s") from err
            self.rate_limited = _rate_limited(err.code(), err.details())
            if err.code() not in RETRYABLE and not self.rate_limited:
                raise SessionError(err.code(), err.details()) from err
            self.last_drop = (err.code(), err.details())
            if self.rate_limited and not welcomed.is_set():
                # A hello refused during the cooldown: one of many tries, said once at the disconnect.
                log.debug("hello refused during the flood cooldown (%s); trying again", err.details())
            elif self.rate_limited:
                log.warning("disconnected for flooding (%s); resuming from report %d once the arena lets it back in",
                            err.details(), self.outcome.last_report_seq)
            else:
                log.warning("stream dropped (%s: %s); resuming from report %d", err.code().name, err.details(),
                            self.outcome.last_report_seq)
            return False
        finally:
            self.welcomed = welcomed.is_set()
            timer.cancel()
            outbox.put(None)
            call.cancel()

    def store_state(self, seq: int) -> None:
        saved = self.hook("save_state")
        bad = unstorable_at(saved)
        if bad:
            raise StrategyError(f"{self.strategy.name}.save_state returned what JSON cannot hold as it is, at "
                                f"{bad[0]}: {bad[1]}", "save_state")
        answer = None
        if self.last_answer is not None:
            answer = (self.last_answer[0], [a.SerializeToString() for a in self.last_answer[1]])
        try:
            self.state.store(seq, saved, answer)
        except (TypeError, ValueError) as err:
            raise StrategyError(f"{self.strategy.name}.save_state returned what JSON cannot hold: {err}",
                                "save_state") from err

    def hook(self, name: str, *args):
        """One of the strategy's optional hooks; what it raises is a StrategyError, as from decide."""
        try:
            return getattr(self.strategy, name)(*args)
        except Exception as err:
            raise StrategyError(f"{self.strategy.name}.{name} raised: {err!r}", name) from err

    def woken(self, msg, views, superseded: bool = False, received_at: Optional[float] = None,
              overtaken: Optional[Callable[[], bool]] = None):
        """A wake-up: the acks inside it first (Hello.acks_in_wake_up), as if they had come just before it.
        Returns the answer, or None for a wake-up `superseded` by a newer one already received:
        the arena has moved past it, so it is not decided; its reports wait for the next one. For
        `overtaken`, see answer()."""
        for ack in msg.acks:
            self.acked(ack)
        # The strategy sees the wake-up as an in-process agent would: its acks went to on_ack.
        msg.ClearField("acks")
        self.outcome.wake_ups += 1
        # A skipped wake-up is rebuilt too: the next one is a delta against it.
        rebuilt = views.rebuild(msg)
        if superseded:
            self.skipped.add(rebuilt)
            self.outcome.skipped_wake_ups += 1
            return None
        return self.answer(self.skipped.take_into(rebuilt), received_at, overtaken)

    def answer(self, msg, received_at: Optional[float] = None, overtaken: Optional[Callable[[], bool]] = None):
        """decide() on the wake-up `msg`, received at `received_at` (time.monotonic(); default now):
        its deadline runs from then, also while it waited behind the decide() of an earlier one.
        Returns the answer, or None when `overtaken()` says, once decide() has returned, that a newer
        wake-up has arrived meanwhile: in lock-step the arena has counted this one as missed and would
        refuse the answer as late, a refusal its rate limit counts."""
        wake = Wake(msg, self.outcome.market, time.monotonic() if received_at is None else received_at)
        # The first wake-up of a resumed stream may be the last one decided, sent again: stored as
        # processed, its answer had not left when the stream dropped (or the process died). The
        # strategy's state already holds that decision, so the same answer goes again — unless the
        # wake-up brings reports (fills, awards, settlements…), which the strategy must see. Before,
        # decide() ran a second time on a state that said it had acted.
        again = (self.first_on_stream and self.last_answer is not None and self.last_answer[0] == msg.wake_id
                 and not any(len(getattr(msg, f)) for f in REPORT_FIELDS))
        self.first_on_stream = False
        if again:
            actions = list(self.last_answer[1])
        else:
            try:
                actions = self.strategy.decide(wake)
            except Exception as err:
                raise StrategyError(f"{self.strategy.name}.decide raised at wake-up {msg.wake_id}: {err!r}",
                                    "decide", msg.wake_id) from err
        if actions is None:
            actions = []
        if not isinstance(actions, (list, tuple)) or not all(isinstance(a, session_pb2.Action) for a in actions):
            raise StrategyError(f"{self.strategy.name}.decide must return a list of actions (flexarena_sdk.actions), "
                                f"got {actions!r}", "decide", msg.wake_id)
        self.last_answer = (msg.wake_id, list(actions))
        dropped = overtaken is not None and overtaken()
        if wake.seconds_left() < 0:
            self.outcome.late_answers += 1
            log.warning("wake-up %d %s %.0f ms after its deadline", msg.wake_id,
                        "decided (a newer one came meanwhile: answer not sent)" if dropped else "answered",
                        -wake.seconds_left() * 1000)
        self.took(msg)
        # Stored before the answer leaves (see the module comment); decided with its reports, it is
        # processed whether the answer goes or not.
        self.processed(msg.report_seq)
        if dropped:
            self.outcome.overtaken_answers += 1
            return None
        return arena_service_pb2.SessionRequest(action_batch=session_pb2.ActionBatch(wake_id=msg.wake_id, actions=actions))

    def took(self, report) -> None:
        self.outcome.fills.extend(f.trade_id for f in report.fills)
        self.outcome.positions = list(report.positions)

    def acked(self, ack) -> None:
        if ack.report_seq > 0 and ack.wake_id in self.acks_handed_over:
            # Sent again after a resume from an earlier point: on_ack has had it.
            self.processed(ack.report_seq)
            return
        if ack.report_seq > 0:
            self.acks_handed_over.add(ack.wake_id)
        for r in ack.results:
            if r.status == session_pb2.ACTION_STATUS_REJECTED:
                self.outcome.rejections.append((_reject_code_name(r.reject_code), r.field, r.limit, r.message))
        self.hook("on_ack", ack)
        if ack.report_seq > 0:
            self.processed(ack.report_seq)


def _reject_code_name(code: int) -> str:
    """The RejectCode's name; a code this SDK's protocol code does not know (an arena newer than the
    SDK) as its number — RejectCode.Name raised ValueError for it, which ended the agent."""
    try:
        return market_pb2.RejectCode.Name(code)
    except ValueError:
        return f"REJECT_CODE_{code}"


def _late_answers_refused(welcome) -> bool:
    """In lock-step a wake-up is sent only once the previous one is settled (answered, or missed at its
    deadline), so an answer to a wake-up with a newer one behind it is refused as late; in real time it
    is applied on arrival. An arena that does not say its mode (RUN_MODE_UNSPECIFIED) gets it."""
    return welcome.run_mode == session_pb2.RUN_MODE_LOCKSTEP


def check_address(arena) -> str:
    """`arena` as given when it is host:port (an IPv6 host in brackets, a port 1–65535, no scheme);
    AgentSdkError otherwise. Said at once: grpc takes "127.0.0.1" for port 443 and
    "http://127.0.0.1:50051" for a host name, and the agent waited out its connect timeout."""
    host, _, port = arena.rpartition(":") if isinstance(arena, str) else ("", "", "")
    if not host or "/" in host or not port.isdigit() or not 1 <= int(port) <= 65535:
        raise AgentSdkError(f"address: {arena!r} is not host:port (a port 1–65535)")
    return arena


_HELLO_TEXT_LIMIT = "a string, valid UTF-8, the encoding of a proto3 string"  # as for an action's strings


def check_hello(strategy, last_report_seq=0) -> None:
    """The hello's fields that come from the caller, checked before a connection is made: protobuf
    refused a name with a lone surrogate with a bare UnicodeEncodeError (a name that is not a
    string, a last_report_seq of 1.5, with a bare TypeError) only once the stream had started.
    Both are checked; one HelloError names every bad one (the first as its field, `also` the other)."""
    faults = []
    name = getattr(strategy, "name", None)
    if not isinstance(name, str):
        faults.append(FieldFault("hello.strategy", _HELLO_TEXT_LIMIT,
                                 f"the strategy's name {name!r} is a {type(name).__name__}, not a string"))
    else:
        try:
            name.encode("utf-8")
        except UnicodeEncodeError as err:
            faults.append(FieldFault("hello.strategy", _HELLO_TEXT_LIMIT,
                                     f"the strategy's name {name!r} holds a lone surrogate U+{ord(name[err.start]):04X} "
                                     f"at index {err.start}"))
    if isinstance(last_report_seq, bool) or not isinstance(last_report_seq, int) \
            or not 0 <= last_report_seq <= MAX_SAFE:
        faults.append(FieldFault("hello.last_report_seq",
                                 f"an integer within [0, {MAX_SAFE}] (a report_seq the arena sent)",
                                 f"last_report_seq {last_report_seq!r} is not one"))
    if faults:
        raise HelloError.of(faults)


def run_agent(strategy: Strategy, arena: str, token: str, *, last_report_seq: int = 0,
              on_processed: Optional[Callable[[int], None]] = None, state_file: Optional[str] = None,
              connect_timeout_s: float = 30.0, max_resumes: int = 20, resume_backoff_s: float = 0.05,
              full_wake_ups: bool = None, rate_limit_first_delay_s: float = 0.2,
              rate_limit_max_delay_s: float = 5.0, rate_limit_give_up_s: float = 180.0,
              conflate: bool = True) -> Outcome:
    """Plays `strategy` in the arena at `arena` (host:port) until RunEnded; returns what happened.

    With `state_file` the last processed report_seq is read from it at the start (unless
    `last_report_seq` is given) and stored in it after each processed message, so a restarted
    process resumes where the previous one stopped; with it, in the same write, what the strategy's
    save_state() returns, handed back to its load_state() at the start. `on_processed(seq)` is
    called each time a message counts as processed, before the state file is written: records an
    agent keeps there, of its own, are written first, so a process killed between the two writes
    gets that message again after the restart (a fill seen twice — same trade_id — never one lost);
    save_state() is the way to have each report exactly once. Raises SessionError for a
    status a resume cannot help (UNAUTHENTICATED, INVALID_ARGUMENT, …) and when the stream ended
    more than `max_resumes` times without a Welcome in between (a Welcome starts the count again).

    A stream the arena ended for flooding (RESOURCE_EXHAUSTED, "rate limit: …") is resumed too,
    once the arena's cooldown lets the agent back in: it refuses hellos the same way until then
    (limits.rate.cooldownMs, doubled at each further such disconnect up to limits.rate.maxCooldownMs,
    60 s by default), which the SDK learns only by being refused. It says hello again after
    `rate_limit_first_delay_s`, doubling the pause up to `rate_limit_max_delay_s`, until it is let
    in or `rate_limit_give_up_s` have passed since the disconnect; these tries do not count
    against `max_resumes`.

    Wake-ups travel as deltas of the books, forecasts, open orders and positions and are rebuilt
    here (the strategy sees complete wake-ups either way); `full_wake_ups=True` (or FLEXARENA_WAKE_UPS=full) asks the
    arena for complete ones.

    Conflation (`conflate`, default True): a wake-up with a newer one already received behind it is
    not decided and gets no answer — the arena has moved past it, so the answer would come late, and a
    strategy that fell behind would otherwise answer every wake-up that piled up, a flood the arena
    ends the stream for. Its view deltas are applied in order and its reports (fills, awards, results,
    activations, settlements) reach decide() in front of those of the wake-up it does decide; its acks
    reach on_ack as they come. The arena counts the skipped wake-up as missed; Outcome.skipped_wake_ups
    counts them. The same goes for an answer whose wake-up a newer one overtook while decide() ran,
    when the arena runs in lock-step (Welcome.run_mode): it would refuse the answer as late, so it is
    not sent, and no ack comes for it (Outcome.overtaken_answers counts them); in real time such an
    answer is still applied on arrival, so it is sent. False: every wake-up is decided and answered,
    in order.
    """
    check_address(arena)
    check_hello(strategy, last_report_seq)
    if not token:
        raise SessionError(grpc.StatusCode.UNAUTHENTICATED, "no token: pass --token or set FLEXARENA_TOKEN")
    state = StateFile(state_file) if state_file else None
    saved = answer = None
    if state and last_report_seq == 0:
        last_report_seq, saved, answer = state.load_with_answer()
    if full_wake_ups is None:
        mode = os.environ.get("FLEXARENA_WAKE_UPS", "delta")
        if mode not in ("full", "delta"):
            raise AgentSdkError(f'FLEXARENA_WAKE_UPS: "{mode}" is not full or delta')
        full_wake_ups = mode == "full"
    s = _Session(strategy, arena, token, last_report_seq, on_processed, state, connect_timeout_s, full_wake_ups,
                 conflate)
    if saved is not None:
        if type(strategy).load_state is Strategy.load_state:
            # Dropped without a word, the state would be overwritten at the first message processed.
            raise StateFileError(f"{state_file} holds a strategy state, but strategy {strategy.name} has no "
                                 "load_state (a file of another strategy?)")
        s.hook("load_state", saved)
        if answer is not None:
            # Kept only with a strategy state (a strategy without one decides a wake-up sent again
            # as it did the first time).
            s.last_answer = (answer[0], [session_pb2.Action.FromString(a) for a in answer[1]])
    before = set(threading.enumerate())
    channel = grpc.insecure_channel(arena, options=[("grpc.max_receive_message_length", 64 * 1024 * 1024)])
    ready = grpc.channel_ready_future(channel)
    try:
        try:
            # An agent may be started before its arena, so it waits; but not in silence, or a
            # wrong address looks like a hang for the whole connect timeout.
            try:
                ready.result(timeout=min(_SAY_WAITING_AFTER_S, connect_timeout_s))
            except grpc.FutureTimeoutError:
                if connect_timeout_s <= _SAY_WAITING_AFTER_S:
                    raise
                log.warning("no arena at %s yet (is `flexarena run` listening there?); waiting up to %s s",
                            arena, connect_timeout_s)
                ready.result(timeout=connect_timeout_s - _SAY_WAITING_AFTER_S)
        except grpc.FutureTimeoutError as err:
            raise ConnectTimeout(f"could not connect to {arena} within {connect_timeout_s} s "
                                 "(is the arena running, and is this its address?)") from err
        stub = arena_service_pb2_grpc.ArenaServiceStub(channel)
        started = time.monotonic()
        attempt = 0
        # Since when the arena has kept this agent out for flooding (None: it has not).
        barred_since = None
        barred_delay_s = rate_limit_first_delay_s
        while True:
            if s.run_once(stub):
                return s.outcome
            if s.welcomed:
                barred_since = None
                # The resume worked: `max_resumes` counts the drops since the last Welcome, so an
                # agent whose stream drops now and then over a long run plays on (before, the
                # drops of the whole run were counted and the 21st ended it).
                attempt, started = 0, time.monotonic()
            if s.rate_limited:
                now = time.monotonic()
                if barred_since is None:
                    barred_since, barred_delay_s = now, rate_limit_first_delay_s
                if now - barred_since >= rate_limit_give_up_s:
                    code, details = s.last_drop
                    raise SessionError(code, f"{details} (refused for {now - barred_since:.0f} s since the "
                                             "disconnect; giving up)")
                time.sleep(barred_delay_s)
                barred_delay_s = min(barred_delay_s * 2, rate_limit_max_delay_s)
                continue
            attempt += 1
            if attempt > max_resumes:
                break
            time.sleep(resume_backoff_s * min(attempt, 20))
        # The last status says why (ALREADY_EXISTS every time: another process plays this agent).
        code, details = s.last_drop or (grpc.StatusCode.UNAVAILABLE, "the stream ended")
        raise SessionError(code, f"{details} (the stream ended {max_resumes + 1} times in "
                                 f"{time.monotonic() - started:.0f} s; giving up)")
    finally:
        ready.cancel()
        channel.close()
        _join_grpc_threads(before)


def _join_grpc_threads(before, timeout_s: float = 1.0) -> None:
    """Waits (briefly) for the threads grpc started for this channel, which end within 0.2 s of
    its close: a process that exits at once (Ctrl-C while connecting, a connect timeout) would
    otherwise have them print half a traceback as the interpreter shuts them down."""
    end = time.monotonic() + timeout_s
    for t in set(threading.enumerate()) - before:
        if t is not threading.current_thread():
            t.join(max(0.0, end - time.monotonic()))
