// Parley's wire protocol: domain types, event maps, error codes and limits. No I/O, no zod:
// the runtime schemas live in `@parley/protocol/schemas` so browser bundles stay small.

export type {
  AgentProfile,
  AgentRole,
  CannedResponse,
  ConversationAction,
  ConversationDetails,
  InboxCounts,
  InboxItem,
  InboxQuery,
  InboxView,
  NotePayload,
  PageView,
  Presence,
  SiteAdminUpdate,
  SiteAdminView,
  Team,
  VisitorContext,
  VisitorPanel,
} from './console';
export { fillVariables, INBOX_VIEWS } from './console';
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
  VisitorConversation,
  VisitorSession,
} from './domain';
export { VISITOR_CONVERSATION_FIELDS } from './domain';
export type {
  EmailAttachmentView,
  EmailSiteSettings,
  EmailThreadView,
  EmailView,
  EscalatePayload,
  HeldEmailView,
  HeldReason,
  MailboxEntry,
  MailboxReplyPayload,
  TranscriptPayload,
} from './email';
export type {
  BackToChatPayload,
  ContinueLinkPayload,
  ContinueLinkResult,
  EmailMeInsteadPayload,
  EmailWidgetClientToServerEvents,
} from './email-widget';
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
  AGENT_EVENTS,
  AGENT_NAMESPACE,
  VISITOR_EVENTS,
  VISITOR_NAMESPACE,
} from './events';
export {
  MAX_LAUNCHER_OFFSET,
  MAX_MESSAGE_LENGTH,
  MAX_PACKET_BYTES,
  MAX_SYNC_CONVERSATIONS,
  SYNC_PAGE_SIZE,
} from './limits';
export type {
  ActionItem,
  AgentSchedule,
  Attendee,
  BookMeetingPayload,
  CancelMeetingPayload,
  DateException,
  HoursRange,
  LinkCancelMeetingPayload,
  LinkRescheduleMeetingPayload,
  Meeting,
  MeetingEventName,
  MeetingLinks,
  MeetingLinksPayload,
  MeetingLinkTemplate,
  MeetingOutcome,
  MeetingStatus,
  MeetingWidgetClientToServerEvents,
  OfferMeetingPayload,
  RecordOutcomePayload,
  RescheduleMeetingPayload,
  ScheduleInput,
  SiteMeetingSettings,
  SiteMeetingSettingsInput,
  Slot,
  WeeklyHours,
} from './meetings';
export type {
  Availability,
  BusinessHoursInterval,
  ConversationRating,
  OfflineMessagePayload,
  PreChatField,
  ProactiveMessage,
  RatePayload,
  SiteSettings,
  VisitorAttributes,
  VisitorAttributesPayload,
  VisitorContextPayload,
  VisitorProfilePayload,
  WidgetLanguage,
  WidgetSite,
} from './widget';
export { WIDGET_LANGUAGES } from './widget';
