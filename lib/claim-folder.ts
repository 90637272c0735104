// A resumable tournament or study keeps its results in one folder, and the folder belongs to one
// configuration: resuming with another would mix the results of two. The folder is made (or found)
// and claimed by the configuration's hash in a meta file beside the results. One field may be left
// out of the hash (`grows`: a series' `seeds`): raising it extends the folder, since what was
// played for the lower count is what the higher count plays first; lowering it is refused.
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
  /**
   * A whole-number field of `config` (`seeds`) that may be raised but not lowered: left out of the
   * hash, and its claimed value kept in the meta file's config. A meta file written before (its
   * hash over the whole configuration, `grows` absent) is matched with the field set to its value
   * there, and rewritten in this form.
   */
  grows?: string;
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
  const config = c.config as Record<string, unknown>;
  const grows = c.grows;
  const hash = configurationHash(grows ? { ...config, [grows]: undefined } : c.config);
  const inputsHash = c.inputs ? configurationHash(c.inputs.value) : undefined;
  const write = (id: string | undefined, inputs = inputsHash) =>
    writeFileSync(
      meta,
      `${JSON.stringify({ hash, ...(grows ? { grows } : {}), ...(inputs ? { inputsHash: inputs } : {}), ...(id ? { id } : {}), config: c.config }, null, 2)}\n`,
    );
  if (!existsSync(meta)) {
    const id = randomBytes(6).toString('hex');
    write(id);
    return id;
  }
  let prev: { hash?: string; grows?: string; inputsHash?: string; id?: string; config?: unknown };
  try {
    prev = JSON.parse(readFileSync(meta, 'utf8')) as typeof prev;
  } catch (err) {
    throw c.fail(
      `${meta} is not readable as JSON (${(err as Error).message}), so whose ${c.kind} folder this is is unknown: use another --out or delete it`,
    );
  }
  const prevConfig = prev?.config;
  const claimed =
    grows && typeof prevConfig === 'object' && prevConfig !== null
      ? (prevConfig as Record<string, unknown>)[grows]
      : undefined;
  // Before `grows` was kept, the hash covered the field too: the claimed value is the old config's.
  const sameConfig =
    prev?.hash === hash ||
    (grows !== undefined &&
      prev?.grows === undefined &&
      typeof claimed === 'number' &&
      prev?.hash === configurationHash({ ...config, [grows]: claimed }));
  if (!sameConfig)
    throw c.fail(
      `${c.dir} holds another ${c.kind} (config hash ${prev?.hash}, this one ${hash}): use another --out or delete it`,
    );
  const now = grows ? config[grows] : undefined;
  if (grows && typeof claimed === 'number' && typeof now === 'number' && now < claimed)
    throw c.fail(
      `${grows}: ${now}, but ${c.dir} holds this ${c.kind} claimed for ${claimed} ${grows}: at least ${claimed} (raising it plays only the new ones); use another --out for fewer`,
    );
  const grown = grows !== undefined && (prev.grows !== grows || claimed !== now);
  const id = typeof prev.id === 'string' ? prev.id : undefined;
  if (c.inputs && prev.inputsHash !== inputsHash && prev.inputsHash !== undefined)
    throw c.fail(
      `${c.dir} holds this ${c.kind} played on other ${c.inputs.what}: they changed since (inputs hash ${prev.inputsHash}, now ${inputsHash}); use another --out or delete it`,
    );
  // A raised count, a meta file of the old form, or inputs recorded for the first time; inputs
  // this claim does not give are kept as they were.
  if (grown || (c.inputs && prev.inputsHash !== inputsHash))
    write(id, c.inputs ? inputsHash : prev.inputsHash);
  return id;
}
