// A resumable tournament or study keeps its results in one folder, and the folder belongs to one
// configuration: resuming with another would mix the results of two. The folder is made (or found)
// and claimed by the configuration's hash in a meta file beside the results.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** sha256 of the configuration's JSON, 16 hex digits. */
export function configurationHash(config: unknown): string {
  return createHash('sha256').update(JSON.stringify(config)).digest('hex').slice(0, 16);
}

export interface FolderClaim {
  dir: string;
  /** The meta file's name inside `dir`; it holds { hash, config }. */
  metaFile: string;
  /** What the folder is for, in messages: "tournament", "study". */
  kind: string;
  config: unknown;
  /** The typed error to throw with a message. */
  fail(message: string): Error;
}

/**
 * Makes `dir` if need be and claims it for `config`: a folder claimed by another configuration, or
 * one that cannot be made, is refused with a message naming the folder and --out.
 */
/**
 * The files that mark a folder as a run's, a tournament's or a study's. A folder marked by one is
 * not another's: a study written into a tournament folder would overwrite its report/ and hide its
 * leaderboard from `flexarena report` (which reads study.json first).
 */
const FOLDER_MARKS: readonly { file: string; kind: string }[] = [
  { file: 'tournament.json', kind: 'tournament' },
  { file: 'study-config.json', kind: 'study' },
  { file: 'run-manifest.json', kind: 'run' },
];

export function claimFolder(c: FolderClaim): void {
  try {
    mkdirSync(c.dir, { recursive: true });
  } catch (err) {
    throw c.fail(`cannot make the ${c.kind} folder ${c.dir} (--out): ${(err as Error).message}`);
  }
  for (const m of FOLDER_MARKS)
    if (m.file !== c.metaFile && existsSync(join(c.dir, m.file)))
      throw c.fail(
        `${c.dir} is a ${m.kind} folder (it has ${m.file}), not a ${c.kind} folder: use another --out`,
      );
  const meta = join(c.dir, c.metaFile);
  const hash = configurationHash(c.config);
  if (!existsSync(meta)) {
    writeFileSync(meta, `${JSON.stringify({ hash, config: c.config }, null, 2)}\n`);
    return;
  }
  let prev: { hash?: string };
  try {
    prev = JSON.parse(readFileSync(meta, 'utf8')) as { hash?: string };
  } catch (err) {
    throw c.fail(
      `${meta} is not readable as JSON (${(err as Error).message}), so whose ${c.kind} folder this is is unknown: use another --out or delete it`,
    );
  }
  if (prev?.hash !== hash)
    throw c.fail(
      `${c.dir} holds another ${c.kind} (config hash ${prev?.hash}, this one ${hash}): use another --out or delete it`,
    );
}
