// Issue 12, the class test for "access first, then data": every HTTP route the relay serves (read
// from the Express router) and every socket event each namespace handles (read from the server's
// own registrations and checked against the protocol's event lists) is called by an agent of
// another site and by a visitor of another site, aimed at a victim site's conversation, meeting,
// team, canned response and site. Each must be refused, or be on an allow-list that says why it
// is public or acts on the caller's own things only; either way no victim data comes back.
import type { AgentChatClient, VisitorChatClient } from '@parley/client';
import { AGENT_EVENTS, AGENT_NAMESPACE, VISITOR_EVENTS, VISITOR_NAMESPACE } from '@parley/protocol';
import type { Express } from 'express';
import { ObjectId } from 'mongodb';
import type { Socket as ServerSocket } from 'socket.io';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRelay } from '../testing';
import { agentClient, ready, visitorClient } from '../testing/clients';

let env: Awaited<ReturnType<typeof startTestRelay>>;
const open: { close(): void }[] = [];

const SECRET = 'victim-secret-kestrel-5521';
const CANNED_SECRET = 'victim-canned-osprey-8813';
const VICTIM_EMAIL = 'victim.person@victim.example';
const TEAM = 'Victim returns desk';
/** A well-formed meeting link token that the victim never issued. */
const FORGED_TOKEN = `zzzzzzzz.${'A'.repeat(43)}`;

interface Victim {
  conversationId: string;
  messageId: string;
  clientMsgId: string;
  meetingId: string;
  bookToken: string;
  teamId: string;
  cannedId: string;
  agentId: string;
  siteId: string;
  siteKey: string;
}
let victim: Victim;

/** What no caller outside the victim site may ever be answered with. */
const markers = () => [SECRET, CANNED_SECRET, VICTIM_EMAIL, TEAM, victim.bookToken, victim.conversationId];

// HTTP

interface RouteEntry {
  method: string;
  path: string;
}

/** Every route of the app, with its full path, from the router stack (nested routers included). */
function routesOf(app: Express): RouteEntry[] {
  type Layer = {
    route?: { path: string; methods: Record<string, boolean> };
    handle?: { stack?: Layer[] };
    rawPath?: string;
  };
  const found: RouteEntry[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const method of Object.keys(layer.route.methods)) {
          if (method !== '_all')
            found.push({ method: method.toUpperCase(), path: prefix + layer.route.path });
        }
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack, prefix + (!layer.rawPath || layer.rawPath === '/' ? '' : layer.rawPath));
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '');
  return found;
}

/**
 * Routes that are not refused to a stranger, each with why that is safe; their answers are still
 * checked for victim data.
 */
const ALLOWED: Record<string, string> = {
  'GET /health': 'public: liveness, no data',
  'GET /widget/loader.js': 'public: the script tag every shop embeds',
  'GET /widget/host.js': 'public: the loader’s lazy part',
  'GET /widget/api/sites/:key': 'public by design: the widget config behind a site’s public key',
  'GET /widget/frame': 'public: the widget iframe page',
  'POST /api/auth/login': 'sign-in; a wrong password is refused',
  'POST /api/auth/logout': 'ends the caller’s own session only',
  'GET /console/{*rest}': 'public: the console app shell, data comes through the API',
  'GET /continue/:token': 'public page; the token is checked by POST /api/email/continue',
  'GET /meetings/:id/book': 'public meeting page; the link token decides, checked on submit',
  'GET /meetings/:id/reschedule': 'public meeting page; the link token decides, checked on submit',
  'GET /meetings/:id/cancel': 'public meeting page; the link token decides, checked on submit',
  // Lists and own settings: they answer the caller's own sites or self, never the victim's.
  'GET /api/auth/me': 'the caller itself',
  'POST /api/auth/password': 'the caller’s own password',
  'PUT /api/me/presence': 'the caller’s own presence',
  'GET /api/agents': 'agents of the caller’s sites',
  'GET /api/teams': 'teams of the caller’s sites',
  'GET /api/canned': 'the caller’s and shared canned responses',
  'POST /api/canned': 'creates the caller’s own canned response',
  'GET /api/sites': 'the caller’s sites',
  'GET /api/inbox': 'conversations of the caller’s sites (victim site asked for, none given)',
  'GET /api/inbox/counts': 'counts of the caller’s sites',
  'GET /api/export': 'transcripts of the caller’s sites (victim site asked for, none given)',
  'GET /api/email/held': 'held mail of the caller’s sites',
  'GET /api/meetings/schedule': 'the caller’s own working hours',
  'PUT /api/meetings/schedule': 'the caller’s own working hours',
  'GET /api/meetings/upcoming': 'the caller’s own meetings',
  'GET /api/email/mailbox':
    'the dev Mailbox lists only mail of the caller’s sites (security/dev-mailbox.test.ts)',
};

