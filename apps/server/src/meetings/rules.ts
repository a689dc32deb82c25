// Who books when: agents' working hours, exceptions and meeting lengths, and each site's booking
// rules (notice, horizon, buffer, reminders, where meetings happen).
import type {
  AgentSchedule,
  ScheduleInput,
  SiteMeetingSettings,
  SiteMeetingSettingsInput,
} from '@parley/protocol';
import { ObjectId } from 'mongodb';
import type { Agent } from '../agents/service';
import type { MeetingContext } from './context';
import type { ScheduleDoc } from './model';

function toSchedule(doc: ScheduleDoc): AgentSchedule {
  return {
    agentId: doc.agentId.toHexString(),
    timeZone: doc.timeZone,
    weekly: doc.weekly.map((w) => ({ day: w.day, start: w.start, end: w.end })),
    exceptions: doc.exceptions.map((e) => ({
      date: e.date,
      hours: e.hours.map((h) => ({ start: h.start, end: h.end })),
    })),
    lengths: [...doc.lengths],
  };
}

export async function schedule(ctx: MeetingContext, agentId: string): Promise<AgentSchedule | null> {
  const doc = await ctx.schedules.findOne({ agentId: new ObjectId(agentId) });
  return doc ? toSchedule(doc) : null;
}

/** Saves an agent's working hours, exceptions and lengths; bookings already made are kept. */
export async function saveSchedule(
  ctx: MeetingContext,
  agent: Pick<Agent, 'id' | 'name' | 'email'>,
  input: ScheduleInput,
): Promise<AgentSchedule> {
  const now = ctx.clock();
  const doc = await ctx.schedules.findOneAndUpdate(
    { agentId: new ObjectId(agent.id) },
    {
      $set: { ...input, agentName: agent.name, agentEmail: agent.email, updatedAt: now },
      $setOnInsert: { busy: [], createdAt: now },
    },
    { upsert: true, returnDocument: 'after' },
  );
  return toSchedule(doc!);
}

/** A site's booking rules; the defaults until the site sets its own. */
export async function settings(ctx: MeetingContext, siteId: string): Promise<SiteMeetingSettings> {
  const doc = await ctx.siteSettings.findOne({ siteId: new ObjectId(siteId) });
  if (!doc) {
    return {
      siteId,
      minNoticeMinutes: 120,
      horizonDays: 30,
      bufferMinutes: 10,
      slotStepMinutes: 30,
      reminderMinutes: [...ctx.options.reminderMinutes],
      link: { kind: 'video', pattern: ctx.options.roomPattern },
    };
  }
  const link =
    doc.link?.kind === 'fixed'
      ? { kind: 'fixed' as const, url: doc.link.url ?? '' }
      : doc.link?.kind === 'phone'
        ? { kind: 'phone' as const, number: doc.link.number ?? '' }
        : { kind: 'video' as const, pattern: doc.link?.pattern ?? ctx.options.roomPattern };
  return {
    siteId,
    minNoticeMinutes: doc.minNoticeMinutes,
    horizonDays: doc.horizonDays,
    bufferMinutes: doc.bufferMinutes,
    slotStepMinutes: doc.slotStepMinutes,
    reminderMinutes: [...doc.reminderMinutes],
    link,
  };
}

export async function saveSettings(
  ctx: MeetingContext,
  siteId: string,
  input: SiteMeetingSettingsInput,
): Promise<SiteMeetingSettings> {
  const now = ctx.clock();
  await ctx.siteSettings.updateOne(
    { siteId: new ObjectId(siteId) },
    { $set: { ...input, updatedAt: now }, $setOnInsert: { createdAt: now } },
    { upsert: true },
  );
  return settings(ctx, siteId);
}
