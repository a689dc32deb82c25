import { newClientId } from '@parley/client';
import type { Meeting, MeetingLinks, ScheduleInput, Slot } from '@parley/protocol';
import { ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRelay } from '../testing';
import { type Mailbox, startMailbox } from './test-mailbox';

let env: Awaited<ReturnType<typeof startTestRelay>>;
let mailbox: Mailbox;

// Every day 09:00-17:00 in Warsaw, so the tests do not depend on the weekday they run on.
const everyDay: ScheduleInput = {
  timeZone: 'Europe/Warsaw',
  weekly: ([0, 1, 2, 3, 4, 5, 6] as const).map((day) => ({ day, start: '09:00', end: '17:00' })),
  exceptions: [],
  lengths: [30, 60],
};

async function call<T = Record<string, unknown>>(
  path: string,
  options: { method?: string; body?: unknown; token?: string } = {},
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${env.relay.url}${path}`, {
    method: options.method ?? (options.body ? 'POST' : 'GET'),
    headers: {
      ...(options.body ? { 'content-type': 'application/json' } : {}),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    },
    ...(options.body ? { body: JSON.stringify(options.body) } : {}),
  });
  return { status: response.status, body: (await response.json()) as T };
}

async function conversation(): Promise<string> {
  const { visitor } = await env.relay.services.visitors.mint(env.site.id);
  const { conversation } = await env.relay.services.conversations.start(
    { visitorId: visitor.id, siteId: env.site.id },
    newClientId(),
  );
  return conversation.id;
}

type Offer = { meeting: Meeting; links: MeetingLinks };

async function offer(body: Record<string, unknown> = {}): Promise<Offer> {
  const { status, body: result } = await call<Offer>('/api/meetings/offers', {
    token: env.agent.token,
    body: { conversationId: await conversation(), lengthMinutes: 30, agenda: 'Import review', ...body },
  });
  expect(status).toBe(201);
  return result;
}

async function slots(offered: Offer, timeZone = 'America/New_York'): Promise<Slot[]> {
  const { status, body } = await call<{ slots: Slot[] }>(
    `/meetings/${offered.meeting.id}/slots?token=${offered.links.book}&timeZone=${encodeURIComponent(timeZone)}`,
  );
  expect(status).toBe(200);
  return body.slots;
}

const book = (offered: Offer, start: string, extra: Record<string, unknown> = {}) =>
  call<{ ok: boolean; code?: string; message?: string; slots?: Slot[]; meeting?: Meeting }>(
    `/meetings/${offered.meeting.id}/book`,
    {
      body: {
        token: offered.links.book,
        start,
        timeZone: 'America/New_York',
        attendee: { name: 'Vera Visitor', email: 'vera@example.com' },
        ...extra,
      },
    },
  );

/** The same token with the last character of its signature changed. */
const forge = (token: string) => `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;

async function busyOf(agentId: string) {
  const schedule = await env.relay.connection
    .collection('meetingschedules')
    .findOne({ agentId: new ObjectId(agentId) });
  return (schedule?.busy ?? []) as { start: Date; confirmed: boolean }[];
}

beforeAll(async () => {
  mailbox = await startMailbox();
  env = await startTestRelay({ smtpUrl: mailbox.url });
  await env.relay.services.meetings.saveSchedule(env.agent.agent, everyDay);
  await env.relay.services.meetings.saveSchedule(env.admin.agent, everyDay);
});
afterAll(async () => {
  await env.relay.close();
  await mailbox.close();
});

describe('booking', () => {
  it('lets exactly one of 50 simultaneous bookings of one slot win; the 49 others get conflict and fresh slots', async () => {
    const offers = await Promise.all(Array.from({ length: 50 }, () => offer()));
    const free = await slots(offers[0]!);
    const wanted = free[3]!.start;

    const results = await Promise.all(offers.map((o) => book(o, wanted)));

    const won = results.filter((r) => r.status === 201);
    const lost = results.filter((r) => r.status === 409);
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(49);
    for (const refusal of lost) {
      expect(refusal.body).toMatchObject({
        ok: false,
        code: 'conflict',
        message: 'that time was just taken; pick another',
      });
      expect(refusal.body.slots!.length).toBeGreaterThan(0);
      expect(refusal.body.slots!.map((s) => s.start)).not.toContain(wanted);
    }
    expect(won[0]!.body.meeting).toMatchObject({
      status: 'booked',
      start: wanted,
      agentId: env.agent.agent.id,
    });
    const busy = (await busyOf(env.agent.agent.id)).filter((b) => b.start.toISOString() === wanted);
    expect(busy).toEqual([expect.objectContaining({ confirmed: true })]);
    const booked = await env.relay.connection
      .collection('meetings')
      .countDocuments({ status: 'booked', start: new Date(wanted) });
    expect(booked).toBe(1);
    // The slot is gone for everyone else, including the buffer after it. (Asked of an offer that
    // lost: the winner's book link no longer lists slots, its meeting is booked.)
    const loser = offers[results.findIndex((r) => r.status === 409)]!;
    expect((await slots(loser)).map((s) => s.start)).not.toContain(wanted);
  });

  it('books an offer once when 50 tabs take the same slot together', async () => {
    const offered = await offer();
    const wanted = (await slots(offered))[5]!.start;
    const results = await Promise.all(Array.from({ length: 50 }, () => book(offered, wanted)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    // Tabs that raced the booking hear of the conflict; any that came after, of a spent link.
    const refused = results.filter(
      (r) =>
        (r.status === 409 && r.body.code === 'conflict') || (r.status === 403 && r.body.code === 'forbidden'),
    );
    expect(refused).toHaveLength(49);
    const entries = (await busyOf(env.agent.agent.id)).filter((b) => b.start.toISOString() === wanted);
    expect(entries).toHaveLength(1);
  });

  it('refuses bad bookings clearly and changes nothing', async () => {
    const offered = await offer();
    const free = await slots(offered);
    const busyBefore = await busyOf(env.agent.agent.id);
    const offGrid = new Date(new Date(free[0]!.start).getTime() + 10 * 60_000).toISOString();
    const refusals = [
      [await book(offered, offGrid), 400, 'that time is not one of the offered slots'],
      [
        await book(offered, new Date(Date.now() - 3_600_000).toISOString()),
        400,
        'that time has already passed',
      ],
      [
        await book(offered, free[0]!.start, { timeZone: 'Mars/Olympus_Mons' }),
        400,
        'timeZone: must be an IANA time zone',
      ],
      [
        await book(offered, free[0]!.start, { token: forge(offered.links.book!) }),
        403,
        'this link is not valid',
      ],
      [
        await book(offered, free[0]!.start, { attendee: { name: 'V', email: 'not-an-email' } }),
        400,
        'attendee.email',
      ],
    ] as const;
    for (const [result, status, message] of refusals) {
      expect(result.status).toBe(status);
      expect(result.body.ok).toBe(false);
      expect(result.body.message).toContain(message);
    }
    // A token of another offer does not open this one.
    const other = await offer();
    const crossed = await book(offered, free[0]!.start, { token: other.links.book });
    expect(crossed).toMatchObject({ status: 403, body: { code: 'forbidden' } });
    // A meeting that does not exist answers as a wrong token does.
    const unknown = await call(
      `/meetings/65f1c0ffee0000000000abcd/slots?token=1.${'A'.repeat(43)}&timeZone=UTC`,
    );
    expect(unknown).toEqual(crossed);
    const malformed = await call(`/meetings/${offered.meeting.id}/slots?token=1.x&timeZone=UTC`);
    expect(malformed).toMatchObject({ status: 400, body: { message: 'token: malformed link token' } });

    const stored = await env.relay.services.meetings.slotsForLink(
      offered.meeting.id,
      offered.links.book!,
      'UTC',
    );
    expect(stored.ok && stored.meeting.status).toBe('offered');
    expect(await busyOf(env.agent.agent.id)).toHaveLength(busyBefore.length);
    const events = await env.relay.services.conversations.timeline(offered.meeting.conversationId);
    expect(events.map((e) => e.data?.name)).toEqual(['meeting.offered']);

    // The console finds the open offer on its conversation and under the inbox's "meeting" filter.
    const listed = await call<{ meetings: Meeting[] }>(
      `/api/meetings/conversation/${offered.meeting.conversationId}`,
      {
        token: env.agent.token,
      },
    );
    expect(listed.body.meetings).toEqual([
      expect.objectContaining({ id: offered.meeting.id, status: 'offered' }),
    ]);
    const { meetings } = env.relay.services;
    expect(await meetings.conversationsWithMeetings(env.agent.agent)).toContain(
      offered.meeting.conversationId,
    );
    expect(await meetings.conversationsWithMeetings(env.outsider.agent)).toEqual([]);
  });

  it('answers an outsider and a conversation of another site with not_found', async () => {
    const result = await call('/api/meetings/offers', {
      token: env.outsider.token,
      body: { conversationId: await conversation(), lengthMinutes: 30, agenda: 'x' },
    });
    expect(result).toMatchObject({ status: 404, body: { ok: false, code: 'not_found' } });
    const noAuth = await call('/api/meetings/offers', {
      body: { conversationId: await conversation(), lengthMinutes: 30, agenda: 'x' },
    });
    expect(noAuth.status).toBe(401);
    const noHours = await call('/api/meetings/offers', {
      token: env.agent.token,
      body: { conversationId: await conversation(), lengthMinutes: 45, agenda: 'x' },
    });
    expect(noHours).toMatchObject({
      status: 400,
      body: { message: 'no one on this offer takes 45-minute meetings' },
    });
  });

  it('books a team round-robin: the least-booked member who is free', async () => {
    const team = [env.agent.agent.id, env.admin.agent.id];
    // The agent has more bookings than the admin, whatever ran before this test.
    const booked = (agentId: string) =>
      env.relay.connection
        .collection('meetings')
        .countDocuments({ agentId: new ObjectId(agentId), status: 'booked' });
    while ((await booked(env.agent.agent.id)) <= (await booked(env.admin.agent.id))) {
      const own = await offer({ agentIds: [env.agent.agent.id] });
      expect((await book(own, (await slots(own))[0]!.start)).status).toBe(201);
    }
    const first = await offer({ agentIds: team, lengthMinutes: 60 });
    const free = await slots(first);
    const a = await book(first, free.at(-1)!.start);
    expect(a.body.meeting?.agentId).toBe(env.admin.agent.id);
    const second = await offer({ agentIds: team, lengthMinutes: 60 });
    const stillFree = await slots(second);
    // The admin is taken at that time, the agent is not: the slot is still offered, to the agent.
    expect(stillFree.map((s) => s.start)).toContain(free.at(-1)!.start);
    const b = await book(second, free.at(-1)!.start);
    expect(b.body.meeting?.agentId).toBe(env.agent.agent.id);
    const third = await offer({ agentIds: team, lengthMinutes: 60 });
    expect((await slots(third)).map((s) => s.start)).not.toContain(free.at(-1)!.start);
  });

  it('saves schedules and site rules through the console API, refusing bad ones without a change', async () => {
    const put = (path: string, body: unknown, token: string) => call(path, { method: 'PUT', body, token });
    const before = await call<{ schedule: { timeZone: string } }>('/api/meetings/schedule', {
      token: env.agent.token,
    });
    expect(before.body.schedule.timeZone).toBe('Europe/Warsaw');
    const refusals = [
      [{ ...everyDay, timeZone: 'Europe/Atlantis' }, 'timeZone: must be an IANA time zone'],
      [
        { ...everyDay, weekly: [{ day: 1, start: '17:00', end: '09:00' }] },
        'a range must end after it starts',
      ],
      [{ ...everyDay, weekly: [{ day: 7, start: '09:00', end: '17:00' }] }, 'weekly.0.day'],
      [{ ...everyDay, exceptions: [{ date: '2026-02-30', hours: [] }] }, 'must be a real calendar date'],
      [{ ...everyDay, lengths: [] }, 'lengths'],
      [
        {
          ...everyDay,
          exceptions: [
            { date: '2026-12-24', hours: [] },
            { date: '2026-12-24', hours: [{ start: '10:00', end: '12:00' }] },
          ],
        },
        'one exception per date',
      ],
    ] as const;
    for (const [body, message] of refusals) {
      const result = await put('/api/meetings/schedule', body, env.agent.token);
      expect(result.status).toBe(400);
      expect(String(result.body.message)).toContain(message);
    }
    const after = await call<{ schedule: unknown }>('/api/meetings/schedule', { token: env.agent.token });
    expect(after.body.schedule).toEqual(before.body.schedule);

    const rules = {
      minNoticeMinutes: 60,
      horizonDays: 30,
      bufferMinutes: 5,
      slotStepMinutes: 30,
      reminderMinutes: [1440, 60],
      link: { kind: 'phone', number: '+40 21 555 0100' },
    };
    const byAgent = await put(`/api/meetings/settings/${env.site.id}`, rules, env.agent.token);
    expect(byAgent).toMatchObject({ status: 403, body: { code: 'forbidden' } });
    const byAdmin = await put(`/api/meetings/settings/${env.site.id}`, rules, env.admin.token);
    expect(byAdmin).toMatchObject({ status: 200, body: { settings: { ...rules, siteId: env.site.id } } });
    const badLink = await put(
      `/api/meetings/settings/${env.site.id}`,
      { ...rules, link: { kind: 'video', pattern: 'https://video.test/fixed' } },
      env.admin.token,
    );
    expect(badLink).toMatchObject({ status: 400, body: { message: 'link.pattern: must contain "{room}"' } });
    const read = await call(`/api/meetings/settings/${env.site.id}`, { token: env.agent.token });
    expect(read.body).toMatchObject({ settings: rules });
    const hidden = await call(`/api/meetings/settings/${env.site.id}`, { token: env.outsider.token });
    expect(hidden.status).toBe(404);

    // The agent's week lists the meetings booked above, earliest first.
    const week = await call<{ meetings: Meeting[] }>('/api/meetings/upcoming?range=week', {
      token: env.agent.token,
    });
    const starts = week.body.meetings.map((m) => m.start!);
    expect(starts.length).toBeGreaterThan(0);
    expect([...starts].sort()).toEqual(starts);
    expect(week.body.meetings.every((m) => m.agentId === env.agent.agent.id && m.status === 'booked')).toBe(
      true,
    );
    const others = await call(`/api/meetings/upcoming?agentId=${env.admin.agent.id}`, {
      token: env.agent.token,
    });
    expect(others.status).toBe(403);
  });
});
