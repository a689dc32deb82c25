// "Continue in the browser" on another device: the link from an email is exchanged, once, for a
// visitor token of that browser's own, which reaches the same conversation over a real socket;
// the first browser keeps working; replays, forgeries and malformed bodies are refused.
import { memoryStore, newClientId } from '@parley/client';
import type { MailboxEntry } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestRelay } from '../testing';
import { ready, visitorClient } from '../testing/clients';

let env: Awaited<ReturnType<typeof startTestRelay>>;
const open: { close(): void }[] = [];

beforeAll(async () => {
  env = await startTestRelay({
    inboundSmtpPort: 0,
    devMailbox: true,
    emailVerify: false,
    inboundDomain: 'parley.test',
    emailTickMs: 50,
  });
});
afterAll(async () => {
  for (const c of open) c.close();
  await env.relay.close();
});

async function post(path: string, body: unknown) {
  const response = await fetch(`${env.relay.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** A visitor whose conversation continues by email, and the link from the email they got. */
async function escalated(address: string) {
  const visitor = await ready(visitorClient(env.relay.url, env.site.publicKey));
  open.push(visitor);
  const started = await visitor.start(newClientId());
  if (!started.ok) throw new Error(started.message);
  const conversationId = started.conversation.id;
  visitor.send(conversationId, 'Please write to me.');
  const asked = await (
    visitor.socket as unknown as { emitWithAck(e: string, p: unknown): Promise<unknown> }
  ).emitWithAck('conversation:email', { conversationId, email: address });
  expect(asked).toMatchObject({ ok: true });
  let link = '';
  await vi.waitFor(
    async () => {
      const emails: MailboxEntry[] = await env.relay.services.email.mailbox({
        kind: 'agent',
        agentId: 'admin',
        name: 'Admin',
        siteIds: null,
      });
      const text = emails.find((e) => e.to.includes(address))?.text ?? '';
      link = /\/continue\/(\S+)/.exec(text)?.[1] ?? '';
      expect(link).not.toBe('');
    },
    { timeout: 15_000, interval: 25 },
  );
  return { visitor, conversationId, link };
}

describe('POST /api/email/continue', () => {
  it('names the conversation, and gives a new browser its own token once', async () => {
    const { visitor, conversationId, link } = await escalated('dev@example.com');
    const visitorId = visitor.session!.visitorId;

    const looked = await post('/api/email/continue', { token: link });
    expect(looked).toEqual({
      status: 200,
      body: { ok: true, conversationId, visitorId, siteKey: env.site.publicKey },
    });

    const exchanged = await post('/api/email/continue', { token: link, device: true });
    expect(exchanged.status).toBe(200);
    const visitorToken = String(exchanged.body.visitorToken);
    expect(visitorToken).toMatch(/^[\w-]{32}$/);

    // The new browser is the same visitor and sees the whole conversation.
    const store = memoryStore();
    store.setItem(`parley:${env.site.publicKey}:token`, visitorToken);
    const phone = await ready(visitorClient(env.relay.url, env.site.publicKey, { store }));
    open.push(phone);
    expect(phone.session?.visitorId).toBe(visitorId);
    expect(phone.timeline(conversationId).map((e) => e.body)).toContain('Please write to me.');

    // Once only: a forwarded email cannot mint another session.
    expect(await post('/api/email/continue', { token: link, device: true })).toMatchObject({
      status: 403,
      body: { ok: false, code: 'forbidden' },
    });
    // The first browser keeps its own token.
    const laptop = await ready(
      visitorClient(env.relay.url, env.site.publicKey, {
        store: (() => {
          const s = memoryStore();
          s.setItem(`parley:${env.site.publicKey}:token`, visitor.session!.token);
          return s;
        })(),
      }),
    );
    open.push(laptop);
    expect(laptop.session?.visitorId).toBe(visitorId);
  });

  it('refuses forged, malformed and missing links with clear codes', async () => {
    const { link } = await escalated('forge@example.com');
    const [payload, signature] = link.split('.');
    const forged = `${payload}.${signature!.slice(0, -2)}AA`;
    expect(await post('/api/email/continue', { token: forged, device: true })).toMatchObject({
      status: 401,
      body: { ok: false, code: 'unauthorized' },
    });
    expect(await post('/api/email/continue', {})).toMatchObject({
      status: 400,
      body: { ok: false, code: 'bad_request', message: expect.stringMatching(/^token:/) },
    });
    expect(await post('/api/email/continue', { token: link, device: 'yes' })).toMatchObject({
      status: 400,
      body: { code: 'bad_request' },
    });
    expect(await post('/api/email/continue', { token: link, extra: 1 })).toMatchObject({
      status: 400,
      body: { code: 'bad_request' },
    });
    expect(await post('/api/email/continue', { token: 'x'.repeat(600) })).toMatchObject({
      status: 400,
      body: { code: 'bad_request' },
    });
  });
});