function concrete(route: RouteEntry): string {
  const byPrefix: [RegExp, string][] = [
    [/^\/api\/(conversations|email\/conversations)\/:id/, victim.conversationId],
    [/^\/api\/meetings\/conversation\/:conversationId/, victim.conversationId],
    [/^\/(api\/)?meetings\/:id/, victim.meetingId],
    [/^\/api\/teams\/:id/, victim.teamId],
    [/^\/api\/agents\/:id/, victim.agentId],
    [/^\/api\/canned\/:id/, victim.cannedId],
    [/^\/api\/email\/(messages|attachments|held|mailbox)\/:id/, victim.messageId],
  ];
  let path = route.path;
  for (const [pattern, id] of byPrefix)
    if (pattern.test(path)) path = path.replace(/:id|:conversationId/, id);
  path = path
    .replace(':siteId', victim.siteId)
    .replace('/api/sites/:id', `/api/sites/${victim.siteId}`)
    .replace(':key', victim.siteKey)
    .replace(':token', FORGED_TOKEN)
    .replace('{*rest}', 'inbox');
  const query: Record<string, string> = {
    '/api/inbox': `?siteId=${victim.siteId}&q=${SECRET}`,
    '/api/export': `?format=json&view=open&siteId=${victim.siteId}`,
    '/api/meetings/agenda': `?conversationId=${victim.conversationId}`,
    '/api/conversations/:id/export': '?format=json',
  };
  const tokens: Record<string, string> = {
    '/meetings/:id/slots': `?token=${FORGED_TOKEN}&timeZone=UTC`,
    '/api/meetings/:id/slots': '?timeZone=UTC',
  };
  const pageToken =
    route.method === 'GET' && /^\/meetings\/:id\/\w+$/.test(route.path) ? `?t=${FORGED_TOKEN}` : '';
  return path + (query[route.path] ?? tokens[route.path] ?? pageToken);
}

