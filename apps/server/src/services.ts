// The domain services a relay runs with, built over one database connection.
import type { Connection } from 'mongoose';
import { AgentService } from './agents/service';
import { CannedService } from './canned/service';
import type { Config } from './config';
import { ConversationActions } from './conversations/actions';
import { Inbox } from './conversations/inbox';
import { RatingService } from './conversations/rating';
import { Routing } from './conversations/routing';
import { ConversationService } from './conversations/service';
import { EmailService } from './email/service';
import { mailerOver } from './meetings/mailer';
import { MeetingService } from './meetings/service';
import { SiteAdmin } from './sites/admin';
import { siteModel } from './sites/model';
import { SiteService } from './sites/service';
import { visitorModel } from './visitors/model';
import { VisitorService } from './visitors/service';

export interface Services {
  sites: SiteService;
  visitors: VisitorService;
  agents: AgentService;
  conversations: ConversationService;
  ratings: RatingService;
  /** The console's side: site administration, inbox, conversation actions, routing, canned responses. */
  siteAdmin: SiteAdmin;
  inbox: Inbox;
  actions: ConversationActions;
  routing: Routing;
  canned: CannedService;
  /** The email channel: escalation, outbound jobs, inbound mail, the development Mailbox. */
  email: EmailService;
  /** Meetings: availability, offers, booking, invites, reminders, outcomes. */
  meetings: MeetingService;
}

export function createServices(connection: Connection, config: Config): Services {
  const sites = new SiteService(connection);
  const siteAdmin = new SiteAdmin(connection, sites, config.publicUrl);
  const conversations = new ConversationService(
    connection,
    {
      windowMs: config.batchWindowMs,
      // Without REDIS_URL there is one relay: fan-out between relays needs Redis.
      soleWriter: !config.redisUrl,
    },
    (siteId) => siteAdmin.redaction(siteId),
  );
  const visitors = new VisitorService(connection, config.linkSecret);
  const agents = new AgentService(connection, { sessionTtlMs: config.sessionTtlHours * 3600_000 });
  const actions = new ConversationActions(connection, conversations, agents);
  const routing = new Routing(connection, agents, siteAdmin, actions);
  routing.listen(conversations);
  const email = new EmailService(connection, config, {
    conversations,
    visitors,
    sites,
    redaction: (siteId) => siteAdmin.redaction(siteId),
  });
  const meetings = new MeetingService(connection, conversations, {
    mailer: mailerOver((mail, siteId) => email.sendMail(mail, siteId), config.emailFrom),
    publicUrl: config.publicUrl,
    reminderMinutes: config.meetingReminderMinutes,
    roomPattern: config.meetingRoomPattern,
    agents,
  });
  return {
    sites,
    visitors,
    agents,
    conversations,
    ratings: new RatingService(connection, conversations),
    siteAdmin,
    inbox: new Inbox(connection, visitors, (agent) => meetings.conversationsWithMeetings(agent)),
    actions,
    routing,
    canned: new CannedService(connection),
    email,
    meetings,
  };
}

/** Builds every index the models declare; safe to run on every start. */
export async function syncIndexes(connection: Connection, services: Services): Promise<void> {
  await Promise.all([
    siteModel(connection).syncIndexes(),
    visitorModel(connection).syncIndexes(),
    services.agents.syncIndexes(),
    services.conversations.syncIndexes(),
    services.canned.syncIndexes(),
    services.email.syncIndexes(),
    services.meetings.syncIndexes(),
  ]);
}
