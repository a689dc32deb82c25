// Per-address limits behind a load balancer: with PARLEY_TRUST_PROXY naming the proxy, each
// client that X-Forwarded-For names gets the allowance of its own; without it the header is
// ignored, so a client cannot pick itself a fresh address by sending one.
import { VISITOR_NAMESPACE } from '@parley/protocol';
import { io, type Socket } from 'socket.io-client';
import { afterAll, describe, expect, it } from 'vitest';
import { SHOP_ORIGIN, startTestRelay } from '../testing';
import { outcome } from '../testing/clients';

const relays: Awaited<ReturnType<typeof startTestRelay>>[] = [];
const open: Socket[] = [];
afterAll(async () => {
  for (const socket of open) socket.close();
  for (const env of relays) await env.relay.close();
});

function visitorVia(env: Awaited<ReturnType<typeof startTestRelay>>, forwardedFor: string): Socket {
  const socket = io(`${env.relay.url}${VISITOR_NAMESPACE}`, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    auth: { siteKey: env.site.publicKey },
    query: { siteKey: env.site.publicKey },
    extraHeaders: { origin: SHOP_ORIGIN, 'x-forwarded-for': forwardedFor },
  });
  open.push(socket);
  return socket;
}

/** Opens three sockets claiming each of two client addresses; answers how many connected. */
async function connectedOf(env: Awaited<ReturnType<typeof startTestRelay>>) {
  let connected = 0;
  for (const client of ['203.0.113.1', '203.0.113.2'])
    for (let i = 0; i < 3; i++) if ((await outcome(visitorVia(env, client))).connected) connected++;
  return connected;
}

describe('client addresses', () => {
  it('behind a trusted proxy, counts each forwarded client on its own', async () => {
    const env = await startTestRelay({ socketsPerAddress: 3, trustProxy: ['loopback'] });
    relays.push(env);
    expect(await connectedOf(env)).toBe(6);
    const res = await fetch(`${env.relay.url}/health`, { headers: { 'x-forwarded-for': '203.0.113.9' } });
    expect(res.status).toBe(200);
  });

  it('without one, ignores X-Forwarded-For: every socket counts against the peer', async () => {
    const env = await startTestRelay({ socketsPerAddress: 3 });
    relays.push(env);
    expect(await connectedOf(env)).toBe(3);
  });
});