/** Well-formed bodies, so a refusal comes from the access check and not from the parser. */
function bodyOf(route: RouteEntry): unknown {
  const inAnHour = new Date(Date.now() + 3600_000).toISOString();
  const bodies: Record<string, unknown> = {
    'POST /api/auth/login': { email: 'nobody@victim.example', password: 'not the password' },
    'POST /api/auth/invite': { token: 'x'.repeat(32), password: 'correct horse battery' },
    'POST /api/auth/password': { currentPassword: 'not the password', newPassword: 'correct horse battery' },
    'PUT /api/me/presence': { presence: 'online' },
    'POST /api/agents': {
      email: 'new@victim.example',
      name: 'New',
      role: 'agent',
      siteIds: [victim.siteId],
      teamIds: [],
    },
    'PATCH /api/agents/:id': { name: 'Renamed' },
    'POST /api/teams': { name: 'Another team' },
    'POST /api/canned': { shortcut: 'mine', body: 'my own canned reply', shared: false },
    'POST /api/sites': { name: 'Site', allowedOrigins: ['https://x.example'] },
    'PATCH /api/sites/:id': { name: 'Renamed' },
    'POST /api/conversations/:id/actions': { action: 'resolve' },
    'POST /api/email/conversations/:id/escalate': { address: 'attacker@evil.example' },
    'POST /api/email/conversations/:id/transcript': { address: 'attacker@evil.example' },
    'PUT /api/email/sites/:siteId/settings': { transcriptOnResolve: true },
    'POST /api/email/continue': { token: FORGED_TOKEN },
    'POST /api/email/mailbox/:id/reply': { body: 'written as the visitor' },
    'PUT /api/meetings/schedule': { timeZone: 'UTC', weekly: [], exceptions: [], lengths: [30] },
    'PUT /api/meetings/settings/:siteId': {
      minNoticeMinutes: 60,
      horizonDays: 14,
      bufferMinutes: 0,
      slotStepMinutes: 30,
      reminderMinutes: [],
      link: { kind: 'video', pattern: 'https://video.example/{room}' },
    },
    'POST /api/meetings/offers': {
      conversationId: victim.conversationId,
      lengthMinutes: 30,
      agenda: 'steal',
    },
    'POST /api/meetings/:id/reschedule': { start: inAnHour },
    'POST /api/meetings/:id/cancel': { reason: 'stranger' },
    'POST /api/meetings/:id/outcome': { notes: 'n', decisions: [], actionItems: [] },
    'POST /meetings/:id/book': {
      token: FORGED_TOKEN,
      start: inAnHour,
      timeZone: 'UTC',
      attendee: { name: 'Mallory', email: 'mallory@evil.example' },
    },
    'POST /meetings/:id/reschedule': { token: FORGED_TOKEN, start: inAnHour, timeZone: 'UTC' },
    'POST /meetings/:id/cancel': { token: FORGED_TOKEN },
  };
  return bodies[`${route.method} ${route.path}`] ?? (route.method === 'GET' ? undefined : {});
}

async function call(route: RouteEntry, headers: Record<string, string>) {
  const body = bodyOf(route);
  const form = route.path.endsWith('/form');
  const response = await fetch(`${env.relay.url}${concrete(route)}`, {
    method: route.method,
    redirect: 'manual',
    headers: {
      ...headers,
      ...(form
        ? { 'content-type': 'application/x-www-form-urlencoded' }
        : body === undefined
          ? {}
          : { 'content-type': 'application/json' }),
    },
    ...(form
      ? {
          body: new URLSearchParams({
            t: FORGED_TOKEN,
            start: new Date(Date.now() + 3600_000).toISOString(),
            tz: 'UTC',
            name: 'Mallory',
            email: 'mallory@evil.example',
          }),
        }
      : body === undefined
        ? {}
        : { body: JSON.stringify(body) }),
  });
  return { status: response.status, text: await response.text() };
}

// Sockets

/** Events a stranger may send that act on its own things only, with why. */
const OWN_EVENTS: Record<string, string> = {
  'conversation:start': 'starts the caller’s own conversation',
  'visitor:context': 'the caller’s own page view',
  'visitor:attributes': 'the caller’s own attributes',
  'visitor:profile': 'the caller’s own profile',
  'visitor:email': 'the caller’s own address',
  availability: 'the caller’s own site',
  'offline:submit': 'starts the caller’s own conversation',
  'presence:set': 'the caller’s own presence',
  sync: 'answers the caller’s own conversations; the victim’s listed one is left out',
};

/** Payloads aimed at the victim, for every event either namespace handles. */
function payloadOf(event: string): unknown {
  const { conversationId } = victim;
  const payloads: Record<string, unknown> = {
    'message:send': { conversationId, clientMsgId: victim.clientMsgId, body: 'retry?', retry: true },
    sync: { conversations: [{ conversationId, afterSeq: 0 }] },
    typing: { conversationId, typing: true },
    seen: { conversationId, seq: 1 },
    'conversation:start': { startKey: 'stranger-start' },
    'visitor:context': { url: 'https://shop.example/' },
    'visitor:attributes': { attributes: { plan: 'gold' } },
    'visitor:profile': { name: 'Mallory' },
    'visitor:email': { email: 'mallory@evil.example' },
    availability: {},
    'offline:submit': {
      startKey: 'stranger-off',
      clientMsgId: 'stranger-off-1',
      email: 'm@evil.example',
      body: 'hi',
    },
    'conversation:rate': { conversationId, score: 1 },
    'conversation:email': { conversationId, email: 'mallory@evil.example' },
    'conversation:chat': { conversationId },
    'note:send': { conversationId, clientMsgId: 'stranger-note-1', body: 'planted note' },
    'presence:set': { presence: 'online' },
    'meeting:links': { meetingId: victim.meetingId },
  };
  if (!(event in payloads)) throw new Error(`no victim payload for the socket event "${event}": add one`);
  return payloads[event];
}

