// Meeting links as an attacker meets them: tokens nowhere but with their holder, timeline ids
// nobody can name, one answer for "no such meeting" and "wrong token", hosts only from the
// conversation's site, links that die when the meeting changes, link pages that cannot be framed.
import type { ChatClient } from '@parley/client';
import { newClientId } from '@parley/client';
import type { Meeting, MeetingLinks, Message, ScheduleInput, Slot } from '@parley/protocol';
import { ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Mailbox, startMailbox, to } from '../meetings/test-mailbox';
import { startTestRelay } from '../testing';
import { agentClient, ready, visitorClient } from '../testing/clients';
import { type RelayAnswer, relayCall } from '../testing/relay-call';

let env: Awaited<ReturnType<typeof startTestRelay>>;
let mailbox: Mailbox;
const clients: ChatClient[] = [];

const everyDay: ScheduleInput = {
  timeZone: 'Europe/Warsaw',
  weekly: ([0, 1, 2, 3, 4, 5, 6] as const).map((day) => ({ day, start: '08:00', end: '18:00' })),
  exceptions: [],
  lengths: [30],
};

const call = <T = Record<string, unknown>>(
  path: string,
  options: { body?: unknown; token?: string; form?: Record<string, string> } = {},
) => relayCall<T>(env.relay.url, path, options);

const local = (url: string) => url.replace('http://relay.test', '');

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

const links = (visitor: ChatClient, meetingId: string) => visitor.request('meeting:links', { meetingId });

