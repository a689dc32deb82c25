import type { ParsedMail } from 'mailparser';
import { ObjectId } from 'mongodb';
import type { Connection } from 'mongoose';
import { createTransport } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Agent, AgentService } from '../agents/service';
import { ConversationService } from '../conversations/service';
import { connectDatabase } from '../db/connect';
import { freePort, testDatabase } from '../testing';
import { mailerOver } from './mailer';
import { type MeetingActor, MeetingService } from './service';
import { calendarPart, type Mailbox, readInvite, startMailbox, to } from './test-mailbox';
import { meetingWorker } from './workers';

const HOUR = 3_600_000;
const database = testDatabase();
let mailbox: Mailbox;
/** Where meeting mail is sent: the test mailbox, or a port nobody listens on during an outage. */
let smtpUrl = '';
/** The clock every service instance in this file reads. */
let now = new Date('2026-06-01T06:00:00Z');

const agent: Agent = {
  id: new ObjectId().toHexString(),
  email: 'host@shop.test',
  name: 'Hana Host',
  role: 'admin',
  siteIds: null,
  teamIds: [],
};

/** One relay's worth of meeting machinery over the shared database: what a restart replaces. */
async function boot() {
  const connection: Connection = await connectDatabase(database.uri, database.dbName);
  const conversations = new ConversationService(connection, { windowMs: 2, soleWriter: true });
  const meetings = new MeetingService(connection, conversations, {
    mailer: mailerOver((mail) => createTransport(smtpUrl).sendMail(mail), 'parley@shop.test'),
    publicUrl: 'http://relay.test',
    reminderMinutes: [24 * 60, 60],
    roomPattern: 'https://video.test/{room}',
    agents: new AgentService(connection),
    clock: () => now,
  });
  await conversations.syncIndexes();
  await meetings.syncIndexes();
  // Not started: the test drives every pass itself, at the moments it sets.
  const worker = meetingWorker(meetings, 3_600_000);
  return {
    conversations,
    meetings,
    worker,
    async stop() {
      await worker.stop();
      await connection.close();
    },
  };
}

const isReminder = (m: { subject?: string | undefined }) => m.subject?.startsWith('Reminder:') ?? false;
/** Reminders that went to one address. */
const remindersTo = (address: string) => mailbox.mail.filter(isReminder).filter(to(address));
const reminderTo = (address: string) => (m: ParsedMail) => isReminder(m) && to(address)(m);

beforeAll(async () => {
  mailbox = await startMailbox();
  smtpUrl = mailbox.url;
});
afterAll(async () => {
  await mailbox.close();
});

async function bookMeeting(
  node: Awaited<ReturnType<typeof boot>>,
  email: string,
  daysAhead: number,
  host: Agent = agent,
) {
  await node.meetings.saveSchedule(host, {
    timeZone: 'Europe/Warsaw',
    weekly: ([0, 1, 2, 3, 4, 5, 6] as const).map((day) => ({ day, start: '09:00', end: '17:00' })),
    exceptions: [],
    lengths: [30],
  });
  const { conversation } = await node.conversations.start(
    { visitorId: new ObjectId().toHexString(), siteId: new ObjectId().toHexString() },
    new ObjectId().toHexString(),
  );
  const offered = await node.meetings.offer(host, {
    conversationId: conversation.id,
    lengthMinutes: 30,
    agenda: 'Plan',
  });
  if (!offered.ok) throw new Error(offered.message);
  const slots = await node.meetings.slotsForLink(offered.meeting.id, offered.links.book!, 'UTC');
  if (!slots.ok) throw new Error(slots.message);
  const start = slots.slots.find(
    (s) => new Date(s.start).getTime() > now.getTime() + daysAhead * 24 * HOUR,
  )!.start;
  const booked = await node.meetings.book(offered.meeting.id, {
    token: offered.links.book!,
    start,
    timeZone: 'America/New_York',
    attendee: { name: 'Vera', email },
  });
  if (!booked.ok) throw new Error(booked.message);
  return booked;
}

