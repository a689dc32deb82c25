// The widget's side of the email channel: "Email me instead" and "switch back to chat", as visitor
// socket events, with the runtime schemas that guard them.
import { z } from 'zod';
import type { VisitorConversation } from './domain';
import type { Ack } from './events';
import { emailAddressSchema, idSchema } from './primitives';

/** `conversation:email`: the visitor asks to continue their conversation by email. */
export interface EmailMeInsteadPayload {
  conversationId: string;
  /** Needed only when the visitor has not given an address before. */
  email?: string;
}

/** `conversation:chat`: the visitor, back in the widget, switches their conversation to chat. */
export interface BackToChatPayload {
  conversationId: string;
}

/** Visitor → relay email events. Merged into VisitorClientToServerEvents. */
export type EmailWidgetClientToServerEvents = {
  'conversation:email': (
    payload: EmailMeInsteadPayload,
    ack: Ack<{ conversation: VisitorConversation }>,
  ) => void;
  'conversation:chat': (payload: BackToChatPayload, ack: Ack<{ conversation: VisitorConversation }>) => void;
};

/** @example emailMeInsteadSchema.parse({ conversationId: '65f0…', email: 'Jane@Example.com' }) */
export const emailMeInsteadSchema = z.strictObject({
  conversationId: idSchema,
  email: emailAddressSchema.optional(),
}) satisfies z.ZodType<EmailMeInsteadPayload, unknown>;

export const backToChatSchema = z.strictObject({ conversationId: idSchema }) satisfies z.ZodType<
  BackToChatPayload,
  unknown
>;

/**
 * `POST /api/email/continue`: the widget takes over a "continue in the browser" link. With
 * `device`, a browser that is not yet the visitor's gets a token of its own (once per link).
 */
export interface ContinueLinkPayload {
  token: string;
  device?: boolean;
}

export interface ContinueLinkResult {
  conversationId: string;
  visitorId: string;
  siteKey: string;
  /** Only with `device`: the new browser's visitor token. */
  visitorToken?: string;
}

export const continueLinkSchema = z.strictObject({
  token: z.string().min(1).max(512),
  device: z.boolean().optional(),
}) satisfies z.ZodType<ContinueLinkPayload, unknown>;
