// What the parts of MeetingService share: the native collections, the conversations the meetings
// are filed in, the options and the clock; and the one lookup of a meeting on behalf of an agent.
import { type Collection, ObjectId } from 'mongodb';
import type { Connection } from 'mongoose';
import type { Agent, AgentService } from '../agents/service';
import type { ConversationService } from '../conversations/service';
import type { Mailer } from './mailer';
import {
  type MeetingDoc,
  meetingModel,
  type ScheduleDoc,
  type SettingsDoc,
  scheduleModel,
  settingsModel,
} from './model';

export const MINUTE = 60_000;

export interface MeetingServiceOptions {
  mailer: Mailer;
  /** Base URL of the signed links in emails and the widget. */
  publicUrl: string;
  /** Reminder times of sites that have not set their own, in minutes before the start. */
  reminderMinutes: number[];
  /** Video room URL pattern of sites that have not set a link; `{room}` becomes a random room name. */
  roomPattern: string;
  /** Who may host a site's meetings. */
  agents: Pick<AgentService, 'answering'>;
  /** The time, injectable for tests. */
  clock?: () => Date;
}

export interface MeetingContext {
  readonly schedules: Collection<ScheduleDoc>;
  readonly siteSettings: Collection<SettingsDoc>;
  readonly meetings: Collection<MeetingDoc>;
  readonly conversations: ConversationService;
  readonly options: MeetingServiceOptions;
  readonly clock: () => Date;
  /** The host part of calendar UIDs. */
  readonly uidDomain: string;
}

export function meetingContext(
  connection: Connection,
  conversations: ConversationService,
  options: MeetingServiceOptions,
): MeetingContext {
  return {
    // Native collections: the atomic claims use operators that mongoose's sanitizeFilter would
    // neutralise, and nothing from the wire reaches these filters unparsed.
    schedules: scheduleModel(connection).collection as unknown as Collection<ScheduleDoc>,
    siteSettings: settingsModel(connection).collection as unknown as Collection<SettingsDoc>,
    meetings: meetingModel(connection).collection as unknown as Collection<MeetingDoc>,
    conversations,
    options,
    clock: options.clock ?? (() => new Date()),
    uidDomain: new URL(options.publicUrl).hostname || 'parley',
  };
}

/** The meetings of an agent's sites (every one for an admin), as a filter. */
export const siteGuard = (agent: Agent): Record<string, unknown> =>
  agent.siteIds === null ? {} : { siteId: { $in: agent.siteIds.map((id) => new ObjectId(id)) } };

export function meetingFor(ctx: MeetingContext, agent: Agent, meetingId: string): Promise<MeetingDoc | null> {
  return ctx.meetings.findOne({ ...siteGuard(agent), _id: new ObjectId(meetingId) });
}
