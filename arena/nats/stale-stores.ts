// The JetStream store folders of private nats-servers whose owner died. A run or a dashboard killed
// outright (SIGKILL, the OOM killer) never runs its stop(): its nats-server gets SIGTERM through
// --pdeathsig and ends, but its store folder stayed in the temporary folder for good. Each store
// names its owner's process id in a file; the next private server started removes the stores
// whose owner no longer runs. A store without that file (made by an older version, or by
// something else with a similar name) is left alone.
import { readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { processRunning, readPidFile } from '../../lib/index.js';

export const STORE_PREFIX = 'flexarena-nats-';
const OWNER_FILE = 'owner.pid';

/** Marks `storeDir` as this process's. */
export function markStoreOwner(storeDir: string): void {
  writeFileSync(join(storeDir, OWNER_FILE), `${process.pid}\n`);
}

/** Removes the stores in `dir` whose owner has ended; returns their paths. Never throws. */
export function removeStaleStores(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.startsWith(STORE_PREFIX));
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const path = join(dir, name);
    try {
      if (!statSync(path).isDirectory()) continue;
      const pid = readPidFile(join(path, OWNER_FILE));
      if (pid === undefined || processRunning(pid)) continue;
      rmSync(path, { recursive: true, force: true });
      removed.push(path);
    } catch {
      // gone meanwhile, or not ours to remove: the next start looks again
    }
  }
  return removed;
}
