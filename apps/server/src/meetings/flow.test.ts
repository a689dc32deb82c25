import type { ChatClient, TimelineEntry } from '@parley/client';
import { newClientId } from '@parley/client';
import type { Meeting, MeetingLinks, Message, ScheduleInput, Slot } from '@parley/protocol';
import { ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestRelay } from '../testing';
import { ready, visitorClient } from '../testing/clients';
import { relayCall } from '../testing/relay-call';
import { signLink } from './links';
import { calendarPart, type Mailbox, readInvite, startMailbox, to } from './test-mailbox';

let env: Awaited<ReturnType<typeof startTestRelay>>;
let mailbox: Mailbox;
const clients: ChatClient[] = [];

const weekdaysAndWeekend: ScheduleInput = {
  timeZone: 'Europe/Warsaw',
  weekly: ([0, 1, 2, 3, 4, 5, 6] as const).map((day) => ({ day, start: '08:00', end: '18:00' })),
  exceptions: [],
  lengths: [30],
};
const VISITOR = 'vera@example.com';

const call = <T = Record<string, unknown>>(
  path: string,
  options: { body?: unknown; token?: string; form?: Record<string, string> } = {},
) => relayCall<T>(env.relay.url, path, options);

/** Links in emails name the public URL; the test relay listens elsewhere. */
const local = (url: string) => url.replace('http://relay.test', env.relay.url);

beforeAll(async () => {
  mailbox = await startMailbox();
  env = await startTestRelay({ smtpUrl: mailbox.url });
  await env.relay.services.meetings.saveSchedule(env.agent.agent, weekdaysAndWeekend);
  await env.relay.services.meetings.saveSettings(env.site.id, {
    minNoticeMinutes: 60,
    horizonDays: 14,
    bufferMinutes: 15,
    slotStepMinutes: 30,
    reminderMinutes: [24 * 60, 60],
    link: { kind: 'video', pattern: 'https://video.shop.test/room/{room}' },
  });
});
afterAll(async () => {
  for (const client of clients) client.close();
  await env.relay.close();
  await mailbox.close();
});

async function chattingVisitor(lines: string[]): Promise<{ visitor: ChatClient; conversationId: string }> {
  const visitor = await ready(visitorClient(env.relay.url, env.site.publicKey));
  clients.push(visitor);
  const started = await visitor.start(newClientId());
  if (!started.ok) throw new Error(started.message);
  const conversationId = started.conversation.id;
  for (const line of lines) visitor.send(conversationId, line);
  await vi.waitFor(() => expect(visitor.pending()).toHaveLength(0), { timeout: 10_000 });
  return { visitor, conversationId };
}

/** What a client holds that the server stored, leaving out what is still being sent. */
const stored = (entries: readonly TimelineEntry[]): Message[] =>
  entries.filter(
    (e): e is Extract<TimelineEntry, { seq: number }> => e.status === 'sent' || e.status === 'seen',
  );
const names = (messages: readonly Message[]) =>
  messages.filter((m) => m.type === 'event').map((m) => m.data?.name);