describe('meeting reminders', () => {
  it('sends the 24-hour and the 1-hour reminder once each, at their times, across restarts', async () => {
    let node = await boot();
    const email = 'vera@example.com';
    const booked = await bookMeeting(node, email, 2);
    const start = new Date(booked.meeting.start!).getTime();
    await mailbox.waitFor(1, to(email));

    // A minute before the 24-hour mark: nothing is due.
    now = new Date(start - 24 * HOUR - 60_000);
    expect(await node.worker.tick()).toBe(0);

    now = new Date(start - 24 * HOUR + 60_000);
    expect(await node.worker.tick()).toBe(1);
    const [first] = await mailbox.waitFor(1, (m) => reminderTo(email)(m));
    expect(first!.subject).toBe('Reminder: Call with Hana Host in 24 hours');
    expect(first!.text).toContain('(America/New_York)');
    expect(first!.text).toMatch(
      /Need another time\? http:\/\/relay\.test\/meetings\/[0-9a-f]{24}\/reschedule\?t=/,
    );
    await mailbox.waitFor(1, (m) => reminderTo(agent.email)(m));
    expect(await node.worker.tick()).toBe(0);

    // Restart: a new connection, service and worker over the same database, same moment.
    await node.stop();
    node = await boot();
    expect(await node.worker.tick()).toBe(0);

    // Two nodes ticking together at the 1-hour mark: one of them sends it.
    now = new Date(start - HOUR + 30_000);
    const other = await boot();
    const sent = await Promise.all([node.worker.tick(), other.worker.tick()]);
    expect(sent[0]! + sent[1]!).toBe(1);
    await mailbox.waitFor(2, (m) => reminderTo(email)(m));
    await other.stop();
    await node.stop();
    node = await boot();
    now = new Date(start - 60_000);
    expect(await node.worker.tick()).toBe(0);

    expect(remindersTo(agent.email)).toHaveLength(2);
    const subjects = remindersTo(email).map((m) => m.subject);
    expect(subjects).toEqual([
      'Reminder: Call with Hana Host in 24 hours',
      'Reminder: Call with Hana Host in 1 hour',
    ]);
    await node.stop();
  });

  it('retries a reminder whose sender died mid-send once its lease ends, and skips one due after the start', async () => {
    const node = await boot();
    const email = 'lease@example.com';
    const booked = await bookMeeting(node, email, 3);
    const start = new Date(booked.meeting.start!).getTime();
    const connection = await connectDatabase(database.uri, database.dbName);
    const meetings = connection.collection('meetings');
    // A worker claimed the 24-hour reminder and died before sending it.
    now = new Date(start - 24 * HOUR + 60_000);
    await meetings.updateOne(
      { _id: new ObjectId(booked.meeting.id), 'reminders.minutesBefore': 24 * 60 },
      {
        $set: {
          'reminders.$.state': 'sending',
          'reminders.$.claimedAt': now,
          'reminders.$.claimToken': 'dead',
        },
      },
    );
    expect(await node.worker.tick()).toBe(0);
    now = new Date(now.getTime() + 6 * 60_000);
    expect(await node.worker.tick()).toBe(1);
    await mailbox.waitFor(1, (m) => reminderTo(email)(m));

    // The relay was down through the 1-hour mark and came back after the start: too late to remind.
    now = new Date(start + 5 * 60_000);
    expect(await node.worker.tick()).toBe(0);
    const doc = await meetings.findOne({ _id: new ObjectId(booked.meeting.id) });
    expect(
      doc!.reminders.map((r: { minutesBefore: number; state: string }) => [r.minutesBefore, r.state]),
    ).toEqual([
      [24 * 60, 'sent'],
      [60, 'skipped'],
    ]);
    expect(remindersTo(email)).toHaveLength(1);
    await connection.close();
    await node.stop();
  });

  it('plans reminders anew when a meeting moves, and none that are already past', async () => {
    now = new Date('2026-07-01T06:00:00Z');
    const node = await boot();
    const booked = await bookMeeting(node, 'move@example.com', 0);
    const start = new Date(booked.meeting.start!).getTime();
    // Booked for today: the 24-hour reminder is already past and is never sent.
    const connection = await connectDatabase(database.uri, database.dbName);
    const read = async () =>
      (await connection
        .collection('meetings')
        .findOne({ _id: new ObjectId(booked.meeting.id) }))!.reminders.map(
        (r: { minutesBefore: number; state: string; dueAt: Date }) => [
          r.minutesBefore,
          r.state,
          r.dueAt.getTime(),
        ],
      );
    expect(await read()).toEqual([
      [24 * 60, 'skipped', start - 24 * HOUR],
      [60, 'pending', start - HOUR],
    ]);
    const slots = await node.meetings.slotsForAgent(agent, booked.meeting.id, 'UTC');
    if (!slots.ok) throw new Error(slots.message);
    const later = slots.slots.find((s) => new Date(s.start).getTime() > start + 3 * 24 * HOUR)!.start;
    const moved = await node.meetings.reschedule({ kind: 'agent', agent }, booked.meeting.id, {
      start: later,
    });
    expect(moved.ok).toBe(true);
    const newStart = new Date(later).getTime();
    expect(await read()).toEqual([
      [24 * 60, 'pending', newStart - 24 * HOUR],
      [60, 'pending', newStart - HOUR],
    ]);
    await connection.close();
    await node.stop();
  });

  it('settles claims on time left by a booking that stopped half-way', async () => {
    now = new Date('2026-08-03T06:00:00Z');
    const node = await boot();
    const host: Agent = { ...agent, id: new ObjectId().toHexString(), email: 'other-host@shop.test' };
    const booked = await bookMeeting(node, 'half@example.com', 1, host);
    const connection = await connectDatabase(database.uri, database.dbName);
    const schedules = connection.collection('meetingschedules');
    const agentId = new ObjectId(host.id);
    const start = new Date(booked.meeting.start!);
    // A relay died after claiming an hour for an offer it never booked, and another died after
    // booking but before confirming its claim.
    const orphan = {
      claimId: new ObjectId(),
      meetingId: new ObjectId(),
      start: new Date(start.getTime() + 2 * HOUR),
    };
    await schedules.updateOne(
      { agentId },
      {
        $push: {
          busy: {
            ...orphan,
            until: new Date(orphan.start.getTime() + HOUR),
            claimedAt: now,
            confirmed: false,
          },
        } as never,
      },
    );
    await schedules.updateOne(
      { agentId, 'busy.meetingId': new ObjectId(booked.meeting.id) },
      { $set: { 'busy.$.confirmed': false } },
    );
    const slotsNow = async () => {
      const offered = await node.meetings.offer(host, {
        conversationId: booked.meeting.conversationId,
        lengthMinutes: 30,
        agenda: 'Next',
      });
      if (!offered.ok) throw new Error(offered.message);
      const free = await node.meetings.slotsForLink(offered.meeting.id, offered.links.book!, 'UTC');
      return free.ok ? free.slots.map((s) => s.start) : [];
    };
    expect(await slotsNow()).not.toContain(orphan.start.toISOString());

    // Within the settling time nothing moves; after it, the orphan is released and the booking kept.
    now = new Date(now.getTime() + 60_000);
    await node.worker.tick();
    expect((await schedules.findOne({ agentId }))!.busy).toHaveLength(2);
    now = new Date(now.getTime() + 3 * 60_000);
    await node.worker.tick();
    const busy = (await schedules.findOne({ agentId }))!.busy as {
      meetingId: ObjectId;
      confirmed: boolean;
    }[];
    expect(busy.map((b) => [b.meetingId.toHexString(), b.confirmed])).toEqual([[booked.meeting.id, true]]);
    expect(await slotsNow()).toContain(orphan.start.toISOString());
    expect(await slotsNow()).not.toContain(start.toISOString());
    await connection.close();
    await node.stop();
  });
});

