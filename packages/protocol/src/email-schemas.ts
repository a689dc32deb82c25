// Runtime schemas for the email channel's HTTP payloads.
import { z } from 'zod';
import type { EmailSiteSettings, EscalatePayload, MailboxReplyPayload, TranscriptPayload } from './email';
import { MAX_MESSAGE_LENGTH } from './limits';
import { bounded, emailAddressSchema } from './primitives';

export const escalateSchema = z.strictObject({
  address: emailAddressSchema.optional(),
}) satisfies z.ZodType<EscalatePayload, unknown>;

export const transcriptSchema = z.strictObject({
  address: emailAddressSchema.optional(),
}) satisfies z.ZodType<TranscriptPayload, unknown>;

export const mailboxReplySchema = z.strictObject({
  body: bounded(MAX_MESSAGE_LENGTH)
    .transform((s) => s.trim())
    .refine((s) => s.length > 0, 'must not be empty'),
}) satisfies z.ZodType<MailboxReplyPayload, unknown>;

export const emailSiteSettingsSchema = z.strictObject({
  transcriptOnResolve: z.boolean(),
}) satisfies z.ZodType<EmailSiteSettings, unknown>;
