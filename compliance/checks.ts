// The checks, each a pure function of what the suite saw: the session log, the tape's trades of
// the candidate, the run's results, the faults and the candidate process's exit.
import { BatchStatus } from '../gen/flexarena/v1/session.js';
import { fillsOf, reportSeqOf, type SessionRecord } from './session-log.js';

export interface CheckResult {
  name: string;
  pass: boolean;
  detail: string;
}

export interface Observed {
  sessions: readonly SessionRecord[];
  /** Trade ids of the candidate's trades on the tape. */
  tapeTrades: readonly number[];
  missedDeadlines: number;
  /** Fault kinds the arena recorded for the candidate. */
  faults: readonly string[];
  injected: { stale: boolean; duplicate: boolean };
  dropped: boolean;
  exit: { code: number | null; signal: string | null } | undefined;
  /** Why the agent's command could not be started at all (no such file, not executable). */
  startError?: string;
}

const check = (name: string, pass: boolean, detail: string): CheckResult => ({ name, pass, detail });

function wakeIdsSent(s: SessionRecord): number[] {
  return s.sent.flatMap((m) => (m.kind?.$case === 'wakeUp' ? [m.kind.value.wakeId] : []));
}

export function helloWelcome(o: Observed): CheckResult {
  const first = o.sessions[0];
  if (!first) {
    const ended = o.startError
      ? `; its command could not be started (${o.startError})`
      : o.exit
        ? `; its process exited with ${o.exit.code ?? o.exit.signal}`
        : '';
    return check('hello / welcome', false, `the agent never said hello (or its token was refused)${ended}`);
  }
  return check(
    'hello / welcome',
    first.lastReportSeq === 0 && !first.resumed,
    `first hello with last_report_seq ${first.lastReportSeq} (expected 0), welcomed`,
  );
}

export function deadlines(o: Observed): CheckResult {
  const unanswered = o.sessions.flatMap((s) => wakeIdsSent(s).filter((w) => !s.answered.includes(w)));
  const wakes = o.sessions.reduce((n, s) => n + wakeIdsSent(s).length, 0);
  return check(
    'answers within the deadline',
    wakes > 0 && unanswered.length === 0 && o.missedDeadlines === 0,
    `${wakes} wake-ups, ${o.missedDeadlines} missed deadlines` +
      (unanswered.length ? `, not answered on their session: ${unanswered.join(', ')}` : ''),
  );
}

export function typedRejections(o: Observed): CheckResult {
  const statuses = o.sessions.flatMap((s) =>
    s.sent.flatMap((m) =>
      m.kind?.$case === 'actionAck' && m.kind.value.reportSeq === 0 ? [m.kind.value.batchStatus] : [],
    ),
  );
  const got = (b: BatchStatus) => statuses.includes(b);
  const violations = o.faults.filter((f) => f === 'protocol-violation').length;
  const pass =
    o.injected.stale &&
    o.injected.duplicate &&
    got(BatchStatus.BATCH_STATUS_STALE_WAKE) &&
    got(BatchStatus.BATCH_STATUS_DUPLICATE) &&
    violations === 0;
  return check(
    'handles typed rejections',
    pass,
    `sent STALE_WAKE ${got(BatchStatus.BATCH_STATUS_STALE_WAKE) ? 'yes' : 'no'}, DUPLICATE ${got(BatchStatus.BATCH_STATUS_DUPLICATE) ? 'yes' : 'no'}; ${violations} protocol violations afterwards`,
  );
}

/** The highest report_seq of a wake-up the agent answered on this session (0: none). */
function answeredUpTo(s: SessionRecord): number {
  const seqs = s.sent.flatMap((m) =>
    m.kind?.$case === 'wakeUp' && s.answered.includes(m.kind.value.wakeId) ? [m.kind.value.reportSeq] : [],
  );
  return Math.max(0, ...seqs);
}

/** A resume point must cover every wake-up the agent answered (it stores before answering). */
export function resume(o: Observed): CheckResult {
  if (!o.dropped)
    return check('reconnect and resume', false, 'the stream could not be dropped (no open session)');
  const problems: string[] = [];
  for (let i = 1; i < o.sessions.length; i++) {
    const prev = o.sessions[i - 1]!;
    const next = o.sessions[i]!;
    const mustCover = answeredUpTo(prev);
    if (!next.resumed) problems.push(`session ${i + 1} was not a resume`);
    if (next.lastReportSeq < mustCover)
      problems.push(
        `session ${i + 1} resumed from ${next.lastReportSeq}, below report ${mustCover} whose wake-up it had answered`,
      );
  }
  const pass = o.sessions.length >= 2 && problems.length === 0;
  return check(
    'reconnect and resume',
    pass,
    o.sessions.length < 2
      ? 'no reconnect after the drop'
      : `${o.sessions.length} sessions; resume points ${o.sessions
          .slice(1)
          .map((s) => s.lastReportSeq)
          .join(', ')}${problems.length ? `; ${problems.join('; ')}` : ''}`,
  );
}

/**
 * The fills the agent processed: on every session but the last the reports up to the next hello's
 * last_report_seq — or further, up to the last wake-up it answered, since an answer proves the
 * wake-up was processed — and on the last session all of them. Each of its tape's trades must be
 * there exactly once.
 */
export function fillsExactlyOnce(o: Observed): CheckResult {
  const processed: number[] = [];
  o.sessions.forEach((s, i) => {
    const next = o.sessions[i + 1];
    const upTo = next ? Math.max(next.lastReportSeq, answeredUpTo(s)) : Number.POSITIVE_INFINITY;
    for (const m of s.sent) {
      const seq = reportSeqOf(m);
      if (seq > 0 && seq <= upTo) processed.push(...fillsOf(m));
    }
  });
  // Without a session nothing was delivered, so nothing can be lost or doubled: not a pass.
  if (o.sessions.length === 0)
    return check('no fill lost or twice', false, 'not checked: the agent never had a session');
  const count = new Map<number, number>();
  for (const t of processed) count.set(t, (count.get(t) ?? 0) + 1);
  const twice = [...count].filter(([, n]) => n > 1).map(([t]) => t);
  const missing = o.tapeTrades.filter((t) => !count.has(t));
  const extra = [...count.keys()].filter((t) => !o.tapeTrades.includes(t));
  return check(
    'no fill lost or twice',
    twice.length === 0 && missing.length === 0 && extra.length === 0,
    `${o.tapeTrades.length} trades on the tape, ${processed.length} fills processed` +
      (twice.length ? `; twice: ${twice.slice(0, 5).join(', ')}` : '') +
      (missing.length ? `; missing: ${missing.slice(0, 5).join(', ')}` : '') +
      (extra.length ? `; not on the tape: ${extra.slice(0, 5).join(', ')}` : ''),
  );
}

function processEnd(o: Observed): string {
  if (o.startError) return 'could not be started';
  return o.exit ? `exited with ${o.exit.code ?? o.exit.signal}` : 'still running after the run (killed)';
}

export function cleanLeave(o: Observed): CheckResult {
  const ended = o.sessions.at(-1)?.sent.some((m) => m.kind?.$case === 'runEnded') ?? false;
  const exitOk = o.exit?.code === 0;
  return check(
    'clean leave at RunEnded',
    ended && exitOk && !o.faults.includes('no-final-report'),
    `RunEnded ${ended ? 'delivered' : 'not delivered'}; process ${processEnd(o)}`,
  );
}

export function allChecks(o: Observed): CheckResult[] {
  return [helloWelcome(o), deadlines(o), typedRejections(o), resume(o), fillsExactlyOnce(o), cleanLeave(o)];
}
