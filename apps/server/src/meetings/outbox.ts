// The emails meetings owe: written with the change that owes them, claimed one at a time and
// sent (or retried, then given up) under the shared outbox policy; due reminders become such emails.
import type { ObjectId } from 'mongodb';
import { claimEntry, nextAttempt, OUTBOX_POLICY } from '../shared/outbox';
import { type MeetingContext, MINUTE } from './context';
import { cancelMail, inviteMail, type MailMeeting, reminderMail, summaryMail } from './emails';
import { invite } from './invites';
import { manageUrls } from './link-keys';
import type { MeetingMail } from './mailer';
import type { MailEntry, MeetingDoc } from './model';
import { mailMeeting } from './views';

/** A reminder claimed this long ago without being marked sent is taken to have failed mid-send. */
const REMINDER_LEASE_MS = 5 * MINUTE;

/** The emails a change owes, one per recipient, due now; written in the same update as the change. */
export const owed = (
  kind: MailEntry['kind'],
  sequence: number,
  now: Date,
  to: MailEntry['to'][] = ['attendee', 'host'],
): MailEntry[] =>
  to.map((recipient) => ({
    kind,
    to: recipient,
    sequence,
    state: 'pending',
    attempts: 0,
    dueAt: now,
    claimedAt: null,
    claimToken: null,
    sentAt: null,
  }));

/**
 * Turns every reminder that is due into the emails it owes (one per recipient, in `mails`),
 * each once: a reminder is claimed with an atomic update, then marked sent in the same update
 * that adds its emails, so two workers, or a worker after a restart, never queue it twice; a
 * claim whose worker died in between is taken up once its lease runs out. sendDueMails sends
 * them, each recipient's on its own, retried if SMTP fails. Answers how many it queued.
 */
export async function sendDueReminders(ctx: MeetingContext): Promise<number> {
  const now = ctx.clock();
  let queued = 0;
  for (;;) {
    const claimed = await claimDue(ctx, 'reminders', { status: 'booked' }, now, REMINDER_LEASE_MS);
    if (!claimed) return queued;
    const { doc, mine } = claimed;
    const reminder = doc.reminders.find((r) => r.claimToken === claimed.claimToken)!;
    if (!doc.start || doc.start.getTime() <= now.getTime()) {
      // Too late to remind of a meeting that has begun (the relay was down through the due time).
      await ctx.meetings.updateOne(mine, { $set: { 'reminders.$.state': 'skipped' } });
      continue;
    }
    const mails = owed('reminder', doc.sequence, now).map((mail) => ({
      ...mail,
      minutesBefore: reminder.minutesBefore,
    }));
    await ctx.meetings.updateOne(mine, {
      $set: { 'reminders.$.state': 'sent', 'reminders.$.sentAt': now },
      $push: { mails: { $each: mails } },
    });
    queued++;
  }
}

/** A due entry of a meeting's `reminders` or `mails`, claimed (shared/outbox.ts). */
const claimDue = (
  ctx: MeetingContext,
  field: 'reminders' | 'mails',
  filter: Record<string, unknown>,
  now: Date,
  leaseMs: number,
) => claimEntry(ctx.meetings, field, filter, now, leaseMs);

/**
 * Right after a change: sends the emails it owes. The change is stored whatever happens here,
 * so a failure is logged and left to the worker's next pass.
 */
export async function sendOwed(ctx: MeetingContext, meetingId: ObjectId): Promise<void> {
  await sendDueMails(ctx, meetingId).catch((error: unknown) =>
    console.error(`parley: meeting emails of ${meetingId.toHexString()} not sent yet`, error),
  );
}

/**
 * Sends the meeting emails that are due (of one meeting, or of all), each once: like a
 * reminder, a mail is claimed with an atomic update before it is sent and marked sent after,
 * so two workers, or a worker after a restart, do not send it again; a claim whose worker died
 * mid-send is taken up again once its lease runs out (that one mail may then go twice). A mail
 * that fails is tried again and given up by the outbox policy (shared/outbox.ts).
 * The change a mail announces is stored with it, so a failed send never undoes the change,
 * and a crash right after the change still sends it.
 */
