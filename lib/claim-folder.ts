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
export function claimFolder(c: FolderClaim): void {
  try {
    mkdirSync(c.dir, { recursive: true });
  } catch (err) {
    throw c.fail(`cannot make the ${c.kind} folder ${c.dir} (--out): ${(err as Error).message}`);
  }
  const meta = join(c.dir, c.metaFile);
  const hash = configurationHash(c.config);
  if (!existsSync(meta)) {
    writeFileSync(meta, `${JSON.stringify({ hash, config: c.config }, null, 2)}\n`);
    return;
  }
  const prev = JSON.parse(readFileSync(meta, 'utf8')) as { hash?: string };
  if (prev.hash !== hash)
    throw c.fail(
      `${c.dir} holds another ${c.kind} (config hash ${prev.hash}, this one ${hash}): use another --out or delete it`,
    );
}
