import type { ChatClient } from '@parley/client';
import { newClientId } from '@parley/client';
import type { Conversation, InboxItem, Message, VisitorConversation } from '@parley/protocol';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestRelay } from '../testing';
import { agentClient, ready, visitorClient } from '../testing/clients';
import { ConsoleHttp } from '../testing/console-http';
import { csvCell } from './routes';
import { pickBalanced } from './routing';

let env: Awaited<ReturnType<typeof startTestRelay>>;
const open: { close(): void }[] = [];
const PASSWORD = 'correct horse battery';
let counter = 0;
const eventually = (check: () => void | Promise<void>) =>
  vi.waitFor(check, { timeout: 15_000, interval: 20 });

beforeAll(async () => {
  env = await startTestRelay({ loginAttemptsPerMinute: 1000 });
});
afterAll(async () => {
  for (const c of open) c.close();
  await env.relay.close();
});

async function signedIn(role: 'admin' | 'agent' = 'agent', siteIds = [env.site.id], name?: string) {
  const email = `a${++counter}@actions.test`;
  const { agent } = await env.relay.services.agents.create({
    email,
    name: name ?? `Agent ${counter}`,
    role,
    siteIds,
    password: PASSWORD,
  });
  const http = new ConsoleHttp(env.relay.url);
  expect((await http.login(email, PASSWORD)).status).toBe(200);
  return { agent, http };
}

async function conversationWith(
  ...bodies: string[]
): Promise<{ visitor: ChatClient; conversation: VisitorConversation }> {
  const visitor = await ready(visitorClient(env.relay.url, env.site.publicKey));
  open.push(visitor);
  const started = await visitor.start(newClientId());
  if (!started.ok) throw new Error(started.message);
  for (const body of bodies) visitor.send(started.conversation.id, body);
  await eventually(() => expect(visitor.pending()).toHaveLength(0));
  return { visitor, conversation: started.conversation };
}

const act = (http: ConsoleHttp, id: string, action: unknown) =>
  http.post<{ conversation: Conversation }>(`/api/conversations/${id}/actions`, action);
const timeline = (id: string) => env.relay.services.conversations.timeline(id);
const events = async (id: string) =>
  (await timeline(id)).filter((m) => m.type === 'event').map((m) => m.data?.name);

