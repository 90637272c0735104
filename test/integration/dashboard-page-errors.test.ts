// The dashboard page in a real browser when its NATS server is not there (the command serving the
// page or its nats-server has stopped): the page says so, naming the address, in its status line.
import { createServer } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPageServer } from '../../dashboard/server/page-server.js';
import { launchChromium, openPage } from '../helpers/chromium.js';

declare const document: {
  getElementById(id: string): { textContent: string | null; className: string } | null;
};

/** A loopback port nothing listens on (bound once, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

describe('dashboard page without NATS', () => {
  it('says it cannot reach NATS and where, not an empty "cannot start: "', async () => {
    const wsUrl = `ws://127.0.0.1:${await closedPort()}`;
    const page = await startPageServer({ mode: 'live', runId: 'no-nats', wsUrl, settlementStream: 'X' });
    try {
      const { page: tab } = await openPage(browser, page.url);
      await tab.waitForFunction(() => document.getElementById('status')?.className === 'error');
      const status = await tab.$eval('#status', (e) => e.textContent);
      expect(status).toBe(
        `cannot start: cannot reach NATS at ${wsUrl}: has the flexarena command serving this page stopped, or its nats-server?`,
      );
      await tab.close();
    } finally {
      await page.close();
    }
  });
});
