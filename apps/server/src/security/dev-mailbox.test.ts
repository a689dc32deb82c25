// The development Mailbox across sites (issue 12, item 6): an agent reads and answers only the
// caught mail of their own sites (with its continue links); admins see all of it.
import { randomUUID } from 'node:crypto';
import type { MailboxEntry } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Actor } from '../conversations/service';
import { sendOverSmtp } from '../email/testing';
import { emailConversation, startTestRelay } from '../testing';

let env: Awaited<ReturnType<typeof startTestRelay>>;

beforeAll(async () => {
  env = await startTestRelay({ inboundSmtpPort: 0, devMailbox: true, emailVerify: false, emailTickMs: 50 });
});
afterAll(async () => {
  await env?.relay.close();
});

const _admin = (): Actor => ({
  kind: 'agent',
  agentId: env.admin.agent.id,
  name: 'Ada Admin',
  siteIds: null,
});

async function api(path: string, token: string, body?: unknown) {
  const response = await fetch(`${env.relay.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const seen = async (token: string) =>
  ((await api('/api/email/mailbox', token)).body.emails as MailboxEntry[]).flatMap((e) => e.to);

/** A conversation of `siteId` continued by email; answers the address once its email was caught. */
async function escalated(siteId: string) {
  const address = `v-${randomUUID().slice(0, 8)}@example.com`;
  const { conversationId } = await emailConversation(env.relay, env.admin.agent, siteId, address, 'Hello');
  await vi.waitFor(async () => expect(await seen(env.admin.token)).toContain(address), { timeout: 15_000 });
  return { conversationId, address };
}

describe('the development Mailbox', () => {
  it('shows an agent only the mail of their sites, and answers only that', async () => {
    const mine = await escalated(env.site.id);
    const theirs = await escalated(env.otherSite.id);

    expect(await seen(env.agent.token)).toContain(mine.address);
    expect(await seen(env.agent.token)).not.toContain(theirs.address);
    expect(await seen(env.outsider.token)).toContain(theirs.address);
    expect(await seen(env.outsider.token)).not.toContain(mine.address);
    expect(await seen(env.admin.token)).toEqual(expect.arrayContaining([mine.address, theirs.address]));

    const entries = (await api('/api/email/mailbox', env.admin.token)).body.emails as MailboxEntry[];
    const myEntry = entries.find((e) => e.to.includes(mine.address))!;
    const refused = await api(`/api/email/mailbox/${myEntry.id}/reply`, env.outsider.token, {
      body: 'Written into another site’s conversation',
    });
    expect(refused).toMatchObject({ status: 404, body: { ok: false, code: 'not_found' } });

    const answered = await api(`/api/email/mailbox/${myEntry.id}/reply`, env.agent.token, {
      body: 'Thanks!',
    });
    expect(answered.status).toBe(200);
    await vi.waitFor(
      async () => {
        const bodies = (await env.relay.services.conversations.timeline(mine.conversationId))
          .filter((m) => m.author.kind === 'visitor')
          .map((m) => m.body);
        expect(bodies).toEqual(['Hello', 'Thanks!']);
      },
      { timeout: 15_000 },
    );
    expect(
      (await env.relay.services.conversations.timeline(theirs.conversationId)).filter(
        (m) => m.author.kind === 'visitor',
      ),
    ).toHaveLength(1);
  });

  it("shows another domain's mail (a meeting invite) to its site, by a mark only this relay can make", async () => {
    await env.relay.services.email.sendMail(
      { from: 'parley@parley.localhost', to: 'guest@example.com', subject: 'Your meeting', text: 'See you' },
      env.site.id,
    );
    await vi.waitFor(async () => expect(await seen(env.agent.token)).toContain('guest@example.com'), {
      timeout: 15_000,
    });
    expect(await seen(env.admin.token)).toContain('guest@example.com');
    expect(await seen(env.outsider.token)).not.toContain('guest@example.com');
  });

  it('keeps mail it cannot tie to a site, or whose mark is forged, for admins only', async () => {
    const port = env.relay.services.email.inboundPort!;
    await sendOverSmtp(port, {
      from: 'someone@example.com',
      to: 'nobody-site@example.com',
      subject: 'No site',
      text: 'hi',
    });
    await sendOverSmtp(port, {
      from: 'someone@example.com',
      to: 'forged-site@example.com',
      subject: 'Forged',
      text: 'hi',
      headers: { 'X-Parley-Mailbox-Site': `${env.site.id}.${'A'.repeat(43)}` },
    });
    await vi.waitFor(
      async () =>
        expect(await seen(env.admin.token)).toEqual(
          expect.arrayContaining(['nobody-site@example.com', 'forged-site@example.com']),
        ),
      { timeout: 15_000 },
    );
    expect(await seen(env.agent.token)).not.toContain('nobody-site@example.com');
    expect(await seen(env.agent.token)).not.toContain('forged-site@example.com');
  });
});
