// Meeting links as an attacker meets them: tokens nowhere but with their holder, timeline ids
// nobody can name, one answer for "no such meeting" and "wrong token", hosts only from the
// conversation's site, links that die when the meeting changes, link pages that cannot be framed.
import type { ChatClient } from '@parley/client';
import { newClientId } from '@parley/client';
import type { Meeting, MeetingLinks, ScheduleInput } from '@parley/protocol';
import { ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Mailbox, startMailbox } from '../meetings/test-mailbox';
import { startTestRelay } from '../testing';
import { ready, visitorClient } from '../testing/clients';

let env: Awaited<ReturnType<typeof startTestRelay>>;
let mailbox: Mailbox;
const clients: ChatClient[] = [];

const everyDay: ScheduleInput = {
  timeZone: 'Europe/Warsaw',
  weekly: ([0, 1, 2, 3, 4, 5, 6] as const).map((day) => ({ day, start: '08:00', end: '18:00' })),
  exceptions: [],
  lengths: [30],
};

interface Answer<T> {
  status: number;
  body: T & { ok: boolean; code?: string; message?: string };
  text: string;
  headers: Headers;
}

async function call<T = Record<string, unknown>>(
  path: string,
  options: { body?: unknown; token?: string; form?: Record<string, string> } = {},
): Promise<Answer<T>> {
  const response = await fetch(`${env.relay.url}${path}`, {
    method: options.body || options.form ? 'POST' : 'GET',
    headers: {
      ...(options.body ? { 'content-type': 'application/json' } : {}),
      ...(options.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    },
    ...(options.body ? { body: JSON.stringify(options.body) } : {}),
    ...(options.form ? { body: new URLSearchParams(options.form).toString() } : {}),
  });
  const text = await response.text();
  const json = response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : {};
  return { status: response.status, body: json, text, headers: response.headers };
}

async function chattingVisitor(siteKey = env.site.publicKey, origin?: string) {
  const visitor = await ready(
    visitorClient(env.relay.url, siteKey, origin ? { extraHeaders: { origin } } : {}),
  );
  clients.push(visitor);
  const started = await visitor.start(newClientId());
  if (!started.ok) throw new Error(started.message);
  return { visitor, conversationId: started.conversation.id };
}

async function offer(conversationId: string, extra: Record<string, unknown> = {}) {
  return call<{ meeting: Meeting; links: MeetingLinks }>('/api/meetings/offers', {
    token: env.agent.token,
    body: { conversationId, lengthMinutes: 30, agenda: 'Import limits', ...extra },
  });
}

beforeAll(async () => {
  mailbox = await startMailbox();
  env = await startTestRelay({ smtpUrl: mailbox.url });
  await env.relay.services.meetings.saveSchedule(env.agent.agent, everyDay);
  // The outsider (an agent of the other site) keeps hours too, so only the site rule can refuse them.
  await env.relay.services.meetings.saveSchedule(env.outsider.agent, everyDay);
});
afterAll(async () => {
  for (const client of clients) client.close();
  await env.relay.close();
  await mailbox.close();
});

describe('meeting hosts', () => {
  it("refuses a host who does not answer the conversation's site, whether or not they exist", async () => {
    const { conversationId } = await chattingVisitor();
    const foreign = await offer(conversationId, { agentIds: [env.agent.agent.id, env.outsider.agent.id] });
    expect(foreign).toMatchObject({ status: 400, body: { ok: false, code: 'bad_request' } });
    expect(foreign.body.message).toContain(env.outsider.agent.id);
    const ghost = new ObjectId().toHexString();
    const unknown = await offer(conversationId, { agentIds: [ghost] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toBe(foreign.body.message!.replace(env.outsider.agent.id, ghost));
    expect(await env.relay.services.conversations.timeline(conversationId)).toEqual([]);
    // An admin answers every site; the agent itself hosts without naming anyone.
    await env.relay.services.meetings.saveSchedule(env.admin.agent, everyDay);
    expect((await offer(conversationId, { agentIds: [env.admin.agent.id] })).status).toBe(201);
  });
});

describe('meeting link pages', () => {
  it('cannot be framed by another site', async () => {
    const { conversationId } = await chattingVisitor();
    const offered = await offer(conversationId);
    const pages = [
      await call(`/meetings/${offered.body.meeting.id}/book?t=${offered.body.links.book}&tz=UTC`),
      await call(`/meetings/${offered.body.meeting.id}/cancel?t=${offered.body.links.book}`),
    ];
    expect(pages[0]!.status).toBe(200);
    for (const page of pages) {
      expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(page.headers.get('x-frame-options')).toBe('DENY');
    }
  });
});