describe('conversation actions', () => {
  it('records each action as an event on the timeline and announces the conversation', async () => {
    const { agent, http } = await signedIn();
    const { agent: colleague } = await signedIn();
    const { conversation, visitor } = await conversationWith('Hello?');
    const id = conversation.id;
    const seenByVisitor: Message[] = [];
    visitor.on('message', (m) => seenByVisitor.push(m));

    const assigned = await act(http, id, { action: 'assign', assigneeId: agent.id, from: null });
    expect(assigned.body.conversation.assigneeId).toBe(agent.id);
    expect((await act(http, id, { action: 'priority', priority: 'high' })).body.conversation.priority).toBe(
      'high',
    );
    expect((await act(http, id, { action: 'tag', tag: 'Refund' })).body.conversation.tags).toEqual([
      'refund',
    ]);
    expect((await act(http, id, { action: 'tag', tag: 'refund' })).status).toBe(200);
    const transferred = await act(http, id, {
      action: 'transfer',
      from: agent.id,
      to: { agentId: colleague.id },
      note: 'Needs a refund over 200',
    });
    expect(transferred.body.conversation.assigneeId).toBe(colleague.id);
    const until = new Date(Date.now() + 3600_000).toISOString();
    const snoozed = await act(http, id, { action: 'snooze', until });
    expect(snoozed.body.conversation).toMatchObject({ status: 'snoozed', snoozedUntil: until });
    expect((await act(http, id, { action: 'reopen' })).body.conversation.status).toBe('open');
    expect((await act(http, id, { action: 'untag', tag: 'refund' })).body.conversation.tags).toEqual([]);
    const resolved = await act(http, id, { action: 'resolve' });
    expect(resolved.body.conversation.status).toBe('resolved');
    expect(resolved.body.conversation.resolvedAt).not.toBeNull();

    expect(await events(id)).toEqual([
      'assigned',
      'priority_changed',
      'tagged',
      'transferred',
      'snoozed',
      'reopened',
      'untagged',
      'resolved',
    ]);
    const transfer = (await timeline(id)).find((m) => m.data?.name === 'transferred')!;
    expect(transfer).toMatchObject({ visibility: 'agents', author: { kind: 'agent', id: agent.id } });
    expect(transfer.data).toMatchObject({ note: 'Needs a refund over 200', toAgentId: colleague.id });
    // The visitor sees that the conversation was resolved, never the internal events.
    await eventually(() => expect(seenByVisitor.map((m) => m.data?.name)).toContain('resolved'));
    expect(seenByVisitor.map((m) => m.data?.name)).not.toContain('transferred');
    const stored = await env.relay.services.conversations.get(
      { kind: 'agent', agentId: agent.id, name: 'x', siteIds: null },
      id,
    );
    expect(stored?.seq).toBe((await timeline(id)).length);
  });

  it('refuses bad actions with a clear error and changes nothing', async () => {
    const { agent, http } = await signedIn();
    const { agent: outsider } = await signedIn('agent', [env.otherSite.id]);
    const { conversation } = await conversationWith('Hi');
    const id = conversation.id;
    const before = await timeline(id);
    const cases: [unknown, number, RegExp][] = [
      [{ action: 'explode' }, 400, /action/],
      [{ action: 'assign', assigneeId: 'nope', from: null }, 400, /24-character/],
      [{ action: 'assign', assigneeId: outsider.id, from: null }, 400, /no access to this site/],
      [{ action: 'assign', assigneeId: '0123456789abcdef01234567', from: null }, 400, /no such active agent/],
      [{ action: 'priority', priority: 'extreme' }, 400, /priority/],
      [{ action: 'tag', tag: '' }, 400, /tags/],
      [{ action: 'tag', tag: '$where' }, 400, /tags/],
      [{ action: 'snooze', until: '2001-01-01T00:00:00Z' }, 400, /future/],
      [{ action: 'transfer', from: null, to: { agentId: agent.id }, note: '   ' }, 400, /empty/],
      [
        { action: 'transfer', from: null, to: { teamId: '0123456789abcdef01234567' }, note: 'x' },
        400,
        /no such team/,
      ],
      [{ action: 'resolve', extra: true }, 400, /extra|Unrecognized/i],
      [{ action: 'reopen' }, 409, /open already/],
    ];
    for (const [action, status, message] of cases) {
      const r = await act(http, id, action);
      expect(r.status, JSON.stringify(action)).toBe(status);
      expect(r.body.message, JSON.stringify(action)).toMatch(message);
    }
    expect((await http.post('/api/conversations/nope/actions', { action: 'resolve' })).status).toBe(400);
    expect(
      (await http.post('/api/conversations/0123456789abcdef01234567/actions', { action: 'resolve' })).status,
    ).toBe(404);
    expect(await timeline(id)).toEqual(before);
    const after = await env.relay.services.conversations.get(
      { kind: 'agent', agentId: agent.id, name: 'x', siteIds: null },
      id,
    );
    expect(after).toMatchObject({ assigneeId: null, priority: 'none', tags: [], status: 'open' });
  });

  it('two agents acting at once: one wins, the other is told who has it, the state stays consistent', async () => {
    const { agent: ana, http: anaHttp } = await signedIn('agent', [env.site.id], 'Ana Quick');
    const { agent: bob, http: bobHttp } = await signedIn('agent', [env.site.id], 'Bob Slow');
    for (let round = 0; round < 5; round++) {
      const { conversation } = await conversationWith(`round ${round}`);
      const id = conversation.id;
      const [a, b] = await Promise.all([
        act(anaHttp, id, { action: 'assign', assigneeId: ana.id, from: null }),
        act(bobHttp, id, { action: 'assign', assigneeId: bob.id, from: null }),
      ]);
      const winners = [a, b].filter((r) => r.status === 200);
      const losers = [a, b].filter((r) => r.status === 409);
      expect(winners).toHaveLength(1);
      expect(losers).toHaveLength(1);
      const winner = winners[0]!.body.conversation.assigneeId;
      expect(losers[0]!.body.code).toBe('conflict');
      expect(losers[0]!.body.message).toBe(
        `${winner === ana.id ? 'Ana Quick' : 'Bob Slow'} has this conversation now`,
      );
      const stored = await env.relay.services.conversations.get(
        { kind: 'agent', agentId: ana.id, name: 'x', siteIds: null },
        id,
      );
      expect(stored?.assigneeId).toBe(winner);
      expect(await events(id)).toEqual(['assigned']);

      // Resolving twice at once: one resolved event, one clear refusal.
      const [r1, r2] = await Promise.all([
        act(anaHttp, id, { action: 'resolve' }),
        act(bobHttp, id, { action: 'resolve' }),
      ]);
      expect([r1.status, r2.status].sort()).toEqual([200, 409]);
      expect(await events(id)).toEqual(['assigned', 'resolved']);
    }
  });

  it('a stale view cannot take a conversation a colleague transferred meanwhile', async () => {
    const { agent: ana, http: anaHttp } = await signedIn();
    const { agent: bob, http: bobHttp } = await signedIn();
    const { conversation } = await conversationWith('help');
    await act(anaHttp, conversation.id, { action: 'assign', assigneeId: ana.id, from: null });
    await act(anaHttp, conversation.id, {
      action: 'transfer',
      from: ana.id,
      to: { agentId: bob.id },
      note: 'yours',
    });
    const stale = await act(anaHttp, conversation.id, { action: 'unassign', from: ana.id });
    expect(stale.status).toBe(409);
    const bobsView = await act(bobHttp, conversation.id, { action: 'unassign', from: bob.id });
    expect(bobsView.status).toBe(200);
  });

  it('private notes reach agents only and list the agents @mentioned', async () => {
    const { agent, http } = await signedIn('agent', [env.site.id], 'Nora Noter');
    await signedIn('agent', [env.site.id], 'Mia Mentioned');
    const mia = (await env.relay.services.agents.list(agent)).find((a) => a.name === 'Mia Mentioned')!;
    const { conversation, visitor } = await conversationWith('hello');
    const seenByVisitor: Message[] = [];
    visitor.on('message', (m) => seenByVisitor.push(m));
    const { connectAgent } = await import('@parley/client');
    const client = connectAgent({ url: env.relay.url, extraHeaders: { cookie: http.cookie! } });
    open.push(client);
    await ready(client);
    const socket = client.socket as unknown as Socket;
    const note = (await socket.emitWithAck('note:send', {
      conversationId: conversation.id,
      clientMsgId: newClientId(),
      body: '@mia mentioned can you check the invoice?',
    })) as { ok: boolean; message: Message };
    expect(note.ok).toBe(true);
    expect(note.message).toMatchObject({ type: 'note', visibility: 'agents', author: { id: agent.id } });
    expect(note.message.data).toEqual({ name: 'mentioned', agentIds: [mia.id] });
    const bad = (await socket.emitWithAck('note:send', {
      conversationId: conversation.id,
      clientMsgId: 'x',
      body: 'hi',
    })) as {
      code: string;
    };
    expect(bad.code).toBe('bad_request');
    visitor.send(conversation.id, 'still there?');
    await eventually(() => expect(seenByVisitor.map((m) => m.body)).toContain('still there?'));
    expect(seenByVisitor.map((m) => m.type)).not.toContain('note');
    const sync = await visitor.socket.emitWithAck('sync', {
      conversations: [{ conversationId: conversation.id, afterSeq: 0 }],
    });
    expect(sync.ok && sync.messages.map((m) => m.type)).toEqual(['message', 'message']);
  });
});

