// Parley's wire protocol: domain types, event maps, error codes and limits. No I/O, no zod:
// the runtime schemas live in `@parley/protocol/schemas` so browser bundles stay small.
export type {
  Author,
  AuthorKind,
  Channel,
  Conversation,
  ConversationStatus,
  Message,
  Priority,
  SeenEvent,
  TimelineEntryType,
  TypingEvent,
  Visibility,
  VisitorSession,
} from './domain';
export type { ErrorCode, Failure, Result } from './errors';
export { ERROR_CODES, failure, HTTP_STATUS, RETRYABLE_CODES } from './errors';
export type {
  Ack,
  AgentAuth,
  AgentClientToServerEvents,
  ClientToServerEvents,
  SeenPayload,
  SendMessagePayload,
  ServerToClientEvents,
  StartConversationPayload,
  SyncPayload,
  SyncResult,
  TypingPayload,
  VisitorAuth,
  VisitorClientToServerEvents,
} from './events';
export {
  AGENT_NAMESPACE,
  VISITOR_NAMESPACE,
} from './events';
export { MAX_MESSAGE_LENGTH, MAX_PACKET_BYTES, SYNC_PAGE_SIZE } from './limits';
