// A run id used again replaces the earlier run of that id in its folder: left there, its
// results.json, interrupted.json, scores or agent logs would be read as the new run's. But the new
// run may still fail to start (NATS cannot be opened) and then removes its folder: had the earlier
// run been deleted up front, nothing of either would be left. So the earlier run is set aside
// beside its folder (a rename within the out folder), given back if the new run does not start,
// and deleted only once it has.
import { existsSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export class EarlierRunFolder {
  private constructor(
    private readonly runDir: string,
    private aside: string | undefined,
  ) {}

  /**
   * Sets aside what `runDir` holds, if anything (a hidden sibling folder, so that nothing listing
   * the out folder takes it for a run). Throws what renaming threw.
   */
  static setAside(runDir: string): EarlierRunFolder {
    if (!existsSync(runDir) || readdirSync(runDir).length === 0)
      return new EarlierRunFolder(runDir, undefined);
    const aside = join(dirname(runDir), `.${basename(runDir)}.earlier-${process.pid}-${Date.now()}`);
    renameSync(runDir, aside);
    return new EarlierRunFolder(runDir, aside);
  }

  /** There was an earlier run, still kept aside. */
  get held(): boolean {
    return this.aside !== undefined;
  }

  /** The new run has started: the earlier one is gone for good. */
  drop(): void {
    if (this.aside === undefined) return;
    rmSync(this.aside, { recursive: true, force: true });
    this.aside = undefined;
  }

  /**
   * The new run did not start and its folder is removed: the earlier run is back where it was.
   * Should that fail, the earlier run stays where it was set aside — never dropped after — and the
   * error says where.
   */
  restore(): void {
    const aside = this.aside;
    if (aside === undefined) return;
    this.aside = undefined;
    try {
      rmSync(this.runDir, { recursive: true, force: true });
      renameSync(aside, this.runDir);
    } catch (err) {
      throw new Error(`the earlier run stays in ${aside}: ${(err as Error).message}`, { cause: err });
    }
  }
}