/** The events the server registered on this client's socket (its own handlers, not Socket.IO's). */
function registered(client: VisitorChatClient | AgentChatClient, namespace: string): string[] {
  const socket = env.relay.io.of(namespace).sockets.get(client.socket.id!) as ServerSocket | undefined;
  if (!socket) throw new Error(`no server socket for ${client.socket.id}`);
  return socket
    .eventNames()
    .map(String)
    .filter((name) => !['disconnect', 'disconnecting', 'error'].includes(name));
}

// Setup

beforeAll(async () => {
  // The development Mailbox is on, as under `pnpm start`, so its routes are walked too.
  env = await startTestRelay({
    socketRatePerSec: 1000,
    socketBurst: 1000,
    siteRatePerSec: 1000,
    devMailbox: true,
  });
  const { services } = env.relay;
  const visitor = await ready(visitorClient(env.relay.url, env.site.publicKey));
  open.push(visitor);
  await visitor.socket.emitWithAck('visitor:email', { email: VICTIM_EMAIL });
  const started = await visitor.socket.emitWithAck('conversation:start', { startKey: 'victim-start' });
  if (!started.ok) throw new Error(started.message);
  const clientMsgId = 'victim-message-1';
  const sent = await visitor.socket.emitWithAck('message:send', {
    conversationId: started.conversation.id,
    clientMsgId,
    body: SECRET,
  });
  if (!sent.ok) throw new Error(sent.message);

  const me = env.agent.agent;
  await services.meetings.saveSchedule(me, {
    timeZone: 'UTC',
    weekly: ([0, 1, 2, 3, 4, 5, 6] as const).map((day) => ({ day, start: '00:00', end: '23:30' })),
    exceptions: [],
    lengths: [30],
  });
  const offered = await services.meetings.offer(me, {
    conversationId: started.conversation.id,
    lengthMinutes: 30,
    agenda: 'Victim agenda',
  });
  if (!offered.ok) throw new Error(offered.message);
  const team = await services.agents.createTeam(TEAM);
  if (!team.ok) throw new Error(team.message);
  await services.agents.update(me.id, { teamIds: [team.team.id] });
  const canned = await services.canned.create(me, { shortcut: 'victim', body: CANNED_SECRET, shared: false });
  if (!canned.ok) throw new Error(canned.message);

  victim = {
    conversationId: started.conversation.id,
    messageId: sent.message.id,
    clientMsgId,
    meetingId: offered.meeting.id,
    bookToken: offered.links.book ?? '',
    teamId: team.team.id,
    cannedId: canned.canned.id,
    agentId: me.id,
    siteId: env.site.id,
    siteKey: env.site.publicKey,
  };
});
afterAll(async () => {
  for (const c of open) c.close();
  await env.relay.close();
});

