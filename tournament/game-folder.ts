// Where one play of a tournament game runs. A game can be played twice at the same moment: a worker
// whose game outlived the ack wait (a NATS outage longer than it, where no heartbeat gets through)
// has it redelivered to another worker, and both may share one --out. Both plays have the game's
// run id; played in `<runs>/<run-id>` itself, the second set the first's folder aside and deleted
// it under the first, which then wrote its results into (and, without keepRuns, removed) the
// second's folder. So each play runs in a folder of its own, `<runs>/.<run-id>.play-<host>-<pid>-<n>/`,
// and only a finished play's run folder is moved to `<runs>/<run-id>` — by the first play to finish;
// a later one of the same tape removes its own copy (a game's tape is a function of the game).
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { processRunning } from '../lib/index.js';

let plays = 0;

/** This host's name as play folders carry it. */
const HOST = hostname().replace(/[^A-Za-z0-9-]/g, '-');

export class GamePlayFolder {
  /** The folder the play's run folder is made in (the run configuration's outDir). */
  readonly outDir: string;

  constructor(
    private readonly runsDir: string,
    private readonly runId: string,
  ) {
    // Host and pid say whose play it was (removeDeadPlays reads them); the counter and random part
    // keep two plays of one process apart.
    const play = `${HOST}-${process.pid}-${++plays}-${randomBytes(3).toString('hex')}`;
    this.outDir = join(runsDir, `.${runId}.play-${play}`);
  }

  /**
   * Removes the folders of earlier plays of this game on this host whose process is gone (a worker
   * killed mid-game): played in `<runs>/<run-id>`, such a half-written run was replaced by the next
   * play. A play of another host is left alone — whether its process lives cannot be told here.
   */
  removeDeadPlays(): void {
    const prefix = `.${this.runId}.play-${HOST}-`;
    let names: string[];
    try {
      names = readdirSync(this.runsDir);
    } catch {
      return; // no runs folder yet
    }
    for (const name of names) {
      if (!name.startsWith(prefix)) continue;
      const m = /^(\d+)-\d+-[0-9a-f]{6}(\.earlier)?$/.exec(name.slice(prefix.length));
      if (!m || Number(m[1]) === process.pid || processRunning(Number(m[1]))) continue;
      rmSync(join(this.runsDir, name), { recursive: true, force: true });
    }
  }

  /** The play's run folder while it runs. */
  get runDir(): string {
    return join(this.outDir, this.runId);
  }

  /** The game's run folder once a play is kept. */
  get keptDir(): string {
    return join(this.runsDir, this.runId);
  }

  /** The play ended without a run to keep (not keepRuns, interrupted): its folder goes. */
  remove(): void {
    rmSync(this.outDir, { recursive: true, force: true });
  }

  /**
   * The play failed: its run folder (what the run left of it, for a look at agent-faults.log and
   * the agents' logs) goes to `<runs>/<run-id>` when nothing is there, else stays where it ran.
   */
  keepFailed(): void {
    try {
      if (existsSync(this.runDir)) renameSync(this.runDir, this.keptDir);
      this.remove();
    } catch {
      // Another play's run folder is there: this one stays in its own.
    }
  }

  /**
   * The play finished with the tape `tapeSha256` and its run folder is kept: moved to `<runs>/<run-id>`
   * unless a finished play of the same tape is there already (then this one's copy goes). Anything
   * else there — an earlier run of the id with another tape, or one that never finished — is
   * replaced: no play runs in `<runs>/<run-id>`, so nothing is removed under a running play.
   */
  keep(tapeSha256: string): void {
    for (;;) {
      if (holdsFinishedRun(this.keptDir, tapeSha256)) {
        this.remove();
        return;
      }
      try {
        renameSync(this.runDir, this.keptDir);
        this.remove();
        return;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw err;
      }
      // Taken between the check and the rename: by another play of this tape (the next check keeps
      // it), or by an earlier run, set aside under a name of this play and removed.
      if (holdsFinishedRun(this.keptDir, tapeSha256)) continue;
      const aside = `${this.outDir}.earlier`;
      try {
        renameSync(this.keptDir, aside);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
      rmSync(aside, { recursive: true, force: true });
    }
  }
}

/** A run folder that finished (results.json) with this tape. */
function holdsFinishedRun(dir: string, tapeSha256: string): boolean {
  if (!existsSync(join(dir, 'results.json'))) return false;
  try {
    return readFileSync(join(dir, 'tape.sha256'), 'utf8').split(' ')[0] === tapeSha256;
  } catch {
    return false;
  }
}
