// The unseen-reply fallback: an agent's chat replies the visitor has not seen within the delay go
// out as one email, nothing goes if they were seen, and a restart neither loses nor doubles it.
import { randomUUID } from 'node:crypto';
import { newClientId } from '@parley/client';
import { ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { startRelay } from '../app';
import type { Actor } from '../conversations/service';
import { connectDatabase } from '../db/connect';
import { createServices } from '../services';
import { resolveConversation, startTestRelay, testConfig } from '../testing';
import { agentClient, ready, visitorClient } from '../testing/clients';
import { startCatcher } from './testing';

const DELAY_MS = 1_000;
const DOMAIN = 'parley.test';
let env: Awaited<ReturnType<typeof startTestRelay>>;
let catcher: Awaited<ReturnType<typeof startCatcher>>;
const open: { close(): void }[] = [];

const emailSettings = () => ({
  smtpUrl: catcher.url,
  inboundDomain: DOMAIN,
  emailFallbackMs: DELAY_MS,
  emailTickMs: 50,
  emailRecoverAfterMs: 1_000,
});

beforeAll(async () => {
  catcher = await startCatcher();
  env = await startTestRelay(emailSettings());
});
afterAll(async () => {
  for (const c of open) c.close();
  await env.relay.close();
  await catcher.close();
});

const eventually = (check: () => void | Promise<void>) =>
  vi.waitFor(check, { timeout: 15_000, interval: 25 });
const mailTo = (address: string) => catcher.mail.filter((m) => m.envelope.to.includes(address));

/** Waits for the conversation's pending fallback to exist, then to be done with. */
async function fallbackRuns(relay: typeof env.relay, conversationId: string) {
  const jobs = () =>
    relay.connection
      .collection('emailjobs')
      .countDocuments({ conversationId: new ObjectId(conversationId), kind: 'fallback' });
  await eventually(async () => expect(await jobs()).toBe(1));
  await eventually(async () => expect(await jobs()).toBe(0));
}

async function chatWithEmail() {
  const visitor = await ready(visitorClient(env.relay.url, env.site.publicKey));
  const agent = await ready(agentClient(env.relay.url, env.agent.token));
  open.push(visitor, agent);
  const started = await visitor.start(newClientId());
  if (!started.ok) throw new Error(started.message);
  const conversationId = started.conversation.id;
  const address = `sam-${randomUUID().slice(0, 8)}@example.com`;
  await env.relay.services.visitors.setEmail(started.conversation.visitorId, address);
  visitor.send(conversationId, 'Do you ship to Norway?');
  await eventually(() => expect(visitor.pending()).toHaveLength(0));
  await agent.follow(conversationId);
  return { visitor, agent, conversationId, address };
}

describe('unseen-reply fallback', () => {
  it('sends several unseen replies once, as one email', async () => {
    const { agent, conversationId, address } = await chatWithEmail();
    const replies = ['Yes, we do!', 'Shipping takes 3-5 days.', 'Anything else I can help with?'];
    for (const reply of replies) agent.send(conversationId, reply);
    await fallbackRuns(env.relay, conversationId);

    const sent = mailTo(address);
    expect(sent).toHaveLength(1);
    const text = sent[0]!.parsed.text ?? '';
    for (const reply of replies) expect(text).toContain(reply);
    expect(sent[0]!.parsed.replyTo?.value[0]?.address).toMatch(
      new RegExp(`^reply\\+[0-9a-f]{32}@${DOMAIN}$`),
    );
    const timeline = await env.relay.services.conversations.timeline(conversationId);
    expect(timeline.filter((m) => m.data?.name === 'email_fallback_sent')).toEqual([
      expect.objectContaining({ visibility: 'agents', body: expect.stringContaining('3 unseen replies') }),
    ]);
    // The conversation stays a chat: only the unseen replies went by email.
    expect((await env.relay.services.conversations.byId(conversationId))?.channel).toBe('chat');
  });

  it('sends nothing when the visitor saw the replies in the widget', async () => {
    const { visitor, agent, conversationId, address } = await chatWithEmail();
    agent.send(conversationId, 'Yes, we do!');
    agent.send(conversationId, 'Shipping takes 3-5 days.');
    await eventually(() => expect(visitor.timeline(conversationId)).toHaveLength(3));
    await visitor.markSeen(conversationId);
    await fallbackRuns(env.relay, conversationId);
    expect(mailTo(address)).toHaveLength(0);
  });

  it('emails only the replies the visitor has not seen', async () => {
    const { visitor, agent, conversationId, address } = await chatWithEmail();
    agent.send(conversationId, 'First answer, seen in the widget.');
    await eventually(() => expect(visitor.timeline(conversationId)).toHaveLength(2));
    await visitor.markSeen(conversationId);
    agent.send(conversationId, 'Second answer, after the visitor left.');
    await fallbackRuns(env.relay, conversationId);
    const sent = mailTo(address);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.parsed.text).toContain('Second answer, after the visitor left.');
    expect(sent[0]!.parsed.text?.split('Earlier in this conversation:')[0]).not.toContain('First answer');
  });

  it('emails the transcript on resolve when the site asks for it', async () => {
    const put = (token: string, body: unknown) =>
      fetch(`${env.relay.url}/api/email/sites/${env.site.id}/settings`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await put(env.agent.token, { transcriptOnResolve: true })).status).toBe(403);
    expect((await put(env.admin.token, { transcriptOnResolve: 'yes' })).status).toBe(400);
    const saved = await put(env.admin.token, { transcriptOnResolve: true });
    expect(await saved.json()).toEqual({ ok: true, settings: { transcriptOnResolve: true } });

    const { visitor, conversationId, address } = await chatWithEmail();
    visitor.send(conversationId, 'Thanks, that is all.');
    await eventually(() => expect(visitor.pending()).toHaveLength(0));
    await resolveConversation(env.relay, env.agent.agent, conversationId);
    await eventually(() => expect(mailTo(address)).toHaveLength(1));
    const [transcript] = mailTo(address);
    expect(transcript!.parsed.headers.get('auto-submitted')).toBe('auto-generated');
    expect(transcript!.parsed.text).toContain('Do you ship to Norway?');
    expect(transcript!.parsed.text).toContain('Thanks, that is all.');
    expect(transcript!.parsed.replyTo?.value[0]?.address).toMatch(/^reply\+[0-9a-f]{32}@/);
    await put(env.admin.token, { transcriptOnResolve: false });
  });

  it('is still sent for a reply whose relay stopped right after storing it', async () => {
    const { conversationId, address } = await chatWithEmail();
    // Another relay over the same store stores the agent's reply and stops before anything
    // hears of it: no fallback was scheduled, only the mark stored with the reply says so.
    const dbName = env.relay.connection.name;
    const connection = await connectDatabase(inject('mongodbUri'), dbName);
    const other = createServices(connection, testConfig({ dbName, redisUrl: 'redis://127.0.0.1:1' }));
    other.email.oweReplies(); // as its email workers did when it started
    const agent: Actor = {
      kind: 'agent',
      agentId: env.agent.agent.id,
      name: 'Ana Agent',
      siteIds: [env.site.id],
    };
    const stored = await other.conversations.append(agent, {
      conversationId,
      clientMsgId: randomUUID(),
      body: 'Yes, we ship to Norway.',
    });
    await connection.close();
    if (!stored.ok) throw new Error(stored.message);
    const messages = env.relay.connection.collection('messages');
    const pendingOf = async () => (await messages.findOne({ _id: new ObjectId(stored.message.id) }))?.pending;
    expect(await pendingOf()).toEqual(['email']);

    // This relay's worker finds the mark, schedules the fallback, and the unseen reply is emailed once.
    await fallbackRuns(env.relay, conversationId);
    expect(mailTo(address)).toHaveLength(1);
    expect(mailTo(address)[0]!.parsed.text).toContain('Yes, we ship to Norway.');
    expect(await pendingOf()).toBeUndefined();
  });

  it('clears the marks of replies on the usual path in bulk, soon after', async () => {
    const { agent, conversationId } = await chatWithEmail();
    const { conversations } = env.relay.services;
    const messages = env.relay.connection.collection('messages');
    // Each bulk write, and how many of this conversation's replies were still marked just before it.
    let markedBefore = 0;
    const clear = conversations.settle.bind(conversations);
    const settle = vi.spyOn(conversations, 'settle').mockImplementation(async (ids, name) => {
      markedBefore += await messages.countDocuments({
        conversationId: new ObjectId(conversationId),
        pending: name,
      });
      return clear(ids, name);
    });
    for (const reply of ['One', 'Two', 'Three']) agent.send(conversationId, reply);
    await eventually(() => expect(agent.pending()).toHaveLength(0));
    await eventually(async () =>
      expect(
        await messages.countDocuments({
          conversationId: new ObjectId(conversationId),
          pending: { $exists: true },
        }),
      ).toBe(0),
    );
    // The three were marked, and their marks went in bulk: at most two writes (a burst may span two).
    const replies = agent
      .timeline(conversationId)
      .flatMap((m) => ('id' in m && m.author.kind === 'agent' ? [m.id] : []));
    const calls = settle.mock.calls.filter(([ids]) => ids.some((id) => replies.includes(id)));
    expect(calls.flatMap(([ids]) => ids.filter((id) => replies.includes(id))).sort()).toEqual(
      [...replies].sort(),
    );
    expect(calls.length).toBeLessThanOrEqual(2);
    expect(markedBefore).toBeGreaterThanOrEqual(replies.length);
    settle.mockRestore();
  });

  it('survives a restart without losing or doubling the email, with two relays taking over', async () => {
    const first = await startTestRelay(emailSettings());
    const dbName = first.relay.connection.name;
    const { services } = first.relay;
    const { visitor } = await services.visitors.mint(first.site.id);
    const address = `restart-${randomUUID().slice(0, 8)}@example.com`;
    await services.visitors.setEmail(visitor.id, address);
    const { conversation } = await services.conversations.start(
      { visitorId: visitor.id, siteId: first.site.id },
      randomUUID(),
    );
    const agent: Actor = { kind: 'agent', agentId: first.agent.agent.id, name: 'Ana Agent', siteIds: null };
    await services.conversations.append(agent, {
      conversationId: conversation.id,
      clientMsgId: randomUUID(),
      body: 'Your parcel left the warehouse.',
    });
    const jobs = (relay: typeof first.relay) =>
      relay.connection
        .collection('emailjobs')
        .countDocuments({ conversationId: new ObjectId(conversation.id) });
    await eventually(async () => expect(await jobs(first.relay)).toBe(1));
    await first.relay.close();
    expect(mailTo(address)).toHaveLength(0);

    const [second, third] = await Promise.all([
      startRelay(testConfig({ ...emailSettings(), dbName })),
      startRelay(testConfig({ ...emailSettings(), dbName })),
    ]);
    try {
      await eventually(async () => {
        expect(await jobs(second)).toBe(0);
        expect(mailTo(address)).toHaveLength(1);
      });
      // Both relays keep running their workers a while longer: still one email.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(mailTo(address)).toHaveLength(1);
      expect(mailTo(address)[0]!.parsed.text).toContain('Your parcel left the warehouse.');
    } finally {
      await Promise.all([second.close(), third.close()]);
    }
  });
});
