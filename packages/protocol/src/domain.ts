// The shared domain types: what a conversation and its timeline look like on the wire.

import type { ConversationRating } from './widget';

export type ConversationStatus = 'open' | 'pending' | 'snoozed' | 'resolved';
export type Channel = 'chat' | 'email';
export type Priority = 'none' | 'low' | 'medium' | 'high' | 'urgent';
export type AuthorKind = 'visitor' | 'agent' | 'system';

export interface Author {
  kind: AuthorKind;
  id: string;
  name?: string;
}

export interface Conversation {
  id: string;
  siteId: string;
  visitorId: string;
  status: ConversationStatus;
  channel: Channel;
  assigneeId: string | null;
  priority: Priority;
  tags: string[];
  /** The highest `seq` on the timeline. */
  seq: number;
  /** Highest `seq` the visitor has seen; drives the agent's "seen" marks. */
  visitorSeenSeq: number;
  /** Highest `seq` an agent has seen; drives the visitor's "seen" marks. */
  agentSeenSeq: number;
  createdAt: string;
  lastMessageAt: string | null;
  firstResponseAt: string | null;
  resolvedAt: string | null;
  /** Where email replies go, masked (`j***@example.com`), while the conversation continues by email. */
  emailTo?: string | null;
  /** The team the conversation was transferred to, if any: routing picks among its agents. */
  teamId?: string | null;
  /** When a snoozed conversation comes back to the inbox. */
  snoozedUntil?: string | null;
  /** Since when the visitor's last message waits for an agent's reply; null when answered. */
  waitingSince?: string | null;
  /** The visitor's satisfaction rating once the conversation is resolved. */
  rating?: ConversationRating | null;
}

/**
 * What a visitor is told of its conversation: what the widget shows, none of the agents' own
 * fields (assignee, team, priority, tags, snooze, wait, first response), nor the site id its
 * session already names. The relay sends visitors these fields only.
 */
export const VISITOR_CONVERSATION_FIELDS = [
  'id',
  'visitorId',
  'status',
  'channel',
  'seq',
  'visitorSeenSeq',
  'agentSeenSeq',
  'createdAt',
  'lastMessageAt',
  'resolvedAt',
  'emailTo',
  'rating',
] as const satisfies readonly (keyof Conversation)[];

export type VisitorConversation = Pick<Conversation, (typeof VISITOR_CONVERSATION_FIELDS)[number]>;

/**
 * What a timeline entry is: a chat `message`, a private agent `note`, or a system `event`
 * (assigned, transferred, resolved, email sent, meeting booked...). Email and meeting entries are
 * events or messages on the same timeline, never a separate thread.
 */
export type TimelineEntryType = 'message' | 'note' | 'event';

/** `agents`: never sent to the visitor (notes, internal events). */
export type Visibility = 'all' | 'agents';

/** What may be masked in a message before it is stored: a card number, an IBAN, a CNP or PESEL. */
export type RedactionKind = 'card' | 'iban' | 'national_id';

/** One entry on a conversation's timeline, ordered by `seq`. */
export interface Message {
  id: string;
  conversationId: string;
  seq: number;
  clientMsgId: string;
  type: TimelineEntryType;
  visibility: Visibility;
  author: Author;
  body: string;
  /** For events: what happened, e.g. `{ name: 'assigned', assigneeId }`. Shape set by `name`. */
  data?: { name: string } & Record<string, unknown>;
  /** The channel this entry came in or went out on. */
  channel: Channel;
  createdAt: string;
  /** What was masked in `body` before it was stored; the original was never kept. */
  redacted?: RedactionKind[];
}

export interface TypingEvent {
  conversationId: string;
  author: Author;
  typing: boolean;
}

export interface SeenEvent {
  conversationId: string;
  by: 'visitor' | 'agent';
  seq: number;
}

export interface VisitorSession {
  visitorId: string;
  /** Random bearer token that authorises only this visitor's own conversations. */
  token: string;
}