export async function sendDueMails(ctx: MeetingContext, meetingId?: ObjectId): Promise<number> {
  const now = ctx.clock();
  let sent = 0;
  for (;;) {
    const claimed = await claimDue(
      ctx,
      'mails',
      meetingId ? { _id: meetingId } : {},
      now,
      OUTBOX_POLICY.leaseMs,
    );
    if (!claimed) return sent;
    const { doc, mine } = claimed;
    const entry = doc.mails!.find((m) => m.claimToken === claimed.claimToken)!;
    const rendered = await render(ctx, doc, entry).catch((error: unknown) => ({ failed: error }));
    if (rendered === 'superseded') {
      await ctx.meetings.updateOne(mine, { $set: { 'mails.$.state': 'superseded' } });
      continue;
    }
    try {
      if ('failed' in rendered) throw rendered.failed;
      await ctx.options.mailer.send(rendered, doc.siteId.toHexString());
      await ctx.meetings.updateOne(mine, { $set: { 'mails.$.state': 'sent', 'mails.$.sentAt': now } });
      sent++;
    } catch (error) {
      const attempts = entry.attempts + 1;
      const next = nextAttempt(attempts, now);
      const givenUp = next === null;
      console.error(
        `parley: meeting ${entry.kind} email to the ${entry.to} of ${doc._id.toHexString()} failed` +
          (givenUp ? `; given up after ${attempts} attempts` : '; it will be retried'),
        error,
      );
      await ctx.meetings.updateOne(mine, {
        $set: {
          'mails.$.state': givenUp ? 'failed' : 'pending',
          'mails.$.attempts': attempts,
          'mails.$.dueAt': next ?? now,
          'mails.$.claimToken': null,
        },
      });
    }
  }
}

/**
 * The email `entry` owes, from the meeting as it is now; 'superseded' when a later change
 * overtook it (an invite or update to a meeting moved or cancelled since, a cancellation of an
 * invite that never went out).
 */
async function render(
  ctx: MeetingContext,
  doc: MeetingDoc,
  entry: MailEntry,
): Promise<MeetingMail | 'superseded'> {
  const mail = await mailMeeting(ctx, doc);
  if (!mail) return 'superseded';
  const role = entry.to;
  switch (entry.kind) {
    case 'invite':
    case 'update': {
      if (doc.status !== 'booked' || doc.sequence !== entry.sequence) return 'superseded';
      const calendar = calendarInvite(ctx, doc, mail, 'REQUEST');
      const links = role === 'attendee' ? manageUrls(ctx, doc) : null;
      return inviteMail(mail, role, entry.kind === 'invite' ? 'new' : 'update', calendar, links);
    }
    case 'cancel': {
      // Not to someone whose invitation never went out. (A meeting booked before emails were
      // kept has no invite entry: its invitation went out when it was booked.)
      const announcements = (doc.mails ?? []).filter(
        (m) => m.to === role && (m.kind === 'invite' || m.kind === 'update'),
      );
      const announced =
        !announcements.some((m) => m.kind === 'invite') ||
        announcements.some((m) => m.state === 'sent' || m.state === 'sending');
      if (!announced) return 'superseded';
      return cancelMail(mail, role, calendarInvite(ctx, doc, mail, 'CANCEL'), doc.cancelReason ?? null);
    }
    case 'summary':
      if (!doc.outcome) return 'superseded';
      return summaryMail(mail, doc.outcome);
    case 'reminder': {
      // Not once the meeting moved (its new reminders are planned), was cancelled, or began.
      const started = doc.start !== null && doc.start.getTime() <= ctx.clock().getTime();
      if (doc.status !== 'booked' || doc.sequence !== entry.sequence || started) return 'superseded';
      const links = role === 'attendee' ? manageUrls(ctx, doc) : null;
      return reminderMail(mail, role, entry.minutesBefore ?? 0, links);
    }
  }
}

function calendarInvite(
  ctx: MeetingContext,
  doc: MeetingDoc,
  mail: MailMeeting,
  method: 'REQUEST' | 'CANCEL',
): string {
  return invite({
    method,
    uid: `meeting-${doc._id.toHexString()}@${ctx.uidDomain}`,
    sequence: doc.sequence,
    stamp: ctx.clock(),
    start: mail.start,
    end: mail.end,
    title: mail.title,
    agenda: mail.agenda,
    link: mail.link,
    organizer: { name: mail.host.name, email: mail.host.email },
    attendee: { name: mail.attendee.name, email: mail.attendee.email },
  });
}