describe('the inbox', () => {
  it('sorts into views with counts that follow every change', async () => {
    const { agent, http } = await signedIn('agent', [env.otherSite.id]);
    const other = await ready(
      visitorClient(env.relay.url, env.otherSite.publicKey, {
        extraHeaders: { origin: 'http://other.test' },
      }),
    );
    open.push(other);
    const start = async (text: string) => {
      const started = await other.start(newClientId());
      if (!started.ok) throw new Error(started.message);
      other.send(started.conversation.id, text);
      await eventually(() => expect(other.pending()).toHaveLength(0));
      return started.conversation.id;
    };
    const counts = async () =>
      (await http.get<{ counts: Record<string, number> }>('/api/inbox/counts')).body.counts;
    expect(await counts()).toEqual({ unassigned: 0, mine: 0, open: 0, snoozed: 0, resolved: 0 });
    const first = await start('first');
    const second = await start('second');
    const third = await start('third');
    expect(await counts()).toEqual({ unassigned: 3, mine: 0, open: 3, snoozed: 0, resolved: 0 });
    await act(http, first, { action: 'assign', assigneeId: agent.id, from: null });
    await act(http, second, { action: 'snooze', until: new Date(Date.now() + 60_000).toISOString() });
    await act(http, third, { action: 'resolve' });
    expect(await counts()).toEqual({ unassigned: 0, mine: 1, open: 1, snoozed: 1, resolved: 1 });
    const ids = async (query: string) =>
      (await http.get<{ items: InboxItem[] }>(`/api/inbox?${query}`)).body.items.map(
        (i) => i.conversation.id,
      );
    expect(await ids('view=mine')).toEqual([first]);
    expect(await ids('view=snoozed')).toEqual([second]);
    expect(await ids('view=resolved')).toEqual([third]);
    await act(http, first, { action: 'priority', priority: 'urgent' });
    await act(http, first, { action: 'tag', tag: 'vip' });
    expect(await ids('view=open&priority=urgent')).toEqual([first]);
    expect(await ids('view=open&tag=vip')).toEqual([first]);
    expect(await ids('view=open&tag=other')).toEqual([]);
    expect(await ids(`view=open&assigneeId=${agent.id}`)).toEqual([first]);
    expect(await ids('view=open&channel=email')).toEqual([]);
    // A visitor writing to a snoozed conversation brings it back.
    other.send(second, 'hello again');
    await eventually(async () => expect(await ids('view=snoozed')).toEqual([]));
    for (const bad of [
      'view=everything',
      'view=open&sort=random',
      'view=open&siteId=x',
      'view=open&$where=1',
    ]) {
      const r = await http.get(`/api/inbox?${bad}`);
      expect(r.status, bad).toBe(400);
      expect(r.body.code).toBe('bad_request');
    }
  });

  it('sorts by longest wait: unanswered visitors first, an agent reply ends the wait', async () => {
    const { agent, http } = await signedIn();
    const a = await conversationWith('waiting longest');
    const b = await conversationWith('waiting less');
    const order = async () =>
      (await http.get<{ items: InboxItem[] }>(`/api/inbox?view=open&sort=waiting`)).body.items.map(
        (i) => i.conversation.id,
      );
    const before = await order();
    expect(before.indexOf(a.conversation.id)).toBeLessThan(before.indexOf(b.conversation.id));
    const { connectAgent } = await import('@parley/client');
    const client = connectAgent({ url: env.relay.url, extraHeaders: { cookie: http.cookie! } });
    open.push(client);
    await ready(client);
    client.send(a.conversation.id, 'answered!');
    await eventually(() => expect(client.pending()).toHaveLength(0));
    const items = (await http.get<{ items: InboxItem[] }>(`/api/inbox?view=open&sort=waiting`)).body.items;
    const answered = items.find((i) => i.conversation.id === a.conversation.id)!;
    expect(answered.conversation.waitingSince).toBeNull();
    expect(answered.preview).toMatchObject({ body: 'answered!', author: { kind: 'agent', id: agent.id } });
    const after = items.map((i) => i.conversation.id);
    expect(after.indexOf(b.conversation.id)).toBeLessThan(after.indexOf(a.conversation.id));
  });

  it('finds transcripts by full-text search and shows the matching message', async () => {
    const { http } = await signedIn();
    const { conversation } = await conversationWith(
      'Hello',
      'My parcel to Timisoara never arrived',
      'Thanks',
    );
    const r = await http.get<{ items: InboxItem[] }>('/api/inbox?view=resolved&q=timisoara%20parcel');
    const hit = r.body.items.find((i) => i.conversation.id === conversation.id);
    expect(hit?.match).toMatchObject({ body: 'My parcel to Timisoara never arrived', seq: 2 });
    const none = await http.get<{ items: InboxItem[] }>('/api/inbox?view=open&q=zanzibarquux');
    expect(none.body.items).toEqual([]);
  });

  it('exports one conversation or a filtered set as JSON and CSV', async () => {
    const { http } = await signedIn();
    const { conversation } = await conversationWith('=HYPERLINK("http://evil")', 'Line, with "quotes"');
    const json = await http.get<{ conversations: { conversationId: string; messages: Message[] }[] }>(
      `/api/conversations/${conversation.id}/export?format=json`,
    );
    expect(json.headers.get('content-disposition')).toMatch(
      /attachment; filename="?conversation-[0-9a-f]{24}\.json"?/,
    );
    expect(json.body.conversations[0]!.messages.map((m) => m.body)).toEqual([
      '=HYPERLINK("http://evil")',
      'Line, with "quotes"',
    ]);
    const csv = await http.get(`/api/conversations/${conversation.id}/export?format=csv`);
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toBe('conversationId,seq,createdAt,type,visibility,channel,authorKind,authorName,body');
    expect(lines[1]).toMatch(/,"'=HYPERLINK\(""http:\/\/evil""\)"$/);
    expect(lines[2]).toMatch(/,"Line, with ""quotes"""$/);
    expect((await http.get(`/api/conversations/${conversation.id}/export?format=xml`)).status).toBe(400);
    const set = await http.get<{ conversations: { conversationId: string }[] }>(
      '/api/export?view=open&format=json',
    );
    expect(set.body.conversations.map((c) => c.conversationId)).toContain(conversation.id);
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('-1+2')).toBe(`"'-1+2"`);
  });
});

