// Continue links after their thread moved to another address (issue 12, item 12): links sent to
// the old address stop working, and so do the browser sessions they were exchanged for.
import { memoryStore, newClientId } from '@parley/client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Actor } from '../conversations/service';
import { startTestRelay } from '../testing';
import { ready, visitorClient } from '../testing/clients';

let env: Awaited<ReturnType<typeof startTestRelay>>;
const open: { close(): void }[] = [];

beforeAll(async () => {
  env = await startTestRelay({ inboundSmtpPort: 0, devMailbox: true, emailVerify: false, emailTickMs: 50 });
});
afterAll(async () => {
  for (const c of open) c.close();
  await env?.relay.close();
});

const admin = (): Actor => ({ kind: 'agent', agentId: env.admin.agent.id, name: 'Ada Admin', siteIds: null });

async function post(path: string, body: unknown) {
  const response = await fetch(`${env.relay.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** The continue link in the newest email the Mailbox caught for `address`. */
async function linkSentTo(address: string): Promise<string> {
  let link = '';
  await vi.waitFor(
    async () => {
      const mail = (await env.relay.services.email.mailbox(admin())).find((e) => e.to.includes(address));
      link = /\/continue\/(\S+)/.exec(mail?.text ?? '')?.[1] ?? '';
      expect(link).not.toBe('');
    },
    { timeout: 15_000, interval: 25 },
  );
  return link;
}

const browserWith = (token: string) => {
  const store = memoryStore();
  store.setItem(`parley:${env.site.publicKey}:token`, token);
  return store;
};

describe('a continue link whose thread moved to another address', () => {
  it('no longer opens the conversation, and the session it gave another browser ends', async () => {
    const visitor = await ready(visitorClient(env.relay.url, env.site.publicKey));
    open.push(visitor);
    const started = await visitor.start(newClientId());
    if (!started.ok) throw new Error(started.message);
    const conversationId = started.conversation.id;
    const visitorId = visitor.session!.visitorId;
    visitor.send(conversationId, 'Write to me, please.');
    await vi.waitFor(() => expect(visitor.pending()).toHaveLength(0));

    const moved = await env.relay.services.email.continueByEmail(admin(), conversationId, 'old@example.com');
    expect(moved).toMatchObject({ ok: true });
    const oldLink = await linkSentTo('old@example.com');
    const exchanged = await post('/api/email/continue', { token: oldLink, device: true });
    expect(exchanged.status).toBe(200);
    const phoneToken = String(exchanged.body.visitorToken);
    const phone = await ready(
      visitorClient(env.relay.url, env.site.publicKey, { store: browserWith(phoneToken) }),
    );
    open.push(phone);
    expect(phone.session?.visitorId).toBe(visitorId);
    phone.close();

    // The agent continues at another address: the thread gets a new reply token.
    expect(
      await env.relay.services.email.continueByEmail(admin(), conversationId, 'new@example.com'),
    ).toMatchObject({ ok: true });
    const newLink = await linkSentTo('new@example.com');

    expect(await post('/api/email/continue', { token: oldLink })).toMatchObject({
      status: 401,
      body: { ok: false, code: 'unauthorized' },
    });
    expect((await fetch(`${env.relay.url}/continue/${oldLink}`, { redirect: 'manual' })).status).toBe(404);
    const again = await ready(
      visitorClient(env.relay.url, env.site.publicKey, { store: browserWith(phoneToken) }),
    );
    open.push(again);
    expect(again.session?.visitorId).not.toBe(visitorId);

    // The link sent to the new address works, and the visitor's first browser is untouched.
    expect(await post('/api/email/continue', { token: newLink })).toMatchObject({
      status: 200,
      body: { ok: true, conversationId, visitorId },
    });
    const laptop = await ready(
      visitorClient(env.relay.url, env.site.publicKey, { store: browserWith(visitor.session!.token) }),
    );
    open.push(laptop);
    expect(laptop.session?.visitorId).toBe(visitorId);
  });
});
