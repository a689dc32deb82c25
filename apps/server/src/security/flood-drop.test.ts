// A socket that keeps sending past its limits is disconnected, so its flood stops costing the
// relay a decode per packet; a client address that keeps reconnecting is slowed at the handshake.
import { VISITOR_NAMESPACE } from '@parley/protocol';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SHOP_ORIGIN, startTestRelay } from '../testing';
import { outcome, rawSocket } from '../testing/clients';

let env: Awaited<ReturnType<typeof startTestRelay>>;
const open: Socket[] = [];
beforeAll(async () => {
  env = await startTestRelay({ socketsPerAddress: 2 });
});
afterAll(async () => {
  for (const socket of open) socket.close();
  await env.relay.close();
});

function visitorFrom(localAddress: string): Socket {
  const socket = rawSocket(env.relay.url, VISITOR_NAMESPACE, {
    auth: { siteKey: env.site.publicKey },
    siteKey: env.site.publicKey,
    origin: SHOP_ORIGIN,
    localAddress,
  });
  open.push(socket);
  return socket;
}

describe('floods', () => {
  it('disconnects a socket that keeps sending past its limits, and not a calm one', async () => {
    const flooder = visitorFrom('127.0.0.21');
    const calm = visitorFrom('127.0.0.22');
    expect(await outcome(flooder)).toEqual({ connected: true });
    expect(await outcome(calm)).toEqual({ connected: true });
    const dropped = new Promise<string>((resolve) => flooder.on('disconnect', resolve));
    const answers: { ok: boolean; code?: string }[] = [];
    for (let i = 0; i < 1000; i++) {
      flooder.emit('availability', {}, (answer: { ok: boolean; code?: string }) => answers.push(answer));
    }
    expect(await dropped).toBe('io server disconnect');
    // It was told it was limited before it was dropped, and far fewer than 1,000 were answered.
    expect(answers.some((a) => a.code === 'rate_limited')).toBe(true);
    expect(answers.length).toBeLessThan(400);
    await vi.waitFor(async () =>
      expect(await calm.emitWithAck('availability', {})).toMatchObject({ ok: true }),
    );
  });

  it('slows an address that keeps opening sockets', async () => {
    const outcomes: string[] = [];
    // One socket at a time, opened and closed again: twenty (ten times the cap of 2) at once, then slowly.
    for (let i = 0; i < 30; i++) {
      const socket = visitorFrom('127.0.0.23');
      const result = await outcome(socket);
      outcomes.push(result.connected ? 'connected' : (result.code ?? result.message));
      socket.close();
    }
    expect(outcomes.slice(0, 20).every((o) => o === 'connected')).toBe(true);
    expect(outcomes.slice(20)).toContain('rate_limited');
  });
});