describe('balanced routing', () => {
  it('picks the agent with the fewest open conversations, under capacity, least recently assigned first', () => {
    const t = (s: number) => new Date(s * 1000);
    const pick = pickBalanced([
      { id: 'busy', open: 3, capacity: 8, lastAssignedAt: t(1) },
      { id: 'full', open: 1, capacity: 1, lastAssignedAt: t(1) },
      { id: 'recent', open: 1, capacity: 8, lastAssignedAt: t(50) },
      { id: 'waited', open: 1, capacity: 8, lastAssignedAt: t(10) },
    ]);
    expect(pick?.id).toBe('waited');
    expect(pickBalanced([{ id: 'full', open: 2, capacity: 2, lastAssignedAt: null }])).toBeNull();
  });

  it('assigns new chats of a balanced site to online agents only, spreading the load', async () => {
    const relay = await startTestRelay();
    try {
      const { site, agent: ana } = relay;
      const services = relay.relay.services;
      await services.siteAdmin.update(site.id, { assignment: 'balanced' });
      const bob = await services.agents.create({
        email: 'bob@route.test',
        name: 'Bob',
        role: 'agent',
        siteIds: [site.id],
      });
      const away = await services.agents.create({
        email: 'zed@route.test',
        name: 'Zed',
        role: 'agent',
        siteIds: [site.id],
      });
      await services.agents.setPresence(ana.agent.id, 'online');
      await services.agents.setPresence(bob.agent.id, 'online');
      await services.agents.setPresence(away.agent.id, 'away');
      // Each at the console: an online agent without one takes no chats.
      for (const { token } of [ana, bob, away]) {
        open.push(await ready(agentClient(relay.relay.url, token)));
      }
      // Admins see every site; keep this one offline so the pool is exactly Ana and Bob.
      await services.agents.setPresence(relay.admin.agent.id, 'offline');
      const assignees: (string | null)[] = [];
      for (let i = 0; i < 4; i++) {
        const visitor = await ready(visitorClient(relay.relay.url, site.publicKey));
        open.push(visitor);
        const started = await visitor.start(newClientId());
        if (!started.ok) throw new Error(started.message);
        visitor.send(started.conversation.id, `chat ${i}`);
        await eventually(async () => {
          const c = await services.conversations.get(
            { kind: 'visitor', visitorId: started.conversation.visitorId, siteId: site.id },
            started.conversation.id,
          );
          expect(c?.assigneeId).not.toBeNull();
          assignees.push(c!.assigneeId);
        });
      }
      const counts = new Map<string, number>();
      for (const id of assignees) counts.set(id!, (counts.get(id!) ?? 0) + 1);
      expect(counts.get(ana.agent.id)).toBe(2);
      expect(counts.get(bob.agent.id)).toBe(2);
      expect(counts.has(away.agent.id)).toBe(false);
      const first = (
        await services.conversations.timeline(
          (
            await services.inbox.list(
              { ...ana.agent, siteIds: [site.id] },
              { view: 'open', sort: 'activity' },
            )
          ).at(-1)!.conversation.id,
        )
      ).find((m) => m.type === 'event');
      expect(first).toMatchObject({
        author: { kind: 'system' },
        data: { name: 'assigned', automatic: true },
      });
    } finally {
      await relay.relay.close();
    }
  });
});

