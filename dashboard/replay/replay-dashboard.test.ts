import { describe, expect, it } from 'vitest';
import { DashboardError } from '../errors.js';
import { startReplayDashboard } from './replay-dashboard.js';
import { ReplayFeed } from './replay-feed.js';
import { MAX_SPEED } from './replay-player.js';
import type { Timeline } from './timeline.js';

const timeline: Timeline = {
  runId: 'speed-check',
  startMs: 0,
  endMs: 60_000,
  messages: ReplayFeed.of('speed-check', []),
};

describe('startReplayDashboard', () => {
  it('refuses a --speed the player would refuse from the page, before it starts anything', async () => {
    await expect(startReplayDashboard(timeline, { speed: MAX_SPEED * 2 })).rejects.toThrow(
      new DashboardError(
        `--speed must be a number of virtual seconds per wall second in (0, ${MAX_SPEED}], got ${MAX_SPEED * 2}`,
      ),
    );
    await expect(startReplayDashboard(timeline, { speed: 0 })).rejects.toThrow(DashboardError);
  });

  it('takes the fastest speed the player takes', async () => {
    const dash = await startReplayDashboard(timeline, { speed: MAX_SPEED });
    try {
      expect(dash.player.state.speed).toBe(MAX_SPEED);
    } finally {
      await dash.close();
    }
  });
});
