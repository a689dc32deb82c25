import { connectAgent, newClientId } from '@parley/client';
import type { Message } from '@parley/protocol';
import { AGENT_NAMESPACE } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestRelay } from '../testing';
import { outcome, rawSocket, ready, visitorClient } from '../testing/clients';
import { ConsoleHttp } from '../testing/console-http';
import { sessionModel } from './model';

let env: Awaited<ReturnType<typeof startTestRelay>>;
const open: { close(): void }[] = [];
const track = <T extends { close(): void }>(c: T) => {
  open.push(c);
  return c;
};
const eventually = (check: () => void | Promise<void>) =>
  vi.waitFor(check, { timeout: 15_000, interval: 20 });
const PASSWORD = 'correct horse battery';
let counter = 0;

beforeAll(async () => {
  env = await startTestRelay({ loginAttemptsPerMinute: 5 });
});
afterAll(async () => {
  for (const c of open) c.close();
  await env.relay.close();
});

async function newAgent(role: 'admin' | 'agent' = 'agent', siteIds = [env.site.id]) {
  const email = `person${++counter}@agents.test`;
  const { agent } = await env.relay.services.agents.create({
    email,
    name: `Person ${counter}`,
    role,
    siteIds,
    password: PASSWORD,
  });
  const http = new ConsoleHttp(env.relay.url);
  expect((await http.login(email, PASSWORD)).status).toBe(200);
  return { agent, email, http };
}

/** An agent socket signed in with the console's cookie, as the browser opens it. */
function cookieSocket(http: ConsoleHttp) {
  return track(connectAgent({ url: env.relay.url, extraHeaders: { cookie: http.cookie ?? '' } }));
}