describe('snoozing and teams', () => {
  it('wakes a snoozed conversation when its time comes, as an event on the timeline', async () => {
    const { http } = await signedIn();
    const { conversation } = await conversationWith('remind me tomorrow');
    const until = new Date(Date.now() + 3600_000);
    await act(http, conversation.id, { action: 'snooze', until: until.toISOString() });
    const actions = env.relay.services.actions;
    expect(await actions.wakeSnoozed(new Date(until.getTime() - 1000))).toBe(0);
    expect(await actions.wakeSnoozed(new Date(until.getTime() + 1000))).toBeGreaterThanOrEqual(1);
    const stored = await env.relay.services.conversations.get(
      { kind: 'agent', agentId: 'x', name: 'x', siteIds: null },
      conversation.id,
    );
    expect(stored).toMatchObject({ status: 'open', snoozedUntil: null });
    expect(await events(conversation.id)).toEqual(['snoozed', 'unsnoozed']);
  });

  it('a transfer to a team of a balanced site goes to an online agent of that team', async () => {
    const relay = await startTestRelay();
    try {
      const services = relay.relay.services;
      await services.siteAdmin.update(relay.site.id, { assignment: 'balanced' });
      await services.agents.setPresence(relay.admin.agent.id, 'offline');
      const team = await services.agents.createTeam('Wholesale');
      if (!team.ok) throw new Error(team.message);
      const { agent: member, token: memberToken } = await services.agents.create({
        email: 'w@team.test',
        name: 'Wanda Wholesale',
        role: 'agent',
        siteIds: [relay.site.id],
      });
      await services.agents.update(member.id, { teamIds: [team.team.id] });
      const visitor = await ready(visitorClient(relay.relay.url, relay.site.publicKey));
      open.push(visitor);
      const started = await visitor.start(newClientId());
      if (!started.ok) throw new Error(started.message);
      // Nobody is online yet: the chat waits unassigned.
      visitor.send(started.conversation.id, 'I want 200 mugs');
      await eventually(() => expect(visitor.pending()).toHaveLength(0));
      // The routing the message started has found nobody before the member comes online.
      await services.routing.settled();
      open.push(await ready(agentClient(relay.relay.url, memberToken)));
      await services.agents.setPresence(member.id, 'online');
      const moved = await services.actions.apply(relay.agent.agent, started.conversation.id, {
        action: 'transfer',
        from: null,
        to: { teamId: team.team.id },
        note: 'Bulk order',
      });
      expect(moved.ok && moved.conversation.teamId).toBe(team.team.id);
      await eventually(async () => {
        const c = await services.conversations.get(
          { kind: 'agent', agentId: 'x', name: 'x', siteIds: null },
          started.conversation.id,
        );
        expect(c?.assigneeId).toBe(member.id);
      });
    } finally {
      await relay.relay.close();
    }
  });
});

