// Found in review (issue 12): visitors are told only their view of a conversation, never the
// agents' own fields, on every path a conversation reaches them (acks, sync, announcements).
import type { Conversation, VisitorConversation } from '@parley/protocol';
import { VISITOR_CONVERSATION_FIELDS } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { resolveConversation, startTestRelay } from '../testing';
import { agentClient, ready, visitorClient } from '../testing/clients';

let env: Awaited<ReturnType<typeof startTestRelay>>;
const open: { close(): void }[] = [];
const AGENTS_ONLY = [
  'tags',
  'priority',
  'assigneeId',
  'teamId',
  'snoozedUntil',
  'waitingSince',
  'firstResponseAt',
];

beforeAll(async () => {
  env = await startTestRelay();
});
afterAll(async () => {
  for (const c of open) c.close();
  await env.relay.close();
});

function expectVisitorView(conversation: object, where: string) {
  const allowed: readonly string[] = VISITOR_CONVERSATION_FIELDS;
  for (const field of Object.keys(conversation)) expect(allowed, `${where}: ${field}`).toContain(field);
  for (const field of AGENTS_ONLY) expect(conversation, where).not.toHaveProperty(field);
}

describe("a visitor's view of its conversation", () => {
  it('leaves out tags, priority, assignee and team in acks, sync and announcements', async () => {
    const visitor = await ready(visitorClient(env.relay.url, env.site.publicKey));
    const agent = await ready(agentClient(env.relay.url, env.agent.token));
    open.push(visitor, agent);
    const heard: VisitorConversation[] = [];
    visitor.socket.on('conversation', (c) => heard.push(c));
    const toldAgents: Conversation[] = [];
    agent.socket.on('conversation', (c) => toldAgents.push(c));

    const started = await visitor.socket.emitWithAck('conversation:start', { startKey: 'view-start-1' });
    if (!started.ok) throw new Error(started.message);
    expectVisitorView(started.conversation, 'conversation:start');
    const id = started.conversation.id;
    await visitor.socket.emitWithAck('message:send', {
      conversationId: id,
      clientMsgId: 'visitor-msg-1',
      body: 'hi',
    });

    const { services } = env.relay;
    const team = await services.agents.createTeam('Returns');
    if (!team.ok) throw new Error(team.message);
    await services.agents.update(env.agent.agent.id, { teamIds: [team.team.id] });
    const { agent: me } = env.agent;
    for (const action of [
      { action: 'tag', tag: 'vip-refund' },
      { action: 'priority', priority: 'urgent' },
      { action: 'assign', assigneeId: me.id, from: null },
      { action: 'transfer', from: me.id, to: { teamId: team.team.id }, note: 'returns desk' },
    ] as const) {
      const applied = await services.actions.apply({ ...me, teamIds: [team.team.id] }, id, action);
      expect(applied.ok).toBe(true);
    }
    await vi.waitFor(() => expect(toldAgents.some((c) => c.teamId === team.team.id)).toBe(true));
    expect(toldAgents.at(-1)).toMatchObject({ tags: ['vip-refund'], priority: 'urgent' });

    const synced = await visitor.socket.emitWithAck('sync', {
      conversations: [{ conversationId: id, afterSeq: 0 }],
    });
    if (!synced.ok) throw new Error(synced.message);
    expect(synced.conversations.map((c) => c.id)).toContain(id);
    for (const c of synced.conversations) expectVisitorView(c, 'sync');

    await resolveConversation(env.relay, env.agent.agent, id);
    const rated = await visitor.socket.emitWithAck('conversation:rate', { conversationId: id, score: 5 });
    if (!rated.ok) throw new Error(rated.message);
    expectVisitorView(rated.conversation, 'conversation:rate');

    const offline = await visitor.socket.emitWithAck('offline:submit', {
      startKey: 'view-start-2',
      clientMsgId: 'visitor-msg-2',
      email: 'jane@example.com',
      body: 'please write back',
    });
    if (!offline.ok) throw new Error(offline.message);
    expectVisitorView(offline.conversation, 'offline:submit');

    await vi.waitFor(() => expect(heard.length).toBeGreaterThanOrEqual(5));
    for (const c of heard) expectVisitorView(c, 'conversation event');
    expect(JSON.stringify(heard)).not.toContain('vip-refund');
  });
});
