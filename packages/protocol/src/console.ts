// Events and types only the agent console uses, beyond the shared timeline events.
import type { Channel, Conversation, ConversationStatus, Message, Priority } from './domain';
import type { Ack } from './events';
import type { SiteSettings, VisitorAttributes } from './widget';

export type AgentRole = 'admin' | 'agent';
/** What an agent says about itself; routing only gives new conversations to `online` agents. */
export type Presence = 'online' | 'away' | 'offline';

/** An agent as the console shows it. */
export interface AgentProfile {
  id: string;
  email: string;
  name: string;
  role: AgentRole;
  /** null: every site (admins). */
  siteIds: string[] | null;
  teamIds: string[];
  presence: Presence;
  active: boolean;
  /** True until the invited agent has chosen a password. */
  invited: boolean;
}

export interface Team {
  id: string;
  name: string;
}

/** A canned response: shared by everyone (ownerId null) or personal; `/shortcut` in the composer. */
export interface CannedResponse {
  id: string;
  shortcut: string;
  body: string;
  ownerId: string | null;
}

/**
 * Fills a canned response's `{{visitor.name}}`, `{{agent.name}}`, `{{site.name}}`; unknown or
 * empty variables stay as written, so the agent sees them before sending.
 * @example fillVariables('Hi {{visitor.name}}', { 'visitor.name': 'Jo' }) // 'Hi Jo'
 */
export function fillVariables(body: string, values: Record<string, string>): string {
  return body.replace(/\{\{\s*([a-z]+\.[a-z]+)\s*\}\}/gi, (whole, key: string) => values[key] || whole);
}

/** The inbox's views; each has a live count. */
export const INBOX_VIEWS = ['unassigned', 'mine', 'open', 'snoozed', 'resolved'] as const;
export type InboxView = (typeof INBOX_VIEWS)[number];

export interface InboxQuery {
  view: InboxView;
  siteId?: string;
  channel?: Channel | 'meeting';
  status?: ConversationStatus;
  priority?: Priority;
  tag?: string;
  assigneeId?: string;
  teamId?: string;
  /** `waiting`: longest-waiting visitor first; `activity`: latest message first. */
  sort?: 'waiting' | 'activity';
  /** Full-text search over transcripts; each hit carries the matching message. */
  q?: string;
}

/** One row of the inbox: the conversation, who it is with, and the last (or matching) message. */
export interface InboxItem {
  conversation: Conversation;
  visitorName: string;
  preview: Pick<Message, 'body' | 'author' | 'createdAt' | 'type'> | null;
  /** Set when the row came from a search: the message that matched. */
  match?: Pick<Message, 'id' | 'seq' | 'body' | 'createdAt'>;
  /** The conversation's latest announced `InboxChange.revision` (0: never announced). */
  revision?: number;
}

/** What places a conversation in the inbox's views (and counts): its status and assignee. */
export type InboxPlacement = Pick<Conversation, 'status' | 'assigneeId'>;

/**
 * The agent event `inbox`: a conversation an inbox shows changed (a new message or note, its
 * status, assignee, waiting state, priority, tags, channel, rating...). Sent once per change to
 * the agents who may see the conversation, so a console updates its list and counts without
 * asking the relay again.
 */
export interface InboxChange {
  /** The conversation's row after the change, as `GET /api/inbox` answers it. */
  item: InboxItem;
  /**
   * One more than the conversation's previous announcement: a client holding revision r that is
   * sent r + 2 or later missed one, and asks the relay again.
   */
  revision: number;
  /**
   * Where the previous announcement placed it; null when it was in no view (a new conversation);
   * absent when unknown (a conversation from before announcements), so counts must be asked for.
   */
  before?: InboxPlacement | null;
}

export type InboxCounts = Record<InboxView, number>;

/** What an agent may do to a conversation; each becomes an event on its timeline. */
export type ConversationAction =
  /** `from` is the assignee the agent saw: if someone else changed it first, the action is refused. */
  | { action: 'assign'; assigneeId: string; from: string | null }
  | { action: 'unassign'; from: string | null }
  | {
      action: 'transfer';
      from: string | null;
      to: { agentId: string } | { teamId: string };
      note: string;
    }
  | { action: 'priority'; priority: Priority }
  | { action: 'tag'; tag: string }
  | { action: 'untag'; tag: string }
  | { action: 'snooze'; until: string }
  | { action: 'resolve' }
  | { action: 'reopen' };

