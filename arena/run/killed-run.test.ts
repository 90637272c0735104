import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { unclosedRunNote } from './killed-run.js';

const CONFIG = {
  name: 'killed',
  seed: 1,
  day: '2026-11-22',
  decisionIntervalMinutes: 15,
  agents: [{ id: 'idle', strategy: 'idle', asset: { type: 'battery', powerMw: 1, energyMwh: 2 } }],
};
const LAST_LINE = `{"seq":9,"type":"settlement","t":${Date.UTC(2026, 10, 22, 5, 30)}}`;

let dir = '';
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = '';
});

function folderWith(cfg: object): string {
  dir = mkdtempSync(join(tmpdir(), 'flexarena-killed-run-'));
  writeFileSync(join(dir, 'config.yaml'), stringify(cfg));
  return dir;
}

describe('unclosedRunNote', () => {
  it('names the decision point the files end at and points a lock-step run at run --resume', () => {
    const note = unclosedRunNote(folderWith(CONFIG), LAST_LINE, 9);
    expect(note).toContain(
      'its tape (9 whole lines) and settlements.jsonl end at the decision point of 2026-11-22T05:30:00.000Z',
    );
    expect(note).toContain('`flexarena run --resume <folder>` continues it');
  });

  it('does not send a real-time run to run --resume, which refuses it', () => {
    const note = unclosedRunNote(
      folderWith({ ...CONFIG, mode: 'realtime', realtime: { speed: 600 } }),
      LAST_LINE,
    );
    expect(note).toContain('end at the decision point of 2026-11-22T05:30:00.000Z');
    expect(note).not.toContain('--resume');
    expect(note).toContain('a real-time run (mode: realtime) cannot be resumed');
  });
});