describe('meeting emails', () => {
  const host: Agent = { ...agent, id: new ObjectId().toHexString(), email: 'outage-host@shop.test' };
  /** This block's own look at the stored meetings, beside the nodes under test. */
  let db: Connection;
  beforeAll(async () => {
    db = await connectDatabase(database.uri, database.dbName);
  });
  afterAll(async () => {
    await db.close();
  });
  const meetingDoc = async (meetingId: string) =>
    (await db.collection('meetings').findOne({ _id: new ObjectId(meetingId) }))!;
  const stored = async (meetingId: string) =>
    (
      (await meetingDoc(meetingId)).mails as { kind: string; to: string; state: string; attempts: number }[]
    ).map((m) => `${m.kind}/${m.to}/${m.state}/${m.attempts}`);
  /** Moves a booked meeting to the next free slot after its start. */
  const moveLater = async (
    node: Awaited<ReturnType<typeof boot>>,
    booked: Awaited<ReturnType<typeof bookMeeting>>,
    by: MeetingActor,
  ) => {
    const slots = await node.meetings.slotsForLink(booked.meeting.id, booked.links.reschedule!, 'UTC');
    if (!slots.ok) throw new Error(slots.message);
    const later = slots.slots.find((s) => s.start > booked.meeting.start!)!.start;
    return node.meetings.reschedule(by, booked.meeting.id, { start: later });
  };

  it('are kept through an SMTP outage and a restart: the change stands, and each owed email goes once, when it is still true', async () => {
    now = new Date('2026-08-03T06:00:00Z');
    smtpUrl = `smtp://127.0.0.1:${await freePort()}`;
    let node = await boot();
    const email = 'outage@example.com';
    // Booked while nobody can be emailed: the booking stands and the invites are owed.
    const booked = await bookMeeting(node, email, 2, host);
    expect(booked.meeting.status).toBe('booked');
    expect(await stored(booked.meeting.id)).toEqual(['invite/attendee/pending/1', 'invite/host/pending/1']);
    // Moved, still during the outage: the update is owed too.
    const moved = await moveLater(node, booked, { kind: 'link', token: booked.links.reschedule! });
    expect(moved.ok).toBe(true);
    // A pass before the back-off has passed does not try again: one attempt each so far.
    await node.meetings.sendDueMails();
    expect(await stored(booked.meeting.id)).toEqual([
      'invite/attendee/pending/1',
      'invite/host/pending/1',
      'update/attendee/pending/1',
      'update/host/pending/1',
    ]);

    // The relay restarts and SMTP is back; once the back-off has passed, the worker sends what
    // is still true: the update, not the invite it overtook.
    await node.stop();
    smtpUrl = mailbox.url;
    now = new Date(now.getTime() + 60_000);
    node = await boot();
    await node.worker.tick();
    const [update] = await mailbox.waitFor(1, to(email));
    const [hostUpdate] = await mailbox.waitFor(1, to(host.email));
    for (const mail of [update!, hostUpdate!]) {
      expect(mail.subject).toMatch(/^Updated invitation: Call with Hana Host/);
      expect(readInvite(calendarPart(mail))).toMatchObject({ method: 'REQUEST', sequence: 1 });
    }
    expect(await stored(booked.meeting.id)).toEqual([
      'invite/attendee/superseded/1',
      'invite/host/superseded/1',
      'update/attendee/sent/1',
      'update/host/sent/1',
    ]);

    // A cancellation goes at once, to both, and nothing is sent twice by later passes.
    const cancelled = await node.meetings.cancel({ kind: 'agent', agent: host }, booked.meeting.id, 'Ill');
    expect(cancelled.ok).toBe(true);
    await mailbox.waitFor(2, to(email));
    await node.worker.tick();
    now = new Date(now.getTime() + 2 * HOUR);
    await node.worker.tick();
    expect(mailbox.mail.filter(to(email)).map((m) => m.subject?.split(':')[0])).toEqual([
      'Updated invitation',
      'Cancelled',
    ]);
    expect(mailbox.mail.filter(to(host.email)).map((m) => m.subject?.split(':')[0])).toEqual([
      'Updated invitation',
      'Cancelled',
    ]);
    await node.stop();
  });

  it('reminds each recipient on their own: one turned away for a while gets it later, the other once', async () => {
    now = new Date('2026-08-20T06:00:00Z');
    const node = await boot();
    const email = 'greylisted@example.com';
    const booked = await bookMeeting(node, email, 2, host);
    await mailbox.waitFor(1, to(email));
    const start = new Date(booked.meeting.start!).getTime();
    const hostReminders = () => mailbox.mail.filter(isReminder).filter(to(host.email)).length;
    const before = hostReminders();

    mailbox.refused.add(email);
    now = new Date(start - 24 * HOUR + 60_000);
    expect(await node.worker.tick()).toBe(1);
    await vi.waitFor(() => expect(hostReminders()).toBe(before + 1));
    expect(remindersTo(email)).toHaveLength(0);

    // The attendee's server takes mail again; the next pass after the back-off sends theirs only.
    mailbox.refused.delete(email);
    now = new Date(now.getTime() + 60_000);
    await node.worker.tick();
    await mailbox.waitFor(1, reminderTo(email));
    now = new Date(now.getTime() + HOUR);
    await node.worker.tick();
    expect(remindersTo(email).map((m) => m.subject)).toEqual(['Reminder: Call with Hana Host in 24 hours']);
    expect(hostReminders()).toBe(before + 1);
    await node.stop();
  });

  it('sends a cancellation only to those who were invited, including for meetings booked before emails were kept', async () => {
    now = new Date('2026-08-24T06:00:00Z');
    const node = await boot();
    // Booked and cancelled during an outage: nobody was invited, so nobody is told it is off.
    smtpUrl = `smtp://127.0.0.1:${await freePort()}`;
    const unseen = await bookMeeting(node, 'unseen@example.com', 2, host);
    expect((await node.meetings.cancel({ kind: 'agent', agent: host }, unseen.meeting.id)).ok).toBe(true);
    smtpUrl = mailbox.url;
    now = new Date(now.getTime() + 60_000);
    await node.meetings.sendDueMails();
    expect(await stored(unseen.meeting.id)).toEqual([
      'invite/attendee/superseded/1',
      'invite/host/superseded/1',
      'cancel/attendee/superseded/0',
      'cancel/host/superseded/0',
    ]);
    expect(mailbox.mail.filter(to('unseen@example.com'))).toHaveLength(0);

    // A meeting stored before emails were kept (no entries) had its invitations sent at booking.
    const legacy = await bookMeeting(node, 'legacy@example.com', 3, host);
    await mailbox.waitFor(1, to('legacy@example.com'));
    await db
      .collection('meetings')
      .updateOne({ _id: new ObjectId(legacy.meeting.id) }, { $unset: { mails: 1 } });
    // Moved during an outage (its update never goes out), then cancelled: still told it is off.
    smtpUrl = `smtp://127.0.0.1:${await freePort()}`;
    const moved = await moveLater(node, legacy, { kind: 'agent', agent: host });
    expect(moved.ok).toBe(true);
    smtpUrl = mailbox.url;
    expect((await node.meetings.cancel({ kind: 'agent', agent: host }, legacy.meeting.id)).ok).toBe(true);
    const [, cancelled] = await mailbox.waitFor(2, to('legacy@example.com'));
    expect(cancelled!.subject).toMatch(/^Cancelled: /);
    now = new Date(now.getTime() + 2 * 60_000);
    await node.meetings.sendDueMails();
    expect(mailbox.mail.filter(to('legacy@example.com')).map((m) => m.subject?.split(':')[0])).toEqual([
      'Invitation',
      'Cancelled',
    ]);
    await node.stop();
  });

  it('gives up on an email after its last attempt, backing off between them', async () => {
    now = new Date('2026-08-10T06:00:00Z');
    smtpUrl = `smtp://127.0.0.1:${await freePort()}`;
    const node = await boot();
    const booked = await bookMeeting(node, 'never@example.com', 2, host);
    const waits: number[] = [];
    for (let attempt = 1; attempt < 12; attempt++) {
      // Not due a moment before its back-off ends; due right after.
      const dueAt = ((await meetingDoc(booked.meeting.id)).mails as { dueAt: Date }[])[0]!.dueAt.getTime();
      waits.push((dueAt - now.getTime()) / 1000);
      now = new Date(dueAt - 1);
      await node.meetings.sendDueMails(new ObjectId(booked.meeting.id));
      expect((await stored(booked.meeting.id))[0]).toBe(`invite/attendee/pending/${attempt}`);
      now = new Date(dueAt);
      await node.meetings.sendDueMails(new ObjectId(booked.meeting.id));
    }
    // About five hours from the first attempt to the last.
    expect(waits).toEqual([30, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600, 3600]);
    expect(await stored(booked.meeting.id)).toEqual(['invite/attendee/failed/12', 'invite/host/failed/12']);
    smtpUrl = mailbox.url;
    now = new Date(now.getTime() + 24 * HOUR);
    expect(await node.meetings.sendDueMails()).toBe(0);
    await node.stop();
  });
});