export interface NotePayload {
  conversationId: string;
  clientMsgId: string;
  body: string;
}

/** Where the visitor is and what their browser said, as the widget last reported it. */
export interface VisitorContext {
  url: string | null;
  title: string | null;
  referrer: string | null;
  language: string | null;
  timeZone: string | null;
  userAgent: string | null;
  screen: { width: number; height: number } | null;
}

/** One page in the visitor's trail. */
export interface PageView {
  url: string;
  title: string;
  at: string;
}

/** Who the visitor is and what the widget reported, for the console's visitor panel. */
export interface VisitorPanel {
  id: string;
  /** Their name, else their email, else a friendly made-up one ("Teal Heron"). */
  name: string;
  /** False when `name` is made up: greetings then say "there". */
  named: boolean;
  email: string | null;
  /** The site signed `email` along with the user id; otherwise the visitor gave it. */
  emailVerified: boolean;
  /** Signed in on the site: `userId` is verified with the site's identity secret (the name never is). */
  verified: boolean;
  userId: string | null;
  context: VisitorContext;
  pages: PageView[];
  attributes: VisitorAttributes;
  fields: Record<string, string>;
}

/** Everything the console shows beside a conversation's timeline. */
export interface ConversationDetails {
  conversation: Conversation;
  site: { id: string; name: string };
  visitor: VisitorPanel;
  /** The visitor's other conversations, newest first. */
  past: InboxItem[];
}

/** A site as its admins manage it. The identity secret is never in here: it is shown once, on rotation. */
export interface SiteAdminView {
  id: string;
  name: string;
  publicKey: string;
  allowedOrigins: string[];
  assignment: 'manual' | 'balanced';
  /** A visitor waiting longer than this for a first answer raises a notification. */
  firstResponseTargetSec: number;
  widget: SiteSettings;
  /** What is masked in messages besides card numbers, which always are. */
  redaction: SiteRedaction;
  /** The tag to paste into the site's pages. */
  embedSnippet: string;
}

export interface SiteAdminUpdate {
  name?: string;
  allowedOrigins?: string[];
  assignment?: 'manual' | 'balanced';
  firstResponseTargetSec?: number;
  widget?: SiteSettings;
  redaction?: SiteRedaction;
}

/** A site's redaction switches: IBANs, and national identity numbers (Romanian CNP, Polish PESEL). */
export interface SiteRedaction {
  iban: boolean;
  nationalIds: boolean;
}

/** `POST /api/auth/login`. */
export interface LoginPayload {
  email: string;
  password: string;
}

/** `POST /api/auth/invite`: an invited agent picks a password. */
export interface AcceptInvitePayload {
  token: string;
  password: string;
}

/** `POST /api/agents`: an admin invites an agent (role, sites and teams default to agent, none, none). */
export interface InvitePayload {
  email: string;
  name: string;
  role?: AgentRole;
  siteIds?: string[];
  teamIds?: string[];
}

/** `PATCH /api/agents/:id`. */
export interface AgentUpdate {
  name?: string;
  role?: AgentRole;
  siteIds?: string[];
  teamIds?: string[];
  active?: boolean;
}

/** `POST /api/canned`: a saved reply, the agent's own unless `shared`. */
export interface CannedPayload {
  shortcut: string;
  body: string;
  shared?: boolean;
}

/** `POST /api/sites`. */
export interface SiteCreatePayload {
  name: string;
  allowedOrigins?: string[];
}

/** A site as the signed-in agent's console lists it. */
export interface SiteSummary {
  id: string;
  name: string;
  firstResponseTargetSec: number;
}

/** `GET /api/auth/me`: who is signed in, and the sites they work on. */
export interface SignedInAgent {
  agent: AgentProfile;
  sites: SiteSummary[];
}

/** Agent → relay events the console adds. Merged into AgentClientToServerEvents. */
export type ConsoleClientToServerEvents = {
  /** A private note, seen by agents only; `@Name` mentions notify the agents named. */
  'note:send': (payload: NotePayload, ack: Ack<{ message: Message }>) => void;
  'presence:set': (payload: { presence: Presence }, ack: Ack<{ presence: Presence }>) => void;
};
