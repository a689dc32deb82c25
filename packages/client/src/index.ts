// The Parley client: what the widget, the console and the tests use to talk to the relay.
export {
  ChatClient,
  type ChatClientEvents,
  type ChatClientOptions,
  type ConversationOf,
  newClientId,
  type TimelineEntry,
} from './chat-client';
export {
  type AgentChatClient,
  type AgentConnectOptions,
  connectAgent,
  connectVisitor,
  type VisitorChatClient,
  type VisitorConnectOptions,
} from './connect';
export { type KeyValueStore, memoryStore, type OutboxItem } from './outbox';
