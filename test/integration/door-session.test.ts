// The gateway's session limits against a real arena process: every call needs the bearer token
// (GetMarketSpec too; the old x-flexarena-token header is not read), a stream that never says
// hello is closed with DEADLINE_EXCEEDED, bytes that are not a SessionRequest end the stream with
// INVALID_ARGUMENT (not INTERNAL), so does a hello asking for an unknown wake-up encoding, a
// message over limits.maxMessageBytes ends it with RESOURCE_EXHAUSTED — and the agent can
// reconnect and resume after each.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { credentials, Metadata, type ServiceError, status } from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { ArenaServiceClient } from '../../gen/flexarena/v1/arena_service.js';
import {
  demoWithHandAgent,
  STARTUP_MS,
  startArena,
  stopAll,
  tempDir,
  writeConfig,
} from '../helpers/arena-process.js';
import { until } from '../helpers/process-control.js';
import { bearer, hello, nextMatching, openRawSession, rawClient } from '../helpers/raw-session.js';

const faultLines = (runDir: string): string[] => {
  const file = join(runDir, 'agent-faults.log');
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n') : [];
};

afterEach(stopAll);

const TOKEN = 'hand-token-door-01';

function marketSpec(address: string, md: Metadata): Promise<{ err?: ServiceError; runId?: string }> {
  const client = new ArenaServiceClient(address, credentials.createInsecure());
  return new Promise((resolve) =>
    client.getMarketSpec({}, md, (err, res) => {
      client.close();
      resolve(err ? { err } : { runId: res!.runId });
    }),
  );
}

describe('gateway session limits', () => {
  it('token on every call, hello timeout, undecodable and oversized messages: named statuses, then resume', {
    timeout: 300_000,
  }, async () => {
    const dir = tempDir();
    const cfg = demoWithHandAgent(
      { id: 'manual', strategy: 'idle', token: TOKEN },
      { limits: { helloTimeoutMs: 1_000, maxMessageBytes: 64 * 1024 } },
    );
    const arena = await startArena(writeConfig(dir, cfg), ['--out', dir, '--in-process'], STARTUP_MS);

    // ---- GetMarketSpec: only with the bearer token ----
    const none = await marketSpec(arena.address, new Metadata());
    expect(none.err?.code).toBe(status.UNAUTHENTICATED);
    expect(none.err?.details).toMatch(/authorization: Bearer <token>/);
    const oldHeader = await marketSpec(arena.address, bearer(TOKEN, 'x-flexarena-token'));
    expect(oldHeader.err?.code).toBe(status.UNAUTHENTICATED);
    expect((await marketSpec(arena.address, bearer('not-the-token'))).err?.code).toBe(status.UNAUTHENTICATED);
    expect((await marketSpec(arena.address, bearer(TOKEN))).runId).toBe(arena.runId);

    const client = rawClient(arena.address);
    // ---- the old header does not open a session either ----
    const old = openRawSession(client, bearer(TOKEN, 'x-flexarena-token'));
    old.sendRequest(hello());
    const oldEnd = await nextMatching(old, (e) => e.type === 'error');
    expect(oldEnd.type === 'error' && oldEnd.error.code).toBe(status.UNAUTHENTICATED);

    // ---- a stream that never says hello ----
    const silent = openRawSession(client, bearer(TOKEN));
    const silentEnd = await nextMatching(silent, (e) => e.type === 'error');
    if (silentEnd.type !== 'error') throw new Error('unreachable');
    expect(silentEnd.error.code).toBe(status.DEADLINE_EXCEEDED);
    expect(silentEnd.error.details).toMatch(/no hello within 1000 ms \(limits.helloTimeoutMs\)/);

    // ---- bytes that are not a SessionRequest, as the first message ----
    const garbage = openRawSession(client, bearer(TOKEN));
    garbage.send(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x07]));
    const garbageEnd = await nextMatching(garbage, (e) => e.type === 'error');
    if (garbageEnd.type !== 'error') throw new Error('unreachable');
    expect(garbageEnd.error.code).toBe(status.INVALID_ARGUMENT);
    expect(garbageEnd.error.details).toMatch(/^message: not a SessionRequest/);

    // ---- a hello asking for a wake-up encoding that does not exist ----
    const unknown = openRawSession(client, bearer(TOKEN));
    const h = hello();
    if (h.kind?.$case === 'hello') (h.kind.value as { wakeUpEncoding: number }).wakeUpEncoding = 7;
    unknown.sendRequest(h);
    const unknownEnd = await nextMatching(unknown, (e) => e.type === 'error');
    if (unknownEnd.type !== 'error') throw new Error('unreachable');
    expect(unknownEnd.error.code).toBe(status.INVALID_ARGUMENT);
    expect(unknownEnd.error.details).toMatch(/^hello.wake_up_encoding: 7 is not a known encoding/);

    // ---- a proper session; then an oversized message; then undecodable bytes after hello ----
    let s = openRawSession(client, bearer(TOKEN));
    s.sendRequest(hello());
    const welcome = await nextMatching(s, (e) => e.type === 'data' && e.message.kind?.$case === 'welcome');
    expect(
      welcome.type === 'data' &&
        welcome.message.kind?.$case === 'welcome' &&
        welcome.message.kind.value.resumed,
    ).toBe(false);
    await nextMatching(s, (e) => e.type === 'data' && e.message.kind?.$case === 'wakeUp');
    s.send(Buffer.alloc(64 * 1024 + 1));
    const big = await nextMatching(s, (e) => e.type === 'error');
    if (big.type !== 'error') throw new Error('unreachable');
    expect(big.error.code).toBe(status.RESOURCE_EXHAUSTED);
    // The arena's fault line names the limit too, not just "call cancelled".
    await until(
      'the fault line for the oversized message',
      () => faultLines(arena.runDir).some((l) => /limits\.maxMessageBytes \(65536 bytes/.test(l)),
      10_000,
    );

    s = openRawSession(client, bearer(TOKEN));
    s.sendRequest(hello());
    const again = await nextMatching(s, (e) => e.type === 'data' && e.message.kind?.$case === 'welcome');
    expect(
      again.type === 'data' && again.message.kind?.$case === 'welcome' && again.message.kind.value.resumed,
    ).toBe(true);
    await nextMatching(s, (e) => e.type === 'data' && e.message.kind?.$case === 'wakeUp');
    s.send(Buffer.from([0x0a, 0x05, 0x01]));
    const bad = await nextMatching(s, (e) => e.type === 'error');
    if (bad.type !== 'error') throw new Error('unreachable');
    expect(bad.error.code).toBe(status.INVALID_ARGUMENT);
    expect(bad.error.details).toMatch(/^message: not a SessionRequest/);

    // ---- and it still resumes ----
    s = openRawSession(client, bearer(TOKEN));
    s.sendRequest(hello());
    const third = await nextMatching(s, (e) => e.type === 'data' && e.message.kind?.$case === 'welcome');
    expect(
      third.type === 'data' && third.message.kind?.$case === 'welcome' && third.message.kind.value.resumed,
    ).toBe(true);
    s.close();
    client.close();
  });
});