describe('canned responses and sites', () => {
  it('keeps shared responses for everyone and personal ones for their owner', async () => {
    const { http: admin } = await signedIn('admin', []);
    const { http: ana } = await signedIn();
    const { http: bob } = await signedIn();
    expect((await ana.post('/api/canned', { shortcut: 'hi', body: 'Hello!', shared: true })).status).toBe(
      403,
    );
    expect(
      (await admin.post('/api/canned', { shortcut: 'greet', body: 'Hi {{visitor.name}}', shared: true }))
        .status,
    ).toBe(201);
    const mine = await ana.post<{ canned: { id: string } }>('/api/canned', {
      shortcut: 'mine',
      body: 'Ana here',
    });
    expect(mine.status).toBe(201);
    expect((await ana.post('/api/canned', { shortcut: 'mine', body: 'again' })).status).toBe(409);
    expect((await ana.post('/api/canned', { shortcut: 'Bad Shortcut', body: 'x' })).status).toBe(400);
    const list = async (http: ConsoleHttp) =>
      (await http.get<{ canned: { shortcut: string }[] }>('/api/canned')).body.canned.map((c) => c.shortcut);
    expect(await list(ana)).toEqual(expect.arrayContaining(['greet', 'mine']));
    expect(await list(bob)).not.toContain('mine');
    expect((await bob.request('DELETE', `/api/canned/${mine.body.canned.id}`)).status).toBe(403);
    expect((await ana.request('DELETE', `/api/canned/${mine.body.canned.id}`)).status).toBe(200);
  });

  it('lets admins edit a site and rotate its identity secret, shown once', async () => {
    const { http: admin } = await signedIn('admin', []);
    const { http: ana } = await signedIn();
    const sites = await admin.get<{ sites: { id: string; embedSnippet: string; identitySecret?: string }[] }>(
      '/api/sites',
    );
    const site = sites.body.sites.find((s) => s.id === env.site.id)!;
    expect(site.embedSnippet).toBe(
      `<script async src="http://relay.test/widget/loader.js" data-site="${env.site.publicKey}"></script>`,
    );
    expect(site.identitySecret).toBeUndefined();
    expect((await ana.request('PATCH', `/api/sites/${site.id}`, { name: 'Hijack' })).status).toBe(403);
    for (const bad of [
      { allowedOrigins: ['javascript:alert(1)'] },
      { allowedOrigins: ['https://x.test/path'] },
      { firstResponseTargetSec: 1 },
      { nope: 1 },
    ]) {
      expect((await admin.request('PATCH', `/api/sites/${site.id}`, bad)).status, JSON.stringify(bad)).toBe(
        400,
      );
    }
    // The relay's handshake copy of the site (cached) follows edits at once, not when it expires.
    const handshake = () => env.relay.services.sites.byPublicKey(env.site.publicKey);
    expect((await handshake())?.allowedOrigins).not.toContain('https://eu.shop.test');
    const saved = await admin.request<{
      site: { name: string; allowedOrigins: string[]; assignment: string };
    }>('PATCH', `/api/sites/${site.id}`, {
      name: 'Test Shop EU',
      allowedOrigins: ['http://shop.test', 'https://eu.shop.test'],
      assignment: 'manual',
      firstResponseTargetSec: 120,
    });
    expect(saved.body.site).toMatchObject({
      name: 'Test Shop EU',
      allowedOrigins: ['http://shop.test', 'https://eu.shop.test'],
    });
    expect((await handshake())?.allowedOrigins).toContain('https://eu.shop.test');
    const old = env.site.identitySecret;
    const rotated = await admin.post<{ identitySecret: string }>(`/api/sites/${site.id}/identity-secret`);
    expect(rotated.body.identitySecret).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(rotated.body.identitySecret).not.toBe(old);
    expect((await handshake())?.identitySecret).toBe(rotated.body.identitySecret);
    expect((await ana.post(`/api/sites/${site.id}/identity-secret`)).status).toBe(403);
  });
});