async function slots(meetingId: string, token: string): Promise<Slot[]> {
  const answer = await call<{ slots: Slot[] }>(`/meetings/${meetingId}/slots?token=${token}&timeZone=UTC`);
  expect(answer.status).toBe(200);
  return answer.body.slots;
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

describe('meeting capability tokens', () => {
  it('never puts a token on the timeline: not in the store, a sync, the agent view, an export or a transcript', async () => {
    const email = 'tess@example.com';
    const { visitor, conversationId } = await chattingVisitor();
    const offered = await offer(conversationId);
    expect(offered.status).toBe(201);
    const meetingId = offered.body.meeting.id;

    const book = offered.body.links.book!;
    const free = await slots(meetingId, book);
    const booked = await call<{ links: MeetingLinks }>(`/meetings/${meetingId}/book`, {
      body: { token: book, start: free[2]!.start, timeZone: 'UTC', attendee: { name: 'Tess', email } },
    });
    expect(booked.status).toBe(201);
    const moved = await call<{ links: MeetingLinks }>(`/meetings/${meetingId}/reschedule`, {
      body: { token: booked.body.links.reschedule, start: free[6]!.start, timeZone: 'UTC' },
    });
    expect(moved.status).toBe(200);
    const tokens = [
      book,
      booked.body.links.reschedule!,
      booked.body.links.cancel!,
      moved.body.links.reschedule!,
      moved.body.links.cancel!,
    ];
    const signatures = tokens.map((token) => token.split('.')[1]!);

    const timeline = await env.relay.services.conversations.timeline(conversationId);
    expect(timeline.map((m) => m.data?.name)).toEqual([
      'meeting.offered',
      'meeting.booked',
      'meeting.rescheduled',
    ]);
    const visitorSync = await visitor.request('sync', {
      conversations: [{ conversationId, afterSeq: 0 }],
    });
    const desk = await ready(agentClient(env.relay.url, env.agent.token));
    clients.push(desk);
    const agentSync = await desk.request('sync', {
      conversations: [{ conversationId, afterSeq: 0 }],
    });
    const exported = await call(`/api/conversations/${conversationId}/export?format=json`, {
      token: env.agent.token,
    });
    const csv = await call(`/api/conversations/${conversationId}/export?format=csv`, {
      token: env.agent.token,
    });
    expect([exported.status, csv.status]).toEqual([200, 200]);
    const transcript = await call(`/api/email/conversations/${conversationId}/transcript`, {
      token: env.agent.token,
      body: { address: 'transcript@example.com' },
    });
    expect(transcript.status).toBe(200);
    const [mailed] = await mailbox.waitFor(1, to('transcript@example.com'));

    const views: [string, string][] = [
      ['stored timeline', JSON.stringify(timeline)],
      ['visitor sync', JSON.stringify(visitorSync)],
      ['agent sync', JSON.stringify(agentSync)],
      ['JSON export', exported.text],
      ['CSV export', csv.text],
      ['email transcript', `${mailed!.text}${mailed!.html || ''}`],
    ];
    for (const [view, text] of views) {
      for (const signature of signatures) expect(text, view).not.toContain(signature);
      expect(text, view).not.toMatch(/[?&]t=|Token"/);
    }
    // The emails still carry the links their reader acts through: the update has the new ones.
    const [update] = await mailbox.waitFor(
      1,
      (m) => to(email)(m) && /^Updated invitation/.test(m.subject ?? ''),
    );
    expect(update!.text).toContain(moved.body.links.reschedule!);
    expect(update!.text).toContain(moved.body.links.cancel!);
    // The widget gets them over the visitor's own socket.
    expect(await links(visitor, meetingId)).toEqual({ ok: true, links: moved.body.links });
  });

  it("gives a meeting's links only to its own visitor", async () => {
    const { conversationId } = await chattingVisitor();
    const offered = await offer(conversationId);
    const meetingId = offered.body.meeting.id;
    const { visitor: neighbour } = await chattingVisitor();
    const { visitor: stranger } = await chattingVisitor(env.otherSite.publicKey, 'http://other.test');
    const missing = await links(stranger, new ObjectId().toHexString());
    expect(missing).toMatchObject({ ok: false, code: 'not_found' });
    expect(await links(neighbour, meetingId)).toEqual(missing);
    expect(await links(stranger, meetingId)).toEqual(missing);
    expect(await links(stranger, { $ne: null } as unknown as string)).toMatchObject({
      ok: false,
      code: 'bad_request',
    });
  });

  it('files timeline events under client ids nobody can derive from the meeting id', async () => {
    const { conversationId } = await chattingVisitor();
    const offered = await offer(conversationId);
    const meetingId = offered.body.meeting.id;
    const [event] = (await env.relay.services.conversations.timeline(conversationId)) as Message[];
    expect(event!.data?.name).toBe('meeting.offered');
    expect(event!.clientMsgId).not.toBe(`mtg-${meetingId}-offered`);
    expect(event!.clientMsgId).toMatch(new RegExp(`^mtg-${meetingId}-offered-[A-Za-z0-9_-]{16}$`));
    // Chosen with the change and kept, so the server's own retry files it under the same id.
    const stored = await env.relay.connection
      .collection('meetings')
      .findOne({ _id: new ObjectId(meetingId) });
    expect(stored!.timelineIds).toEqual({ offered: event!.clientMsgId });
    // A visitor of another site retrying with the id the old scheme would have used finds nothing.
    const { visitor: stranger } = await chattingVisitor(env.otherSite.publicKey, 'http://other.test');
    const probe = await stranger.request('message:send', {
      conversationId,
      clientMsgId: `mtg-${meetingId}-offered`,
      body: 'x',
      retry: true,
    });
    expect(probe.ok).toBe(false);
  });

  it('answers a missing meeting exactly as a wrong token, on every visitor route', async () => {
    const { conversationId } = await chattingVisitor();
    const offered = await offer(conversationId);
    const real = offered.body.meeting.id;
    const missing = new ObjectId().toHexString();
    const wrong = `${offered.body.links.book!.split('.')[0]}.${'A'.repeat(43)}`;
    const start = new Date(Date.now() + 3 * 86_400_000).toISOString();
    const probes: [string, (id: string) => Promise<RelayAnswer<unknown>>][] = [
      ['slots', (id) => call(`/meetings/${id}/slots?token=${wrong}&timeZone=UTC`)],
      [
        'book',
        (id) =>
          call(`/meetings/${id}/book`, {
            body: { token: wrong, start, timeZone: 'UTC', attendee: { name: 'M', email: 'm@example.com' } },
          }),
      ],
      [
        'reschedule',
        (id) => call(`/meetings/${id}/reschedule`, { body: { token: wrong, start, timeZone: 'UTC' } }),
      ],
      ['cancel', (id) => call(`/meetings/${id}/cancel`, { body: { token: wrong } })],
      ['book page', (id) => call(`/meetings/${id}/book?t=${wrong}&tz=UTC`)],
      ['reschedule page', (id) => call(`/meetings/${id}/reschedule?t=${wrong}&tz=UTC`)],
      ['cancel page', (id) => call(`/meetings/${id}/cancel?t=${wrong}`)],
      [
        'book form',
        (id) =>
          call(`/meetings/${id}/book/form`, {
            form: { t: wrong, tz: 'UTC', start, name: 'M', email: 'm@example.com' },
          }),
      ],
      [
        'reschedule form',
        (id) => call(`/meetings/${id}/reschedule/form`, { form: { t: wrong, tz: 'UTC', start } }),
      ],
      ['cancel form', (id) => call(`/meetings/${id}/cancel/form`, { form: { t: wrong } })],
    ];
    for (const [name, probe] of probes) {
      const [forMissing, forWrongToken] = [await probe(missing), await probe(real)];
      expect(forWrongToken.status, name).toBeGreaterThanOrEqual(400);
      expect([forMissing.status, forMissing.text], name).toEqual([forWrongToken.status, forWrongToken.text]);
    }
  });
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

describe('links after a change', () => {
  it('retires the reschedule and cancel links of a meeting that moved; the new ones work', async () => {
    const email = 'rosa@example.com';
    const { conversationId } = await chattingVisitor();
    const offered = await offer(conversationId);
    const meetingId = offered.body.meeting.id;
    const free = await slots(meetingId, offered.body.links.book!);
    const booked = await call<{ links: MeetingLinks }>(`/meetings/${meetingId}/book`, {
      body: {
        token: offered.body.links.book,
        start: free[1]!.start,
        timeZone: 'UTC',
        attendee: { name: 'Rosa', email },
      },
    });
    expect(booked.status).toBe(201);
    const old = booked.body.links;
    const moved = await call<{ links: MeetingLinks }>(`/meetings/${meetingId}/reschedule`, {
      body: { token: old.reschedule, start: free[5]!.start, timeZone: 'UTC' },
    });
    expect(moved.status).toBe(200);

    const forged = `${old.cancel!.split('.')[0]}.${'A'.repeat(43)}`;
    const invalid = await call(`/meetings/${meetingId}/cancel`, { body: { token: forged } });
    expect(invalid.status).toBe(403);
    expect(await call(`/meetings/${meetingId}/cancel`, { body: { token: old.cancel } })).toMatchObject({
      status: invalid.status,
      body: invalid.body,
    });
    expect(
      await call(`/meetings/${meetingId}/reschedule`, {
        body: { token: old.reschedule, start: free[8]!.start, timeZone: 'UTC' },
      }),
    ).toMatchObject({ status: invalid.status, body: invalid.body });
    expect((await call(`/meetings/${meetingId}/slots?token=${old.reschedule}&timeZone=UTC`)).body).toEqual(
      invalid.body,
    );
    const oldPage = await call(`/meetings/${meetingId}/cancel?t=${old.cancel}`);
    expect(oldPage.status).toBe(403);

    // The update email carries the links that work now.
    const [update] = await mailbox.waitFor(
      1,
      (m) => to(email)(m) && /^Updated invitation/.test(m.subject ?? ''),
    );
    const rescheduleUrl = /Need another time\? (\S+)/.exec(update!.text ?? '')![1]!;
    expect(rescheduleUrl).toContain(moved.body.links.reschedule!);
    const page = await call(`${local(rescheduleUrl)}&tz=UTC`);
    expect(page.status).toBe(200);
    const stored = await env.relay.connection
      .collection('meetings')
      .findOne({ _id: new ObjectId(meetingId) });
    expect(stored).toMatchObject({ status: 'booked', sequence: 1, start: new Date(free[5]!.start) });
    const cancelled = await call(`/meetings/${meetingId}/cancel`, {
      body: { token: moved.body.links.cancel },
    });
    expect(cancelled.status).toBe(200);
    // Cancelling retires the links too.
    expect(
      await call(`/meetings/${meetingId}/cancel`, { body: { token: moved.body.links.cancel } }),
    ).toMatchObject({ status: invalid.status, body: invalid.body });
  });
});

describe('meetings from before tokens left the timeline', () => {
  it('get a new link key once, so the tokens their timeline entries carry are dead', async () => {
    const { visitor, conversationId } = await chattingVisitor();
    const offered = await offer(conversationId);
    const meetingId = offered.body.meeting.id;
    // As such a meeting was stored: no timeline ids, and its book token readable on the timeline.
    const meetings = env.relay.connection.collection('meetings');
    await meetings.updateOne({ _id: new ObjectId(meetingId) }, { $unset: { timelineIds: '' } });
    const leaked = offered.body.links.book!;
    expect(await env.relay.services.meetings.retireTimelineTokens()).toBe(1);
    expect(await env.relay.services.meetings.retireTimelineTokens()).toBe(0);
    const refused = await call(`/meetings/${meetingId}/slots?token=${leaked}&timeZone=UTC`);
    expect(refused.status).toBe(403);
    const fresh = await links(visitor, meetingId);
    expect(fresh.ok && fresh.links.book).not.toBe(leaked);
    expect(await slots(meetingId, fresh.ok ? fresh.links.book! : '')).not.toHaveLength(0);
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
