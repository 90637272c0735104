// The clock, the phase of the run and the connection status.
import { utcMinute } from '../model/format.js';
import type { DashboardStore } from '../model/store.js';
import { byId } from './dom.js';

export function renderHeader(store: DashboardStore): void {
  const clock = byId('clock');
  const c = store.clock;
  // In a replay the player's position, as the slider shows it (not the last decision point).
  const t = store.timeMs;
  clock.textContent = t === undefined ? '—' : `${utcMinute(t)} UTC`;
  clock.dataset.timeMs = t === undefined ? '' : String(t);
  const i = store.interrupted;
  const stopped = i && t !== undefined && t >= i.lastDecisionMs ? i : undefined;
  byId('phase').textContent =
    store.run?.event === 'ended'
      ? 'run ended'
      : store.run?.event === 'interrupted'
        ? 'run interrupted'
        : stopped
          ? `run interrupted (${stopped.signal})`
          : (c?.phase ?? '');
  byId('run-name').textContent = store.run ? `${store.run.name} · seed ${store.run.seed}` : '';
  const late = byId('joined-late');
  late.hidden = store.joinedLateAtMs === undefined;
  if (store.joinedLateAtMs !== undefined)
    late.textContent = `This page joined at ${utcMinute(store.joinedLateAtMs)}: market data from before is not shown (settlement records are read back from JetStream).`;
}

export function setStatus(text: string, kind: 'ok' | 'warn' | 'error' = 'ok'): void {
  const s = byId('status');
  s.textContent = text;
  s.className = kind;
}
