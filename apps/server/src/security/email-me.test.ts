// "Email me instead" aimed at strangers (issue 12, item 9): the visitor's own words never reach an
// address they only typed until someone there answers (or opens the link), one address a day per
// visitor, and limits per visitor and per site.
import { newClientId } from '@parley/client';
import type { MailboxEntry } from '@parley/protocol';
import { ObjectId } from 'mongodb';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Actor } from '../conversations/service';
import { startTestRelay } from '../testing';
import { agentClient, ready, visitorClient } from '../testing/clients';

let env: Awaited<ReturnType<typeof startTestRelay>>;
const open: { close(): void }[] = [];

beforeAll(async () => {
  env = await startTestRelay({ inboundSmtpPort: 0, devMailbox: true, emailVerify: false, emailTickMs: 50 });
});
afterAll(async () => {
  for (const c of open) c.close();
  await env?.relay.close();
});

const eventually = (check: () => void | Promise<void>) =>
  vi.waitFor(check, { timeout: 15_000, interval: 25 });
const admin = (): Actor => ({ kind: 'agent', agentId: env.admin.agent.id, name: 'Ada Admin', siteIds: null });
const SPAM = 'Cheap watches at evil.test, click now';

async function visitorWith(siteKey = env.site.publicKey) {
  const visitor = await ready(visitorClient(env.relay.url, siteKey));
  open.push(visitor);
  const started = await visitor.start(newClientId());
  if (!started.ok) throw new Error(started.message);
  visitor.send(started.conversation.id, SPAM);
  await eventually(() => expect(visitor.pending()).toHaveLength(0));
  const socket = visitor.socket as unknown as Socket;
  const emailMe = (email: string) =>
    socket.emitWithAck('conversation:email', { conversationId: started.conversation.id, email }) as Promise<{
      ok: boolean;
      code?: string;
    }>;
  return { visitor, conversationId: started.conversation.id, emailMe };
}

const mailTo = async (address: string): Promise<MailboxEntry[]> =>
  (await env.relay.services.email.mailbox(admin())).filter((e) => e.to.includes(address)).reverse();

describe('"Email me instead" to an address the visitor only typed', () => {
  it('mails none of the visitor’s words until someone at the address answers', async () => {
    const { conversationId, emailMe } = await visitorWith();
    expect(await emailMe('stranger@example.com')).toMatchObject({ ok: true });
    let first: MailboxEntry | undefined;
    await eventually(async () => {
      first = (await mailTo('stranger@example.com'))[0];
      expect(first).toBeDefined();
    });
    expect(first!.text).not.toContain('Cheap watches');
    expect(first!.raw).not.toContain('evil.test');
    expect(first!.text).toContain('If you did not ask for this, you can ignore this email.');
    expect(first!.text).toMatch(/\/continue\/\S+/);

    // An agent's answer goes by email, still without the visitor's words.
    const agent = await ready(agentClient(env.relay.url, env.agent.token));
    open.push(agent);
    agent.send(conversationId, 'Hello, how can we help?');
    await eventually(async () => expect(await mailTo('stranger@example.com')).toHaveLength(2));
    const second = (await mailTo('stranger@example.com'))[1]!;
    expect(second.text).toContain('Hello, how can we help?');
    expect(second.text).not.toContain('Cheap watches');

    // The person at the address answers: it is theirs, and the recap may show the whole conversation.
    expect(
      await env.relay.services.email.replyAsVisitor(admin(), second.id, 'Yes, it was me.'),
    ).toMatchObject({
      ok: true,
    });
    await eventually(async () => {
      const bodies = (await env.relay.services.conversations.timeline(conversationId)).map((m) => m.body);
      expect(bodies).toContain('Yes, it was me.');
    });
    agent.send(conversationId, 'Great, here is the answer.');
    await eventually(async () => expect(await mailTo('stranger@example.com')).toHaveLength(3));
    expect((await mailTo('stranger@example.com'))[2]!.text).toContain('Cheap watches');
  });

  it('takes one address a day per visitor, a few asks per visitor, and a bounded number per site', async () => {
    const { emailMe } = await visitorWith();
    expect(await emailMe('first@example.com')).toMatchObject({ ok: true });
    expect(await emailMe('second@example.com')).toMatchObject({ ok: false, code: 'rate_limited' });
    expect(await emailMe('first@example.com')).toMatchObject({ ok: true });
    expect(await emailMe('first@example.com')).toMatchObject({ ok: true });
    expect(await emailMe('first@example.com')).toMatchObject({ ok: false, code: 'rate_limited' });
    await new Promise((settle) => setTimeout(settle, 300));
    expect(await mailTo('second@example.com')).toHaveLength(0);

    // A site whose visitors asked 30 times this hour takes no more, whoever asks.
    const busy = await env.relay.services.sites.create({
      name: 'Busy Shop',
      allowedOrigins: ['http://shop.test'],
    });
    await env.relay.connection.collection('emailmerequests').insertMany(
      Array.from({ length: 30 }, (_, i) => ({
        visitorId: new ObjectId(),
        siteId: new ObjectId(busy.id),
        address: `v${i}@example.com`,
        createdAt: new Date(),
      })),
    );
    const fresh = await visitorWith(busy.publicKey);
    expect(await fresh.emailMe('third@example.com')).toMatchObject({ ok: false, code: 'rate_limited' });
    expect(await mailTo('third@example.com')).toHaveLength(0);
  });
});
