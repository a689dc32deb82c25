// Runtime schemas for every inbound payload. Types say what a payload should be; these check
// what it is. Each schema sits beside the type it guards and is strict: unknown keys are refused.
import { z } from 'zod';
import type {
  AgentAuth,
  SeenPayload,
  SendMessagePayload,
  StartConversationPayload,
  SyncPayload,
  TypingPayload,
  VisitorAuth,
} from './events';
import { MAX_SYNC_CONVERSATIONS } from './limits';
import {
  bounded,
  clientIdSchema,
  emailAddressSchema,
  idSchema,
  messageBodySchema,
  patterned,
  seqSchema,
} from './primitives';

export {
  bounded,
  clientIdSchema,
  emailAddressSchema,
  emailSchema,
  httpUrlSchema,
  idSchema,
  isHttpUrl,
  isTimeZone,
  messageBodySchema,
  patterned,
  timeZoneSchema,
} from './primitives';

export const startConversationSchema = z.strictObject({
  startKey: clientIdSchema,
}) satisfies z.ZodType<StartConversationPayload>;

export const sendMessageSchema = z.strictObject({
  conversationId: idSchema,
  clientMsgId: clientIdSchema,
  body: messageBodySchema,
  retry: z.boolean().optional(),
}) satisfies z.ZodType<SendMessagePayload, unknown>;

export const syncSchema = z.strictObject({
  conversations: z
    .array(z.strictObject({ conversationId: idSchema, afterSeq: seqSchema }))
    .max(MAX_SYNC_CONVERSATIONS, `at most ${MAX_SYNC_CONVERSATIONS} conversations per sync`),
}) satisfies z.ZodType<SyncPayload>;

export const typingSchema = z.strictObject({
  conversationId: idSchema,
  typing: z.boolean(),
}) satisfies z.ZodType<TypingPayload>;

export const seenSchema = z.strictObject({
  conversationId: idSchema,
  seq: seqSchema,
}) satisfies z.ZodType<SeenPayload>;

const tokenSchema = patterned(128, /^[A-Za-z0-9_-]{20,128}$/, 'malformed token');

export const visitorAuthSchema = z.strictObject({
  siteKey: patterned(64, /^[A-Za-z0-9_-]{8,64}$/, 'malformed site key'),
  token: tokenSchema.optional(),
  identity: z
    .strictObject({
      // No control characters: a line break would make "id\nemail" signable as an id alone.
      userId: bounded(200)
        .min(1)
        // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
        .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'must not contain control characters'),
      hash: patterned(64, /^[0-9a-f]{64}$/, 'hash must be hex HMAC-SHA256'),
      name: z.string().max(200).optional(),
      email: emailAddressSchema.optional(),
    })
    .optional(),
}) satisfies z.ZodType<VisitorAuth>;

export const agentAuthSchema = z.strictObject({
  token: tokenSchema,
}) satisfies z.ZodType<AgentAuth>;

/** One line naming what is wrong with a payload, for the `message` of a bad_request ack. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}

export * from './console-schemas';
export * from './email-schemas';
export * from './email-widget';
export {
  bookMeetingSchema,
  calendarDateSchema,
  cancelMeetingSchema,
  instantSchema,
  linkCancelMeetingSchema,
  linkRescheduleMeetingSchema,
  meetingLinksSchema,
  offerMeetingSchema,
  recordOutcomeSchema,
  rescheduleMeetingSchema,
  scheduleInputSchema,
  siteMeetingSettingsSchema,
  slotQuerySchema,
  upcomingQuerySchema,
  wallTimeSchema,
} from './meeting-schemas';
export * from './report-schemas';
export * from './widget-schemas';
