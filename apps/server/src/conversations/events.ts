// What the conversations domain announces after each write. Realtime fans these out; other
// domains (email, analytics) subscribe to react. Listeners run after the write is durable.
import { EventEmitter } from 'node:events';
import type { Conversation, Message, SeenEvent } from '@parley/protocol';
import type { Route } from './writer';

export interface ConversationEventMap {
  /**
   * A message was stored for the first time (retries do not re-announce). `origin` is the socket
   * that sent it, which already has it in its ack.
   */
  message: [message: Message, route: Route, origin: string | undefined];
  /** A conversation was created or changed (status, assignee, tags, channel...). */
  conversation: [conversation: Conversation];
  seen: [event: SeenEvent, route: Route];
}

export class ConversationEvents extends EventEmitter<ConversationEventMap> {}