describe('every HTTP route', () => {
  const callers = () => ({
    'an agent of another site': { authorization: `Bearer ${env.outsider.token}` },
    'a visitor of another site': { origin: 'http://other.test' },
  });

  it('is refused to strangers, or allow-listed with a reason, and never answers victim data', async () => {
    const routes = routesOf(env.relay.app);
    expect(routes.length).toBeGreaterThan(50);
    const problems: string[] = [];
    for (const route of routes) {
      const name = `${route.method} ${route.path}`;
      for (const [who, headers] of Object.entries(callers())) {
        const { status, text } = await call(route, headers);
        const leaked = markers().filter((marker) => text.includes(marker));
        const refused = [401, 403, 404].includes(status);
        if (leaked.length > 0)
          problems.push(`${name} as ${who}: ${status} with victim data ${leaked.join(', ')}`);
        else if (!refused && !(name in ALLOWED))
          problems.push(`${name} as ${who}: answered ${status}, ${text.slice(0, 160)}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('keeps the allow-lists to routes that exist', () => {
    const names = new Set(routesOf(env.relay.app).map((r) => `${r.method} ${r.path}`));
    for (const name of Object.keys(ALLOWED)) expect(names).toContain(name);
  });
});

describe('every socket event', () => {
  it('is the set the protocol lists, in each namespace', async () => {
    const visitor = await ready(
      visitorClient(env.relay.url, env.otherSite.publicKey, {
        extraHeaders: { origin: 'http://other.test' },
      }),
    );
    const agent = await ready(agentClient(env.relay.url, env.outsider.token));
    open.push(visitor, agent);
    expect(registered(visitor, VISITOR_NAMESPACE).sort()).toEqual([...VISITOR_EVENTS].sort());
    expect(registered(agent, AGENT_NAMESPACE).sort()).toEqual([...AGENT_EVENTS].sort());
  });

  it('is refused to strangers aimed at the victim, or acts on their own things only', async () => {
    const strangerVisitor = await ready(
      visitorClient(env.relay.url, env.otherSite.publicKey, {
        extraHeaders: { origin: 'http://other.test' },
      }),
    );
    const strangerAgent = await ready(agentClient(env.relay.url, env.outsider.token));
    const victimVisitor = await ready(visitorClient(env.relay.url, env.site.publicKey));
    const victimAgent = await ready(agentClient(env.relay.url, env.agent.token));
    open.push(strangerVisitor, strangerAgent, victimVisitor, victimAgent);
    const heardByVictim: unknown[] = [];
    victimVisitor.socket.on('typing', (e) => heardByVictim.push(e));
    victimAgent.socket.on('typing', (e) => heardByVictim.push(e));
    // The victim's own clients follow the conversation, so a leak to them would show.
    await victimAgent.follow(victim.conversationId);

    const problems: string[] = [];
    const strangers = [
      { who: 'a visitor of another site', client: strangerVisitor, namespace: VISITOR_NAMESPACE },
      { who: 'an agent of another site', client: strangerAgent, namespace: AGENT_NAMESPACE },
    ];
    for (const { who, client, namespace } of strangers) {
      for (const event of registered(client, namespace)) {
        const payload = payloadOf(event);
        const socket = client.socket as unknown as {
          emit(event: string, payload: unknown): void;
          timeout(ms: number): { emitWithAck(event: string, payload: unknown): Promise<unknown> };
        };
        if (event === 'typing') {
          socket.emit(event, payload);
          continue;
        }
        const ack = (await socket.timeout(5000).emitWithAck(event, payload)) as { ok: boolean };
        const text = JSON.stringify(ack);
        const leaked = markers().filter((marker) => text.includes(marker));
        if (leaked.length > 0) problems.push(`${event} as ${who}: victim data ${leaked.join(', ')}`);
        else if (ack.ok && !(event in OWN_EVENTS))
          problems.push(`${event} as ${who}: answered ${text.slice(0, 160)}`);
      }
    }
    // The same retry aimed at the server-made entry of the victim's meeting offer.
    const offerRetry = await strangerVisitor.socket.emitWithAck('message:send', {
      conversationId: victim.conversationId,
      clientMsgId: `mtg-${victim.meetingId}-offered`,
      body: 'x',
      retry: true,
    });
    expect(offerRetry).toMatchObject({ ok: false, code: 'not_found' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(heardByVictim).toEqual([]);
    expect(problems).toEqual([]);
    const timeline = await env.relay.services.conversations.timeline(victim.conversationId);
    expect(timeline.map((m) => m.body).join('\n')).not.toMatch(/planted note|retry\?/);
  });

  it('has a victim payload for every event the protocol lists', () => {
    for (const event of new Set([...VISITOR_EVENTS, ...AGENT_EVENTS]))
      expect(() => payloadOf(event)).not.toThrow();
  });
});

it('uses an id the victim never issued where it forges one', () => {
  expect(ObjectId.isValid(victim.meetingId)).toBe(true);
  expect(FORGED_TOKEN).not.toBe(victim.bookToken);
});
