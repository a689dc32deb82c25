// Agents' time: the free slots of a meeting's host (or team), the atomic claim that takes a slot,
// and settling claims a booking left half-done.
import type { Failure, Slot } from '@parley/protocol';
import { failure } from '@parley/protocol';
import { ObjectId } from 'mongodb';
import { type MeetingContext, MINUTE } from './context';
import type { MeetingDoc } from './model';
import { settings } from './rules';
import { presentSlot, type SlotRules, type TeamSlot, teamSlots } from './slots';

/** A claim on an agent's time not confirmed by its meeting within this long is checked and settled. */
const CLAIM_SETTLE_MS = 2 * MINUTE;
/** Busy entries are kept this long after they end, then pruned. */
const BUSY_RETENTION_MS = 24 * 60 * MINUTE;

/** A refusal that comes with the slots still free, so the visitor can pick again at once. */
export type BookingFailure = Failure & { slots?: Slot[] };

async function members(ctx: MeetingContext, doc: MeetingDoc, only: ObjectId | null) {
  const ids = only ? [only] : doc.agentIds;
  const schedules = await ctx.schedules.find({ agentId: { $in: ids } }).toArray();
  return schedules.filter((s) => s.lengths.includes(doc.lengthMinutes) || only !== null);
}

async function rules(ctx: MeetingContext, doc: MeetingDoc): Promise<SlotRules> {
  const site = await settings(ctx, doc.siteId.toHexString());
  return { ...site, lengthMinutes: doc.lengthMinutes };
}

/** Free slots of the meeting's host (or team), not counting the meeting's own time. */
async function free(
  ctx: MeetingContext,
  doc: MeetingDoc,
  now: Date,
  only: ObjectId | null,
  ignoreBusy = false,
): Promise<TeamSlot[]> {
  const schedules = await members(ctx, doc, only);
  const slotRules = await rules(ctx, doc);
  return teamSlots(
    schedules.map((s) => ({
      agentId: s.agentId.toHexString(),
      availability: s,
      busy: ignoreBusy ? [] : s.busy.filter((b) => !b.meetingId.equals(doc._id)),
    })),
    slotRules,
    now,
  );
}

export async function freshSlots(
  ctx: MeetingContext,
  doc: MeetingDoc,
  now: Date,
  timeZone: string,
): Promise<Slot[]> {
  const only = doc.status === 'offered' ? null : doc.agentId;
  return (await free(ctx, doc, now, only)).map((slot) => presentSlot(slot, timeZone));
}

/** The free slot at `start`, with its candidate hosts least-booked first, or why there is none. */
export async function pickSlot(
  ctx: MeetingContext,
  doc: MeetingDoc,
  start: Date,
  now: Date,
  timeZone: string,
  only: ObjectId | null,
): Promise<{ ok: true; candidates: ObjectId[] } | BookingFailure> {
  if (start.getTime() <= now.getTime()) return failure('bad_request', 'that time has already passed');
  const slots = await free(ctx, doc, now, only);
  const slot = slots.find((s) => s.start.getTime() === start.getTime());
  if (!slot) {
    const offered = (await free(ctx, doc, now, only, true)).some(
      (s) => s.start.getTime() === start.getTime(),
    );
    if (!offered) return failure('bad_request', 'that time is not one of the offered slots');
    return {
      ...failure('conflict', 'that time was just taken; pick another'),
      slots: slots.map((s) => presentSlot(s, timeZone)),
    };
  }
  const schedules = await members(ctx, doc, only);
  const load = new Map(
    schedules.map((s) => [
      s.agentId.toHexString(),
      s.busy.filter((b) => b.until.getTime() > now.getTime()).length,
    ]),
  );
  const candidates = slot.agentIds
    .map((id, order) => ({ id, order, load: load.get(id) ?? 0 }))
    .sort((a, b) => a.load - b.load || a.order - b.order)
    .map((c) => new ObjectId(c.id));
  return { ok: true, candidates };
}

export async function taken(
  ctx: MeetingContext,
  doc: MeetingDoc,
  now: Date,
  timeZone: string,
  only: ObjectId | null,
): Promise<BookingFailure> {
  const slots = (await free(ctx, doc, now, only)).map((s) => presentSlot(s, timeZone));
  return { ...failure('conflict', 'that time was just taken; pick another'), slots };
}

/**
 * Claims [start, until) on an agent's schedule: one conditional $push that matches only while
 * no other claim overlaps. `moving` lets a meeting overlap its own current time.
 */
export async function claim(
  ctx: MeetingContext,
  agentId: ObjectId,
  meetingId: ObjectId,
  start: Date,
  until: Date,
  now: Date,
  moving: boolean,
): Promise<ObjectId | null> {
  const claimId = new ObjectId();
  const overlapping: Record<string, unknown> = { start: { $lt: until }, until: { $gt: start } };
  if (moving) overlapping.meetingId = { $ne: meetingId };
  const result = await ctx.schedules.updateOne(
    { agentId, busy: { $not: { $elemMatch: overlapping } } },
    { $push: { busy: { claimId, meetingId, start, until, claimedAt: now, confirmed: false } } },
  );
  return result.modifiedCount === 1 ? claimId : null;
}

export async function confirm(ctx: MeetingContext, agentId: ObjectId, claimId: ObjectId): Promise<void> {
  await ctx.schedules.updateOne({ agentId, 'busy.claimId': claimId }, { $set: { 'busy.$.confirmed': true } });
}

export async function release(ctx: MeetingContext, agentId: ObjectId, claimId: ObjectId): Promise<void> {
  await ctx.schedules.updateOne({ agentId }, { $pull: { busy: { claimId } } });
}

/**
 * Settles claims on agents' time left unconfirmed by a booking that stopped half-way (the
 * relay died between claiming the time and writing the meeting), and prunes past busy time.
 */
export async function settleClaims(ctx: MeetingContext): Promise<void> {
  const now = ctx.clock();
  const old = new Date(now.getTime() - CLAIM_SETTLE_MS);
  const unsettled = await ctx.schedules
    .find({ busy: { $elemMatch: { confirmed: false, claimedAt: { $lt: old } } } })
    .toArray();
  for (const schedule of unsettled) {
    for (const entry of schedule.busy.filter((b) => !b.confirmed && b.claimedAt < old)) {
      const held = await ctx.meetings.findOne({
        _id: entry.meetingId,
        agentId: schedule.agentId,
        status: { $in: ['booked', 'completed'] },
        start: entry.start,
      });
      if (held) await confirm(ctx, schedule.agentId, entry.claimId);
      else await release(ctx, schedule.agentId, entry.claimId);
    }
  }
  await ctx.schedules.updateMany(
    { 'busy.until': { $lt: new Date(now.getTime() - BUSY_RETENTION_MS) } },
    { $pull: { busy: { until: { $lt: new Date(now.getTime() - BUSY_RETENTION_MS) } } } },
  );
}
