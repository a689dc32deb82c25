// Logout changes state like any other console action: a page of another origin, even one of the
// same site (the session cookie is SameSite=Strict, so such a page still sends it), cannot sign
// an agent out.
import { connectAgent } from '@parley/client';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { startTestRelay } from '../testing';
import { ready } from '../testing/clients';
import { ConsoleHttp } from '../testing/console-http';

let env: Awaited<ReturnType<typeof startTestRelay>>;
const PASSWORD = 'correct horse battery';

beforeAll(async () => {
  env = await startTestRelay();
});
afterAll(async () => {
  await env.relay.close();
});

it('refuses a logout from another origin, same-site or not, and keeps the session and its sockets', async () => {
  const email = `logout-${env.site.id}@t.test`;
  await env.relay.services.agents.create({
    email,
    name: 'Lou Logout',
    role: 'agent',
    siteIds: [env.site.id],
    password: PASSWORD,
  });
  const http = new ConsoleHttp(env.relay.url);
  expect((await http.login(email, PASSWORD)).status).toBe(200);
  const cookie = http.cookie;
  const socket = await ready(connectAgent({ url: env.relay.url, extraHeaders: { cookie: cookie ?? '' } }));
  const reasons: string[] = [];
  socket.socket.on('disconnect', (reason) => reasons.push(reason));

  const relayPort = new URL(env.relay.url).port;
  // Same host, another port: the same site to a browser, so the cookie goes along.
  const sameSite = `http://127.0.0.1:${Number(relayPort) + 1}`;
  for (const origin of [sameSite, 'http://evil.test', 'null']) {
    const refused = await http.request('POST', '/api/auth/logout', {}, { origin });
    expect(refused.status, origin).toBe(403);
    expect(refused.body).toMatchObject({ ok: false, code: 'origin_not_allowed' });
    expect(refused.headers.getSetCookie(), origin).toEqual([]);
  }
  expect(http.cookie).toBe(cookie);
  expect((await http.get('/api/auth/me')).status).toBe(200);
  expect(socket.socket.connected).toBe(true);
  expect(reasons).toEqual([]);

  // The console itself, on the relay's origin, signs out.
  const own = await http.request('POST', '/api/auth/logout', {}, { origin: env.relay.url });
  expect(own.status).toBe(200);
  await vi.waitFor(() => expect(reasons).toEqual(['io server disconnect']), { timeout: 10_000 });
  http.cookie = cookie;
  expect((await http.get('/api/auth/me')).status).toBe(401);
  socket.close();
});
