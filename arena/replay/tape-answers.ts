// What each agent answered at each decision point, read back from a run's tape: the tape holds
// every batch an agent sent (with its wake-up id and its actions exactly as they reached the door),
// every missed deadline, and the moment an agent went absent. That is all the core needs to play
// the run again: the world and the markets are deterministic given the configuration and seed.
// Shared by the dashboard's replay and `flexarena run --resume`.
import { openTapeStream, TapeFileError } from '../run/tape-file.js';
import { type OnLine, TapeLines } from './tape-lines.js';

export type TapeAnswer = { kind: 'batch'; actions: unknown[] } | { kind: 'missed' };

/**
 * The answers by `${agent}:${wakeId}`, as the tape line each is on: a batch's actions are read from
 * the line when asked for. Held parsed, a month's batches of the pace line-up took 54 MB of heap
 * (a quarter of a GB for four months) for the whole replay, each asked for once.
 */
export class AnswerIndex {
  /** Line index of a batch; −(line + 1) of a missed deadline. */
  private readonly lineOf = new Map<string, number>();

  constructor(private readonly lines: TapeLines) {}

  get size(): number {
    return this.lineOf.size;
  }

  get(key: string): TapeAnswer | undefined {
    const i = this.lineOf.get(key);
    if (i === undefined) return undefined;
    if (i < 0) return { kind: 'missed' };
    return { kind: 'batch', actions: (JSON.parse(this.lines.apart(i)!) as { actions: unknown[] }).actions };
  }

  setBatch(key: string, line: number): void {
    this.lineOf.set(key, line);
  }

  setMissed(key: string, line: number): void {
    this.lineOf.set(key, -(line + 1));
  }
}

export interface TapeAnswers {
  /** key `${agent}:${wakeId}` */
  answers: AnswerIndex;
  /** Decision-point times at which an agent was recorded absent, per agent. */
  absentAt: Map<string, Set<number>>;
  /** The tape's lines, to compare the replayed tape with. */
  lines: TapeLines;
}

export const answerKey = (agentId: string, wakeId: number) => `${agentId}:${wakeId}`;

const MARKERS = ['"type":"batch"', '"type":"missed-deadline"', '"type":"agent-absent"'].map((m) =>
  Buffer.from(m),
);

/** Reads the answers off each line as the tape is read. */
function answerReader(file: string) {
  const answersAt: [kind: 'batch' | 'missed', key: string, line: number][] = [];
  const absentAt = new Map<string, Set<number>>();
  const onLine: OnLine = (i, bytes) => {
    // Only the three record types that carry answers are parsed; the rest is compared as bytes.
    if (!MARKERS.some((m) => bytes.includes(m))) return;
    let rec: { type?: unknown; agent?: unknown; wakeId?: unknown; actions?: unknown; t?: unknown };
    try {
      rec = JSON.parse(bytes.toString('utf8'));
    } catch (cause) {
      throw new TapeFileError(file, `line ${i + 1} is not JSON`, { cause });
    }
    const agent = String(rec.agent);
    if (rec.type === 'batch') {
      if (typeof rec.wakeId !== 'number' || !Array.isArray(rec.actions))
        throw new TapeFileError(
          file,
          `line ${i + 1}: a batch record needs a numeric wakeId and an actions array`,
        );
      answersAt.push(['batch', answerKey(agent, rec.wakeId), i]);
    } else if (rec.type === 'missed-deadline') {
      if (typeof rec.wakeId !== 'number')
        throw new TapeFileError(file, `line ${i + 1}: a missed-deadline record needs a numeric wakeId`);
      answersAt.push(['missed', answerKey(agent, rec.wakeId), i]);
    } else if (rec.type === 'agent-absent') {
      if (typeof rec.t !== 'number')
        throw new TapeFileError(file, `line ${i + 1}: agent-absent needs a time t`);
      const set = absentAt.get(agent) ?? new Set<number>();
      absentAt.set(agent, set);
      set.add(rec.t);
    }
  };
  const finish = (lines: TapeLines): TapeAnswers => {
    const answers = new AnswerIndex(lines);
    for (const [kind, key, line] of answersAt)
      if (kind === 'batch') answers.setBatch(key, line);
      else answers.setMissed(key, line);
    return { answers, absentAt, lines };
  };
  return { onLine, finish };
}

/** `tape`: the uncompressed tape, whole lines (bytes as read, or text), held in memory (tests, small tapes). */
export function readTapeAnswers(tape: Buffer | string, file: string): TapeAnswers {
  const reader = answerReader(file);
  const lines = TapeLines.fromBytes(
    typeof tape === 'string' ? Buffer.from(tape, 'utf8') : tape,
    reader.onLine,
  );
  return reader.finish(lines);
}

/**
 * The answers on a run folder's tape, read as a stream: the uncompressed tape goes to a temporary
 * file as it is gunzipped, and only the line ends and the answers' places stay in memory (held
 * whole, a month's tape was 133 MB beside the re-simulation for as long as it ran). A tape that was
 * never closed (a killed run) is read up to its last whole line. Close `lines` when done.
 */
export async function readRunTapeAnswers(runDir: string): Promise<TapeAnswers> {
  const stream = openTapeStream(runDir);
  const reader = answerReader(stream.path);
  let lines: TapeLines;
  try {
    lines = await TapeLines.fromStream(stream as AsyncIterable<Buffer>, reader.onLine);
  } catch (err) {
    (stream as unknown as { destroy(): void }).destroy();
    if (err instanceof TapeFileError) throw err;
    throw new TapeFileError(stream.path, `cannot be read: ${(err as Error).message}`, { cause: err });
  }
  return reader.finish(lines);
}
