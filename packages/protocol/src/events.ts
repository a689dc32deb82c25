// Socket.IO event maps for the two namespaces, typed once and imported by relay and clients.

import type { ConsoleClientToServerEvents, InboxChange } from './console';
import type {
  Conversation,
  Message,
  SeenEvent,
  TypingEvent,
  VisitorConversation,
  VisitorSession,
} from './domain';
import type { EmailWidgetClientToServerEvents } from './email-widget';
import type { Result } from './errors';
import type { MeetingWidgetClientToServerEvents } from './meetings';
import type { Availability, WidgetClientToServerEvents } from './widget';

export const VISITOR_NAMESPACE = '/visitor';
export const AGENT_NAMESPACE = '/agent';

export interface StartConversationPayload {
  /** Client-generated key that makes a retried start return the same conversation. */
  startKey: string;
}

export interface SendMessagePayload {
  conversationId: string;
  /** Client-generated id; a retry with the same id is acked with the stored message. */
  clientMsgId: string;
  body: string;
  /** Set when this id may have been sent before: the relay then looks for the stored copy first. */
  retry?: boolean;
}

export interface SyncPayload {
  /** The conversations this client follows and the last `seq` it holds of each. */
  conversations: { conversationId: string; afterSeq: number }[];
}

/** `C`: what the namespace tells of a conversation (visitors get VisitorConversation). */
export interface SyncResult<C extends VisitorConversation = Conversation> {
  conversations: C[];
  messages: Message[];
  /** Conversation ids with more messages than one answer carries: sync again from the new `seq`. */
  more: string[];
}

export interface TypingPayload {
  conversationId: string;
  typing: boolean;
}

export interface SeenPayload {
  conversationId: string;
  seq: number;
}

export type Ack<T extends object = object> = (result: Result<T>) => void;

/** Events every client (visitor or agent) may send. */
export interface ClientToServerEvents<C extends VisitorConversation = Conversation> {
  'message:send': (payload: SendMessagePayload, ack: Ack<{ message: Message }>) => void;
  sync: (payload: SyncPayload, ack: Ack<SyncResult<C>>) => void;
  typing: (payload: TypingPayload) => void;
  seen: (payload: SeenPayload, ack: Ack) => void;
}

export interface VisitorClientToServerEvents
  extends ClientToServerEvents<VisitorConversation>,
    WidgetClientToServerEvents,
    EmailWidgetClientToServerEvents,
    MeetingWidgetClientToServerEvents {
  'conversation:start': (
    payload: StartConversationPayload,
    ack: Ack<{ conversation: VisitorConversation }>,
  ) => void;
}

export interface AgentClientToServerEvents extends ClientToServerEvents, ConsoleClientToServerEvents {}

/**
 * Events the relay sends in both namespaces. `C`: what the namespace tells of a conversation
 * (visitors get VisitorConversation).
 */
export interface ServerToClientEvents<C extends VisitorConversation = Conversation> {
  message: (message: Message) => void;
  conversation: (conversation: C) => void;
  typing: (event: TypingEvent) => void;
  seen: (event: SeenEvent) => void;
}

/** What the relay sends a visitor. */
export interface VisitorServerToClientEvents extends ServerToClientEvents<VisitorConversation> {
  /** Sent once per connection: the identity to keep and present next time. */
  session: (session: VisitorSession) => void;
  /**
   * Sent to a site's visitors when whether anyone can answer changed: an agent who may answer
   * came, went, stepped away or came back. (Business hours are asked for on each connection.)
   */
  availability: (availability: Availability) => void;
}

/** What the relay sends an agent. */
export interface AgentServerToClientEvents extends ServerToClientEvents<Conversation> {
  /** What the relay knows of this visitor (page, attributes, profile) changed. */
  visitor: (event: { visitorId: string }) => void;
  /** A conversation the agent may see changed: its inbox row, revision and previous place. */
  inbox: (change: InboxChange) => void;
}

/** The events of a map that the relay acks, e.g. `AckedEvent<AgentClientToServerEvents>`. */
export type AckedEvent<Events> = {
  [E in keyof Events]: Events[E] extends (...args: infer A) => void
    ? A extends [unknown, (result: never) => void]
      ? E
      : never
    : never;
}[keyof Events] &
  string;

/** What the sender of an event passes, e.g. `EventPayload<ClientToServerEvents, 'sync'>` is a SyncPayload. */
export type EventPayload<Events, E extends keyof Events> = Events[E] extends (
  payload: infer P,
  ...rest: never[]
) => void
  ? P
  : never;

/** What the relay acks an event with, e.g. `AckResult<ClientToServerEvents, 'sync'>` is `Result<SyncResult>`. */
export type AckResult<Events, E extends keyof Events> = Events[E] extends (
  payload: never,
  ack: (result: infer R) => void,
) => void
  ? R
  : never;

/** Handshake `auth` of the visitor namespace. */
export interface VisitorAuth {
  siteKey: string;
  token?: string;
  /**
   * A signed-in shop user. `hash` is hex HMAC-SHA256(siteSecret, userId), which verifies the user
   * id alone, or HMAC-SHA256(siteSecret, userId + "\n" + email), email trimmed and in lower case,
   * which verifies the email too. `name`, and an email the hash does not cover, are the visitor's
   * own say.
   */
  identity?: { userId: string; hash: string; name?: string; email?: string };
}

/** Handshake `auth` of the agent namespace. */
export interface AgentAuth {
  token: string;
}

/** Every event a visitor may send, as a list: a record of all the map's keys, so none is left out. */
export const VISITOR_EVENTS = Object.keys({
  'message:send': true,
  sync: true,
  typing: true,
  seen: true,
  'conversation:start': true,
  'visitor:context': true,
  'visitor:attributes': true,
  'visitor:profile': true,
  'visitor:email': true,
  availability: true,
  'offline:submit': true,
  'conversation:rate': true,
  'conversation:email': true,
  'conversation:chat': true,
  'meeting:links': true,
} satisfies Record<keyof VisitorClientToServerEvents, true>) as (keyof VisitorClientToServerEvents)[];

/** Every event an agent may send, as a list (see VISITOR_EVENTS). */
export const AGENT_EVENTS = Object.keys({
  'message:send': true,
  sync: true,
  typing: true,
  seen: true,
  'note:send': true,
  'presence:set': true,
} satisfies Record<keyof AgentClientToServerEvents, true>) as (keyof AgentClientToServerEvents)[];
