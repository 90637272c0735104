// Play/pause, speed and the time slider of a replay. The slider follows the player's position
// unless someone is dragging it; letting go seeks there.

import type { DashboardConfig, ReplayControl, ReplayState } from '../../protocol.js';
import { utcMinute } from '../model/format.js';
import { byId, esc } from './dom.js';

export class ReplayControls {
  private dragging = false;
  private readonly slider = byId<HTMLInputElement>('replay-slider');
  private readonly button = byId<HTMLButtonElement>('replay-play');
  private readonly speed = byId<HTMLSelectElement>('replay-speed');
  private state: ReplayState | undefined;

  constructor(
    cfg: NonNullable<DashboardConfig['replay']>,
    private readonly send: (c: ReplayControl) => void,
  ) {
    byId('replay').hidden = false;
    this.slider.min = String(cfg.startMs);
    this.slider.max = String(cfg.endMs);
    // 'any': the thumb stands at the player's exact position, the time the header shows (a step of a
    // minute snapped it to the minute).
    this.slider.step = 'any';
    this.slider.value = String(cfg.startMs);
    this.speed.innerHTML = cfg.speeds
      .map((s) => `<option value="${s}"${s === cfg.speed ? ' selected' : ''}>${esc(speedLabel(s))}</option>`)
      .join('');
    this.slider.addEventListener('input', () => {
      this.dragging = true;
      byId('replay-position').textContent = utcMinute(Number(this.slider.value));
    });
    this.slider.addEventListener('change', () => {
      this.dragging = false;
      this.send({ action: 'seek', positionMs: Number(this.slider.value) });
    });
    this.button.addEventListener('click', () =>
      this.send({ action: this.state?.playing ? 'pause' : 'play' }),
    );
    this.speed.addEventListener('change', () =>
      this.send({ action: 'speed', speed: Number(this.speed.value) }),
    );
  }

  show(state: ReplayState): void {
    this.state = state;
    this.button.textContent = state.playing ? 'Pause' : 'Play';
    this.button.dataset.playing = String(state.playing);
    if (!this.dragging) {
      this.slider.value = String(state.positionMs);
      byId('replay-position').textContent = utcMinute(state.positionMs);
    }
    byId('replay').dataset.positionMs = String(state.positionMs);
  }
}

function speedLabel(s: number): string {
  if (s >= 3600 && s % 3600 === 0) return `${s / 3600} h per second`;
  if (s >= 60 && s % 60 === 0) return `${s / 60} min per second`;
  return `${s}× real time`;
}