describe('a chat escalated to a meeting, end to end over SMTP', () => {
  it('offers, books, invites, reschedules from the link, records the outcome and mails the summary', async () => {
    const { visitor, conversationId } = await chattingVisitor([
      'Hi there',
      'My CSV import stops at 1000 rows. Is there a limit on imports?',
      'The import file is a CSV export from our warehouse',
    ]);

    // The agent starts from a prefilled agenda and edits it.
    const draft = await call<{ agenda: string; lastQuestion: string; topics: string[] }>(
      `/api/meetings/agenda?conversationId=${conversationId}`,
      { token: env.agent.token },
    );
    expect(draft.body.lastQuestion).toBe('My CSV import stops at 1000 rows. Is there a limit on imports?');
    expect(draft.body.topics.slice(0, 2)).toEqual(['csv', 'import']);
    const agenda = `${draft.body.agenda}\nBring a sample file.`;
    const offered = await call<{ meeting: Meeting; links: MeetingLinks }>('/api/meetings/offers', {
      token: env.agent.token,
      body: { conversationId, lengthMinutes: 30, agenda, title: 'Import limits' },
    });
    expect(offered.status).toBe(201);
    const meetingId = offered.body.meeting.id;

    // The widget sees the offer on the timeline, and asks for the token its slot picker uses.
    await vi.waitFor(() =>
      expect(names(stored(visitor.timeline(conversationId)))).toContain('meeting.offered'),
    );
    const card = stored(visitor.timeline(conversationId)).find((m) => m.data?.name === 'meeting.offered')!;
    expect(card.data).toMatchObject({ meetingId, lengthMinutes: 30, agenda });
    const asked = await visitor.request('meeting:links', { meetingId });
    expect(asked).toEqual({ ok: true, links: { book: offered.body.links.book } });
    const bookToken = asked.ok ? asked.links.book! : '';

    const picker = await call<{ slots: Slot[] }>(
      `/meetings/${meetingId}/slots?token=${bookToken}&timeZone=America/New_York`,
    );
    const chosen = picker.body.slots[4]!;
    const booked = await call<{ meeting: Meeting; links: MeetingLinks }>(`/meetings/${meetingId}/book`, {
      body: {
        token: bookToken,
        start: chosen.start,
        timeZone: 'America/New_York',
        attendee: { name: 'Vera Visitor', email: VISITOR },
      },
    });
    expect(booked.status).toBe(201);
    expect(booked.body.meeting).toMatchObject({
      status: 'booked',
      start: chosen.start,
      agentId: env.agent.agent.id,
    });
    expect(booked.body.meeting.link?.url).toMatch(/^https:\/\/video\.shop\.test\/room\/[A-Za-z0-9_-]{12}$/);

    // Both invitations arrive; a real iCalendar parser reads the same meeting out of each.
    const [visitorInvite] = await mailbox.waitFor(1, to(VISITOR));
    const [agentInvite] = await mailbox.waitFor(1, to(env.agent.agent.email));
    const uid = `meeting-${meetingId}@relay.test`;
    for (const mail of [visitorInvite!, agentInvite!]) {
      expect(mail.subject).toMatch(/^Invitation: Import limits — /);
      const ics = readInvite(calendarPart(mail));
      expect(ics).toMatchObject({
        method: 'REQUEST',
        uid,
        sequence: 0,
        organizer: `mailto:${env.agent.agent.email}`,
        attendees: [`mailto:${VISITOR}`],
        location: booked.body.meeting.link!.url,
      });
      expect(ics.start.toISOString()).toBe(chosen.start);
      expect(ics.end.toISOString()).toBe(chosen.end);
      expect(ics.description).toContain('Bring a sample file.');
    }
    // Each reader sees the time in their own zone.
    expect(visitorInvite!.subject).toContain(`${chosen.label.split(', ')[1]}–`);
    expect(visitorInvite!.subject).toContain('(America/New_York)');
    expect(agentInvite!.subject).toContain('(Europe/Warsaw)');
    expect(agentInvite!.text).not.toContain('/reschedule?t=');

    // The visitor reschedules from the link in the invite email.
    const rescheduleLink = /Need another time\? (\S+)/.exec(visitorInvite!.text ?? '')![1]!;
    const pickPage = await call(`${local(rescheduleLink)}&tz=America/New_York`);
    expect(pickPage.status).toBe(200);
    const offeredTimes = [...pickPage.text.matchAll(/name="start" value="([^"]+)"/g)].map((m) => m[1]!);
    expect(offeredTimes).toContain(chosen.start);
    const newStart = offeredTimes.find(
      (t) => new Date(t).getTime() > new Date(chosen.start).getTime() + 3 * 3_600_000,
    )!;
    const token = new URL(rescheduleLink).searchParams.get('t')!;
    const moved = await call(`/meetings/${meetingId}/reschedule/form`, {
      form: { t: token, tz: 'America/New_York', start: newStart },
    });
    expect(moved.status).toBe(200);
    expect(moved.text).toContain('The meeting is set for');

    const updates = await mailbox.waitFor(2, (m) => m.subject?.startsWith('Updated invitation') ?? false);
    for (const mail of updates) {
      const ics = readInvite(calendarPart(mail));
      expect(ics).toMatchObject({ method: 'REQUEST', uid, sequence: 1 });
      expect(ics.start.toISOString()).toBe(newStart);
    }
    // The old time is free again, the new one is not.
    const afterMove = await env.relay.services.meetings.slotsForAgent(env.agent.agent, meetingId, 'UTC');
    expect(afterMove.ok && afterMove.meeting.sequence).toBe(1);

    // The agent's week shows it.
    const week = await call<{ meetings: Meeting[] }>(
      `/api/meetings/upcoming?range=week&timeZone=Europe/Warsaw&from=${newStart.slice(0, 10)}`,
      { token: env.agent.token },
    );
    expect(week.body.meetings.map((m) => m.id)).toContain(meetingId);

    // After the call: the outcome, the summary email, and all of it on the timeline.
    const outcome = await call<{ meeting: Meeting }>(`/api/meetings/${meetingId}/outcome`, {
      token: env.agent.token,
      body: {
        notes: 'The importer caps files at 1000 rows on the Basic plan.',
        decisions: ['Split the warehouse export into files of 1000 rows'],
        actionItems: [{ text: 'Send the split script', owner: 'Ana Agent', due: '2026-12-01' }],
      },
    });
    expect(outcome.status).toBe(200);
    expect(outcome.body.meeting.status).toBe('completed');
    const [summary] = await mailbox.waitFor(1, (m) => m.subject === 'Summary: Import limits');
    expect(summary!.text).toContain('The importer caps files at 1000 rows on the Basic plan.');
    expect(summary!.text).toContain('- Split the warehouse export into files of 1000 rows');
    expect(summary!.text).toContain('- Send the split script (owner: Ana Agent, due 2026-12-01)');
    expect([summary!.to].flat().flatMap((a) => a!.value.map((v) => v.address))).toEqual([VISITOR]);

    const timeline = await env.relay.services.conversations.timeline(conversationId);
    expect(names(timeline)).toEqual([
      'meeting.offered',
      'meeting.booked',
      'meeting.rescheduled',
      'meeting.outcome',
    ]);
    expect(timeline.find((m) => m.data?.name === 'meeting.rescheduled')!.data).toMatchObject({
      start: newStart,
      previousStart: chosen.start,
      sequence: 1,
      by: 'visitor',
    });
    await vi.waitFor(() =>
      expect(names(stored(visitor.timeline(conversationId)))).toContain('meeting.outcome'),
    );
    expect(timeline.at(-1)!.body).toContain('Action items:');
  });

  it('cancels with METHOD:CANCEL and a higher SEQUENCE, and refuses expired and forged links', async () => {
    const { conversationId } = await chattingVisitor(['Can we talk about a refund?']);
    const offered = await call<{ meeting: Meeting; links: MeetingLinks }>('/api/meetings/offers', {
      token: env.agent.token,
      body: { conversationId, lengthMinutes: 30, agenda: 'Refund' },
    });
    const meetingId = offered.body.meeting.id;
    const picker = await call<{ slots: Slot[] }>(
      `/meetings/${meetingId}/slots?token=${offered.body.links.book}&timeZone=Europe/Bucharest`,
    );
    const email = 'rick@example.com';
    const booked = await call<{ meeting: Meeting; links: MeetingLinks }>(`/meetings/${meetingId}/book`, {
      body: {
        token: offered.body.links.book,
        start: picker.body.slots[0]!.start,
        timeZone: 'Europe/Bucharest',
        attendee: { name: 'Rick', email },
      },
    });
    expect(booked.status).toBe(201);
    await mailbox.waitFor(1, to(email));

    // A link signed with the meeting's own key but already expired, and one signed with another key.
    const stored = await env.relay.connection
      .collection('meetings')
      .findOne({ _id: new ObjectId(meetingId) });
    const expired = signLink(stored!.linkKey as string, meetingId, 'cancel', new Date(Date.now() - 1000));
    const forged = signLink('not-the-key', meetingId, 'cancel', new Date(Date.now() + 86_400_000));
    expect(await call(`/meetings/${meetingId}/cancel`, { body: { token: expired } })).toMatchObject({
      status: 403,
      body: { code: 'forbidden', message: 'this link has expired' },
    });
    expect(await call(`/meetings/${meetingId}/cancel`, { body: { token: forged } })).toMatchObject({
      status: 403,
      body: { code: 'forbidden', message: expect.stringMatching(/^this link is not valid/) },
    });
    const forgedPage = await call(`/meetings/${meetingId}/cancel?t=${forged}`);
    expect(forgedPage.status).toBe(403);
    expect(forgedPage.text).toContain('this link is not valid');
    // The book token cannot cancel either.
    expect(
      (await call(`/meetings/${meetingId}/cancel`, { body: { token: offered.body.links.book } })).status,
    ).toBe(403);
    expect(
      await env.relay.connection.collection('meetings').findOne({ _id: new ObjectId(meetingId) }),
    ).toMatchObject({
      status: 'booked',
      sequence: 0,
    });

    const cancelled = await call<{ meeting: Meeting }>(`/meetings/${meetingId}/cancel`, {
      body: { token: booked.body.links.cancel, reason: 'Solved by email' },
    });
    expect(cancelled).toMatchObject({ status: 200, body: { meeting: { status: 'cancelled', sequence: 1 } } });
    const cancellations = await mailbox.waitFor(
      2,
      (m) => m.subject?.startsWith('Cancelled: Call with Ana Agent') ?? false,
    );
    for (const mail of cancellations) {
      expect(readInvite(calendarPart(mail))).toMatchObject({
        method: 'CANCEL',
        uid: `meeting-${meetingId}@relay.test`,
        sequence: 1,
        status: 'CANCELLED',
      });
    }
    // Cancelling twice, or moving a cancelled meeting, is refused: its links died with it.
    expect(
      (await call(`/meetings/${meetingId}/cancel`, { body: { token: booked.body.links.cancel } })).status,
    ).toBe(403);
    const again = await call(`/meetings/${meetingId}/reschedule`, {
      body: { token: booked.body.links.reschedule, start: picker.body.slots[1]!.start, timeZone: 'UTC' },
    });
    expect(again.status).toBe(403);
    // Its time is free again.
    const next = await call<{ meeting: Meeting; links: MeetingLinks }>('/api/meetings/offers', {
      token: env.agent.token,
      body: { conversationId, lengthMinutes: 30, agenda: 'Refund, again' },
    });
    const free = await call<{ slots: Slot[] }>(
      `/meetings/${next.body.meeting.id}/slots?token=${next.body.links.book}&timeZone=UTC`,
    );
    expect(free.body.slots.map((s) => s.start)).toContain(picker.body.slots[0]!.start);

    const timeline = await env.relay.services.conversations.timeline(conversationId);
    expect(names(timeline)).toEqual([
      'meeting.offered',
      'meeting.booked',
      'meeting.cancelled',
      'meeting.offered',
    ]);
  });

  it("books from the link page, in the reader's zone", async () => {
    const { conversationId } = await chattingVisitor(['Could someone call me about my order?']);
    const offered = await call<{ meeting: Meeting; links: MeetingLinks }>('/api/meetings/offers', {
      token: env.agent.token,
      body: { conversationId, lengthMinutes: 30, agenda: 'Order 1042' },
    });
    // The link an agent hands on from the offer (the timeline does not carry it).
    const link = `http://relay.test/meetings/${offered.body.meeting.id}/book?t=${offered.body.links.book}`;

    const first = await call(local(link));
    expect(first.status).toBe(200);
    expect(first.text).toContain('location.replace');
    const page = await call(`${local(link)}&tz=Asia/Kathmandu`);
    expect(page.text).toContain('Times in Asia/Kathmandu.');
    const options = [...page.text.matchAll(/value="([^"]+)" required> (\d\d:\d\d)/g)];
    // Kathmandu is 3:45 ahead of Warsaw in summer and 4:45 in winter: quarter-hour local times.
    expect(options.length).toBeGreaterThan(0);
    expect(options.every(([, , time]) => time!.endsWith(':45') || time!.endsWith(':15'))).toBe(true);
    const booked = await call(`/meetings/${offered.body.meeting.id}/book/form`, {
      form: {
        t: new URL(link).searchParams.get('t')!,
        tz: 'Asia/Kathmandu',
        start: options[0]![1]!,
        name: 'Kiran',
        email: 'kiran@example.com',
      },
    });
    expect(booked.status).toBe(200);
    expect(booked.text).toContain('(Asia/Kathmandu)');
    const [mail] = await mailbox.waitFor(1, to('kiran@example.com'));
    expect(readInvite(calendarPart(mail!)).start.toISOString()).toBe(options[0]![1]!);
    // The same link cannot book it twice.
    const again = await call(`/meetings/${offered.body.meeting.id}/book/form`, {
      form: {
        t: new URL(link).searchParams.get('t')!,
        tz: 'UTC',
        start: options[1]![1]!,
        name: 'K',
        email: 'k@example.com',
      },
    });
    // Booking spent the link.
    expect(again.status).toBe(403);
    expect(again.text).toContain('this link is not valid');
  });
});