describe('signing in', () => {
  it('sets an httpOnly SameSite session cookie and answers who is signed in', async () => {
    const { agent, email } = await newAgent();
    const http = new ConsoleHttp(env.relay.url);
    const response = await http.login(email.toUpperCase(), PASSWORD);
    expect(response.status).toBe(200);
    const setCookie = response.headers.getSetCookie()[0]!;
    expect(setCookie).toMatch(/^parley_session=[A-Za-z0-9_-]{20,}/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    const me = await http.get<{ agent: { id: string; email: string } }>('/api/auth/me');
    expect(me.body.agent).toMatchObject({ id: agent.id, email });
  });

  it('refuses a wrong password and an unknown email with the same clear message, creating no session', async () => {
    const { agent, email } = await newAgent();
    const sessions = sessionModel(env.relay.connection);
    const before = await sessions.countDocuments({ agentId: agent.id });
    const http = new ConsoleHttp(env.relay.url);
    const wrong = await http.login(email, 'not the password');
    const unknown = await http.login('nobody@agents.test', PASSWORD);
    for (const r of [wrong, unknown]) {
      expect(r.status).toBe(401);
      expect(r.body).toMatchObject({ ok: false, code: 'unauthorized' });
      expect(r.headers.getSetCookie()).toEqual([]);
    }
    expect(wrong.body.message).toBe(unknown.body.message);
    expect(await sessions.countDocuments({ agentId: agent.id })).toBe(before);
    expect((await http.get('/api/auth/me')).status).toBe(401);
  });

  it('answers malformed sign-in bodies with bad_request', async () => {
    const http = new ConsoleHttp(env.relay.url);
    for (const body of [{}, { email: 'x', password: 'y' }, { email: 'a@b.c', password: '', extra: 1 }]) {
      const r = await http.post('/api/auth/login', body);
      expect(r.status).toBe(400);
      expect(r.body.code).toBe('bad_request');
    }
    const raw = await fetch(`${env.relay.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"email":',
    });
    expect(raw.status).toBe(400);
  });

  it('rate-limits sign-in attempts per email, then refuses even the right password', async () => {
    const { email } = await newAgent();
    const http = new ConsoleHttp(env.relay.url);
    // newAgent spent one attempt; four more wrong ones use up the five a minute.
    for (let i = 0; i < 4; i++) expect((await http.login(email, 'wrong password')).status).toBe(401);
    const limited = await http.login(email, PASSWORD);
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ code: 'rate_limited' });
    expect(limited.body.message).toMatch(/too many sign-in attempts/);
    expect(http.cookie).toBeNull();
  });

  it('connects the console socket with the session cookie only, and only from the console origin', async () => {
    const { http } = await newAgent();
    const client = cookieSocket(http);
    await ready(client);
    expect(client.socket.connected).toBe(true);
    const noCookie = track(rawSocket(env.relay.url, AGENT_NAMESPACE));
    expect(await outcome(noCookie)).toMatchObject({ connected: false, code: 'unauthorized' });
    const forged = track(
      connectAgent({
        url: env.relay.url,
        extraHeaders: { cookie: 'parley_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
      }),
    );
    expect(await outcome(forged.socket)).toMatchObject({ connected: false, code: 'unauthorized' });
    const elsewhere = track(
      connectAgent({
        url: env.relay.url,
        extraHeaders: { cookie: http.cookie!, origin: 'http://evil.test' },
      }),
    );
    expect(await outcome(elsewhere.socket)).toMatchObject({ connected: false });
  });

  it('refuses a change with the cookie from another origin', async () => {
    const { http } = await newAgent();
    const r = await http.request(
      'PUT',
      '/api/me/presence',
      { presence: 'away' },
      { origin: 'http://evil.test' },
    );
    expect(r.status).toBe(403);
    expect(r.body.code).toBe('origin_not_allowed');
    const me = await http.get<{ agent: { presence: string } }>('/api/auth/me');
    expect(me.body.agent.presence).toBe('offline');
  });
});

describe('ending sessions', () => {
  it('logout closes that agent’s live sockets, sets it offline, and the cookie stops working', async () => {
    const { agent, http } = await newAgent();
    const client = await ready(cookieSocket(http));
    const reasons: string[] = [];
    client.socket.on('disconnect', (reason) => reasons.push(reason));
    const cookie = http.cookie;
    expect((await http.request('PUT', '/api/me/presence', { presence: 'online' })).status).toBe(200);
    expect((await http.post('/api/auth/logout')).status).toBe(200);
    expect((await env.relay.services.agents.byId(agent.id))?.presence).toBe('offline');
    await eventually(() => expect(reasons).toEqual(['io server disconnect']));
    http.cookie = cookie;
    expect((await http.get('/api/auth/me')).status).toBe(401);
    const again = track(connectAgent({ url: env.relay.url, extraHeaders: { cookie: cookie! } }));
    expect(await outcome(again.socket)).toMatchObject({ connected: false, code: 'unauthorized' });
  });

  it('a password change closes every socket and session, and only the new password works', async () => {
    const { email, http } = await newAgent();
    const otherBrowser = new ConsoleHttp(env.relay.url);
    expect((await otherBrowser.login(email, PASSWORD)).status).toBe(200);
    const client = await ready(cookieSocket(otherBrowser));
    const reasons: string[] = [];
    client.socket.on('disconnect', (reason) => reasons.push(reason));

    const wrong = await http.post('/api/auth/password', {
      currentPassword: 'nope',
      newPassword: 'another long one',
    });
    expect(wrong.status).toBe(403);
    const short = await http.post('/api/auth/password', { currentPassword: PASSWORD, newPassword: 'short' });
    expect(short.status).toBe(400);
    expect(short.body.message).toMatch(/at least 10/);
    expect(reasons).toEqual([]);

    const changed = await http.post('/api/auth/password', {
      currentPassword: PASSWORD,
      newPassword: 'another long one',
    });
    expect(changed.status).toBe(200);
    await eventually(() => expect(reasons).toEqual(['io server disconnect']));
    expect((await otherBrowser.get('/api/auth/me')).status).toBe(401);
    expect((await http.get('/api/auth/me')).status).toBe(200);
    expect((await new ConsoleHttp(env.relay.url).login(email, PASSWORD)).status).toBe(401);
    expect((await new ConsoleHttp(env.relay.url).login(email, 'another long one')).status).toBe(200);
  });

  it('keeps sessions in MongoDB with a TTL index', async () => {
    const indexes = await sessionModel(env.relay.connection).collection.indexes();
    expect(indexes.find((i) => i.key.expiresAt === 1)).toMatchObject({ expireAfterSeconds: 0 });
  });
});

describe('administration', () => {
  it('admins invite an agent, who chooses a password once and signs in', async () => {
    const { http: admin } = await newAgent('admin', []);
    const { http: plain } = await newAgent();
    const email = `invited${++counter}@agents.test`;
    const invite = { email, name: 'Ines Invited', siteIds: [env.site.id] };
    expect((await plain.post('/api/agents', invite)).status).toBe(403);
    expect((await admin.post('/api/agents', { ...invite, siteIds: ['nope'] })).status).toBe(400);
    const created = await admin.post<{ inviteUrl: string; agent: { invited: boolean } }>(
      '/api/agents',
      invite,
    );
    expect(created.status).toBe(201);
    expect(created.body.agent.invited).toBe(true);
    expect((await admin.post('/api/agents', invite)).body.code).toBe('conflict');
    const token = created.body.inviteUrl.split('/invite/')[1]!;

    const invited = new ConsoleHttp(env.relay.url);
    expect((await invited.login(email, 'anything at all')).status).toBe(401);
    expect((await invited.post('/api/auth/invite', { token, password: 'short' })).status).toBe(400);
    const accepted = await invited.post('/api/auth/invite', { token, password: 'a brand new one' });
    expect(accepted.status).toBe(200);
    expect((await invited.get('/api/auth/me')).status).toBe(200);
    const reused = await new ConsoleHttp(env.relay.url).post('/api/auth/invite', {
      token,
      password: 'second try here',
    });
    expect(reused.status).toBe(404);
    expect((await new ConsoleHttp(env.relay.url).login(email, 'a brand new one')).status).toBe(200);
  });

  it('deactivating an agent closes its sockets and refuses its sign-in', async () => {
    const { agent: adminAgent, http: admin } = await newAgent('admin', []);
    const { agent, email, http } = await newAgent();
    const client = await ready(cookieSocket(http));
    const reasons: string[] = [];
    client.socket.on('disconnect', (reason) => reasons.push(reason));
    const self = await admin.request('PATCH', `/api/agents/${adminAgent.id}`, { active: false });
    expect(self.status).toBe(400);
    const r = await admin.request('PATCH', `/api/agents/${agent.id}`, { active: false });
    expect(r.status).toBe(200);
    await eventually(() => expect(reasons).toEqual(['io server disconnect']));
    expect((await http.get('/api/auth/me')).status).toBe(401);
    expect((await new ConsoleHttp(env.relay.url).login(email, PASSWORD)).status).toBe(401);
  });

  it('puts agents in teams; a deleted team leaves no agent in it', async () => {
    const { http: admin } = await newAgent('admin', []);
    const { agent, http } = await newAgent();
    expect((await http.post('/api/teams', { name: 'Billing' })).status).toBe(403);
    const team = await admin.post<{ team: { id: string } }>('/api/teams', { name: `Billing ${counter}` });
    expect(team.status).toBe(201);
    expect((await admin.post('/api/teams', { name: `Billing ${counter}` })).status).toBe(409);
    const teamId = team.body.team.id;
    await admin.request('PATCH', `/api/agents/${agent.id}`, { teamIds: [teamId] });
    expect((await env.relay.services.agents.byId(agent.id))?.teamIds).toEqual([teamId]);
    expect((await admin.request('DELETE', `/api/teams/${teamId}`)).status).toBe(200);
    expect((await env.relay.services.agents.byId(agent.id))?.teamIds).toEqual([]);
  });

  it('sets presence over HTTP and over the socket', async () => {
    const { agent, http } = await newAgent();
    expect((await http.request('PUT', '/api/me/presence', { presence: 'online' })).status).toBe(200);
    expect((await env.relay.services.agents.byId(agent.id))?.presence).toBe('online');
    expect((await http.request('PUT', '/api/me/presence', { presence: 'busy' })).status).toBe(400);
    const client = await ready(cookieSocket(http));
    const ack = await client.socket.emitWithAck('presence:set', { presence: 'away' });
    expect(ack).toMatchObject({ ok: true });
    expect((await env.relay.services.agents.byId(agent.id))?.presence).toBe('away');
  });
});

describe('authorization', () => {
  it('an agent without access to a site sees none of its conversations over HTTP or Socket.IO', async () => {
    const { http: insider } = await newAgent();
    const { http: outsider } = await newAgent('agent', [env.otherSite.id]);
    const outsiderSocket = await ready(cookieSocket(outsider));
    const heard: Message[] = [];
    outsiderSocket.on('message', (m) => heard.push(m));
    const insiderSocket = await ready(cookieSocket(insider));
    const insiderHeard: Message[] = [];
    insiderSocket.on('message', (m) => insiderHeard.push(m));

    const visitor = track(await ready(visitorClient(env.relay.url, env.site.publicKey)));
    const started = await visitor.start(newClientId());
    if (!started.ok) throw new Error(started.message);
    const id = started.conversation.id;
    visitor.send(id, 'my card number is secret');
    await eventually(() => expect(insiderHeard.map((m) => m.body)).toContain('my card number is secret'));

    const inbox = await outsider.get<{ items: unknown[] }>('/api/inbox?view=open');
    expect(inbox.body.items).toEqual([]);
    const search = await outsider.get<{ items: unknown[] }>('/api/inbox?view=open&q=secret');
    expect(search.body.items).toEqual([]);
    const counts = await outsider.get<{ counts: Record<string, number> }>('/api/inbox/counts');
    expect(Object.values(counts.body.counts).every((n) => n === 0)).toBe(true);
    for (const path of [`/api/conversations/${id}`, `/api/conversations/${id}/export?format=csv`]) {
      expect((await outsider.get(path)).status).toBe(404);
    }
    const action = await outsider.post(`/api/conversations/${id}/actions`, { action: 'resolve' });
    expect(action.status).toBe(404);
    const exported = await outsider.get<{ conversations: unknown[] }>('/api/export?view=open&format=json');
    expect(exported.body.conversations).toEqual([]);

    const sync = await outsiderSocket.socket.emitWithAck('sync', {
      conversations: [{ conversationId: id, afterSeq: 0 }],
    });
    expect(sync).toMatchObject({ ok: true, conversations: [], messages: [] });
    const send = await outsiderSocket.socket.emitWithAck('message:send', {
      conversationId: id,
      clientMsgId: newClientId(),
      body: 'hello from outside',
    });
    expect(send).toMatchObject({ ok: false, code: 'not_found' });
    const note = await outsiderSocket.socket.emitWithAck('note:send', {
      conversationId: id,
      clientMsgId: newClientId(),
      body: 'sneaky note',
    });
    expect(note).toMatchObject({ ok: false, code: 'not_found' });
    expect(heard).toEqual([]);
    expect((await env.relay.services.conversations.timeline(id)).map((m) => m.body)).toEqual([
      'my card number is secret',
    ]);
    // Visible to the agent who does have access.
    const inside = await insider.get<{ items: { conversation: { id: string } }[] }>('/api/inbox?view=open');
    expect(inside.body.items.map((i) => i.conversation.id)).toContain(id);
  });

  it('a visitor token never works on the agent namespace or the agent API', async () => {
    const visitor = track(await ready(visitorClient(env.relay.url, env.site.publicKey)));
    await vi.waitFor(() => expect(visitor.session?.token).toBeTruthy());
    const token = visitor.session!.token;
    const api = await fetch(`${env.relay.url}/api/inbox`, { headers: { authorization: `Bearer ${token}` } });
    expect(api.status).toBe(401);
    const asCookie = await fetch(`${env.relay.url}/api/inbox`, {
      headers: { cookie: `parley_session=${token}` },
    });
    expect(asCookie.status).toBe(401);
    const socket = track(rawSocket(env.relay.url, AGENT_NAMESPACE, { auth: { token } }));
    expect(await outcome(socket)).toMatchObject({ connected: false, code: 'unauthorized' });
    const cookieSocketTry = track(
      connectAgent({ url: env.relay.url, extraHeaders: { cookie: `parley_session=${token}` } }),
    );
    expect(await outcome(cookieSocketTry.socket)).toMatchObject({
      connected: false,
      code: 'unauthorized',
    });
  });
});
