// A resumable tournament or study keeps its results in one folder, and the folder belongs to one
// configuration: resuming with another would mix the results of two. The folder is made (or found)
// and claimed by the configuration's hash in a meta file beside the results.
import { createHash, randomBytes } from 'node:crypto';
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
  /**
   * What the configuration names but does not contain, as loaded (the scenario files' run
   * configurations): the file names stay the same when a file is edited, and the results in the
   * folder would then be taken for results of the edited file. Kept as `inputsHash`; a folder
   * claimed before it was kept gets it on its next claim.
   */
  inputs?: { what: string; value: unknown };
  /** The typed error to throw with a message. */
  fail(message: string): Error;
}

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

/**
 * Makes `dir` if need be and claims it for `config`: a folder claimed by another configuration, or
 * one that cannot be made, is refused with a message naming the folder and --out. Returns the
 * folder's id: random, made when the folder is claimed first (undefined for a folder claimed before
 * folders had one). The same configuration in a new folder, or in one deleted and made again, gets
 * another id: what is keyed by it elsewhere (a tournament's work queue on NATS) starts afresh.
 */
/** Makes `dir` if need be; one that cannot be made is refused naming the folder and --out. */
export function makeFolder(dir: string, kind: string, fail: (message: string) => Error): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw fail(`cannot make the ${kind} folder ${dir} (--out): ${(err as Error).message}`);
  }
}

export function claimFolder(c: FolderClaim): string | undefined {
  makeFolder(c.dir, c.kind, c.fail);
  for (const m of FOLDER_MARKS)
    if (m.file !== c.metaFile && existsSync(join(c.dir, m.file)))
      throw c.fail(
        `${c.dir} is a ${m.kind} folder (it has ${m.file}), not a ${c.kind} folder: use another --out`,
      );
  const meta = join(c.dir, c.metaFile);
  const hash = configurationHash(c.config);
  const inputsHash = c.inputs ? configurationHash(c.inputs.value) : undefined;
  const write = (id: string | undefined) =>
    writeFileSync(
      meta,
      `${JSON.stringify({ hash, ...(inputsHash ? { inputsHash } : {}), ...(id ? { id } : {}), config: c.config }, null, 2)}\n`,
    );
  if (!existsSync(meta)) {
    const id = randomBytes(6).toString('hex');
    write(id);
    return id;
  }
  let prev: { hash?: string; inputsHash?: string; id?: string };
  try {
    prev = JSON.parse(readFileSync(meta, 'utf8')) as { hash?: string; inputsHash?: string; id?: string };
  } catch (err) {
    throw c.fail(
      `${meta} is not readable as JSON (${(err as Error).message}), so whose ${c.kind} folder this is is unknown: use another --out or delete it`,
    );
  }
  if (prev?.hash !== hash)
    throw c.fail(
      `${c.dir} holds another ${c.kind} (config hash ${prev?.hash}, this one ${hash}): use another --out or delete it`,
    );
  const id = typeof prev.id === 'string' ? prev.id : undefined;
  if (!c.inputs || prev.inputsHash === inputsHash) return id;
  if (prev.inputsHash !== undefined)
    throw c.fail(
      `${c.dir} holds this ${c.kind} played on other ${c.inputs.what}: they changed since (inputs hash ${prev.inputsHash}, now ${inputsHash}); use another --out or delete it`,
    );
  write(id);
  return id;
}
