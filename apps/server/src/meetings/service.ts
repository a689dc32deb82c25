// Meetings: schedules and site rules, offers made from a conversation, atomic booking, invites,
// reschedules and cancellations (by agents or through signed links), reminders and outcomes.
// Every step is also an event on the conversation's timeline, which never carries a link's token.
// This facade wires the flows, each a module of its own, over one shared MeetingContext.
import type {
  AgentSchedule,
  BookMeetingPayload,
  Meeting,
  MeetingLinks,
  OfferMeetingPayload,
  RecordOutcomePayload,
  Result,
  ScheduleInput,
  SiteMeetingSettings,
  SiteMeetingSettingsInput,
  Slot,
} from '@parley/protocol';
import type { ObjectId } from 'mongodb';
import type { Connection } from 'mongoose';
import type { Agent } from '../agents/service';
import type { ConversationService } from '../conversations/service';
import type { AgendaDraft } from './agenda';
import { settleClaims } from './availability';
import { book, cancel, draftAgenda, type MeetingResult, offer, recordOutcome, reschedule } from './booking';
import { type MeetingContext, type MeetingServiceOptions, meetingContext } from './context';
import { type MeetingActor, retireTimelineTokens } from './link-keys';
import type { LinkAction } from './links';
import { meetingModel, scheduleModel, settingsModel } from './model';
import { sendDueMails, sendDueReminders } from './outbox';
import { saveSchedule, saveSettings, schedule, settings } from './rules';
import {
  conversationsWithMeetings,
  forConversation,
  linksForVisitor,
  linkView,
  slotsForAgent,
  slotsForLink,
  upcoming,
  type VisitorActor,
} from './views';

export type { MeetingActor } from './link-keys';

export class MeetingService {
  private readonly ctx: MeetingContext;

  constructor(
    private readonly connection: Connection,
    conversations: ConversationService,
    options: MeetingServiceOptions,
  ) {
    this.ctx = meetingContext(connection, conversations, options);
  }

  // Schedules and site rules (rules.ts)

  schedule(agentId: string): Promise<AgentSchedule | null> {
    return schedule(this.ctx, agentId);
  }

  saveSchedule(agent: Pick<Agent, 'id' | 'name' | 'email'>, input: ScheduleInput): Promise<AgentSchedule> {
    return saveSchedule(this.ctx, agent, input);
  }

  settings(siteId: string): Promise<SiteMeetingSettings> {
    return settings(this.ctx, siteId);
  }

  saveSettings(siteId: string, input: SiteMeetingSettingsInput): Promise<SiteMeetingSettings> {
    return saveSettings(this.ctx, siteId, input);
  }

  // Offers, booking, changes and outcomes (booking.ts)

  draftAgenda(agent: Agent, conversationId: string): Promise<Result<AgendaDraft>> {
    return draftAgenda(this.ctx, agent, conversationId);
  }

  offer(
    agent: Agent,
    input: OfferMeetingPayload,
  ): Promise<Result<{ meeting: Meeting; links: MeetingLinks }>> {
    return offer(this.ctx, agent, input);
  }

  book(meetingId: string, input: BookMeetingPayload): Promise<MeetingResult> {
    return book(this.ctx, meetingId, input);
  }

  reschedule(
    by: MeetingActor,
    meetingId: string,
    input: { start: string; timeZone?: string | undefined },
  ): Promise<MeetingResult> {
    return reschedule(this.ctx, by, meetingId, input);
  }

  cancel(by: MeetingActor, meetingId: string, reason?: string): Promise<MeetingResult> {
    return cancel(this.ctx, by, meetingId, reason);
  }

  recordOutcome(
    agent: Agent,
    meetingId: string,
    input: RecordOutcomePayload,
  ): Promise<Result<{ meeting: Meeting }>> {
    return recordOutcome(this.ctx, agent, meetingId, input);
  }

  // What agents and visitors are shown (views.ts)

  forConversation(agent: Agent, conversationId: string): Promise<Result<{ meetings: Meeting[] }>> {
    return forConversation(this.ctx, agent, conversationId);
  }

  conversationsWithMeetings(agent: Agent): Promise<string[]> {
    return conversationsWithMeetings(this.ctx, agent);
  }

  linksForVisitor(actor: VisitorActor, meetingId: string): Promise<Result<{ links: MeetingLinks }>> {
    return linksForVisitor(this.ctx, actor, meetingId);
  }

  slotsForLink(
    meetingId: string,
    token: string,
    timeZone: string,
  ): Promise<Result<{ meeting: Meeting; slots: Slot[] }>> {
    return slotsForLink(this.ctx, meetingId, token, timeZone);
  }

  linkView(meetingId: string, action: LinkAction, token: string): Promise<Result<{ meeting: Meeting }>> {
    return linkView(this.ctx, meetingId, action, token);
  }

  slotsForAgent(
    agent: Agent,
    meetingId: string,
    timeZone: string,
  ): Promise<Result<{ meeting: Meeting; slots: Slot[] }>> {
    return slotsForAgent(this.ctx, agent, meetingId, timeZone);
  }

  upcoming(
    agent: Agent,
    query: {
      range: 'day' | 'week';
      from?: string | undefined;
      timeZone?: string | undefined;
      agentId?: string | undefined;
    },
  ): Promise<Result<{ meetings: Meeting[]; from: string; to: string }>> {
    return upcoming(this.ctx, agent, query);
  }

  // Background work (outbox.ts, availability.ts, link-keys.ts; run by workers.ts)

  sendDueReminders(): Promise<number> {
    return sendDueReminders(this.ctx);
  }

  sendDueMails(meetingId?: ObjectId): Promise<number> {
    return sendDueMails(this.ctx, meetingId);
  }

  settleClaims(): Promise<void> {
    return settleClaims(this.ctx);
  }

  retireTimelineTokens(): Promise<number> {
    return retireTimelineTokens(this.ctx);
  }

  async syncIndexes(): Promise<void> {
    await Promise.all([
      scheduleModel(this.connection).syncIndexes(),
      settingsModel(this.connection).syncIndexes(),
      meetingModel(this.connection).syncIndexes(),
    ]);
  }
}
