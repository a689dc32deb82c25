// Runtime schemas for what the console sends: sign-in, administration, inbox queries and
// conversation actions. Strict like the others: unknown keys are refused.
import { z } from 'zod';
import type {
  AcceptInvitePayload,
  AgentUpdate,
  CannedPayload,
  ConversationAction,
  InboxChange,
  InboxQuery,
  InvitePayload,
  LoginPayload,
  NotePayload,
  SiteAdminUpdate,
  SiteCreatePayload,
} from './console';
import { INBOX_VIEWS } from './console';
import {
  bounded,
  clientIdSchema,
  emailAddressSchema,
  idSchema,
  messageBodySchema,
  patterned,
} from './primitives';
import { siteSettingsSchema } from './widget-schemas';

const PRIORITIES = ['none', 'low', 'medium', 'high', 'urgent'] as const;

/** At least 10 characters: long passwords beat clever ones. */
const passwordSchema = z
  .string()
  .min(10, 'passwords need at least 10 characters')
  .max(200, 'passwords are at most 200 characters');

const nameSchema = bounded(200).trim().min(1, 'must not be empty');

export const loginSchema = z.strictObject({
  email: emailAddressSchema,
  password: z.string().min(1, 'enter your password').max(200),
}) satisfies z.ZodType<LoginPayload, unknown>;

export const passwordChangeSchema = z.strictObject({
  currentPassword: z.string().min(1).max(200),
  newPassword: passwordSchema,
});

export const presenceSchema = z.strictObject({ presence: z.enum(['online', 'away', 'offline']) });

export const inviteSchema = z.strictObject({
  email: emailAddressSchema,
  name: nameSchema,
  role: z.enum(['admin', 'agent']).default('agent'),
  siteIds: z.array(idSchema).max(100).default([]),
  teamIds: z.array(idSchema).max(50).default([]),
}) satisfies z.ZodType<Required<InvitePayload>, InvitePayload>;

export const acceptInviteSchema = z.strictObject({
  token: patterned(128, /^[A-Za-z0-9_-]{20,128}$/, 'malformed invite token'),
  password: passwordSchema,
}) satisfies z.ZodType<AcceptInvitePayload, unknown>;

export const agentUpdateSchema = z.strictObject({
  name: nameSchema.optional(),
  role: z.enum(['admin', 'agent']).optional(),
  siteIds: z.array(idSchema).max(100).optional(),
  teamIds: z.array(idSchema).max(50).optional(),
  active: z.boolean().optional(),
}) satisfies z.ZodType<AgentUpdate, unknown>;

export const teamSchema = z.strictObject({ name: nameSchema });

export const cannedSchema = z.strictObject({
  shortcut: bounded(100)
    .trim()
    .regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'shortcuts are 1-32 lower-case letters, digits, "-" or "_"'),
  body: messageBodySchema,
  shared: z.boolean().default(false),
}) satisfies z.ZodType<Required<CannedPayload>, CannedPayload>;

const tagSchema = bounded(100)
  .trim()
  .toLowerCase()
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} _-]{0,39}$/u, 'tags are 1-40 letters, digits, spaces, "-" or "_"');

export const inboxQuerySchema = z.strictObject({
  view: z.enum(INBOX_VIEWS).default('open'),
  siteId: idSchema.optional(),
  channel: z.enum(['chat', 'email', 'meeting']).optional(),
  status: z.enum(['open', 'pending', 'snoozed', 'resolved']).optional(),
  priority: z.enum(PRIORITIES).optional(),
  tag: tagSchema.optional(),
  assigneeId: idSchema.optional(),
  teamId: idSchema.optional(),
  sort: z.enum(['waiting', 'activity']).default('activity'),
  q: bounded(200).trim().min(1).optional(),
}) satisfies z.ZodType<InboxQuery, unknown>;

export const conversationActionSchema = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('assign'), assigneeId: idSchema, from: idSchema.nullable() }),
  z.strictObject({ action: z.literal('unassign'), from: idSchema.nullable() }),
  z.strictObject({
    action: z.literal('transfer'),
    from: idSchema.nullable(),
    to: z.union([z.strictObject({ agentId: idSchema }), z.strictObject({ teamId: idSchema })]),
    note: messageBodySchema,
  }),
  z.strictObject({ action: z.literal('priority'), priority: z.enum(PRIORITIES) }),
  z.strictObject({ action: z.literal('tag'), tag: tagSchema }),
  z.strictObject({ action: z.literal('untag'), tag: tagSchema }),
  z.strictObject({
    action: z.literal('snooze'),
    until: bounded(64)
      .pipe(z.iso.datetime({ offset: true }))
      .refine((s) => Date.parse(s) > Date.now(), 'must be in the future'),
  }),
  z.strictObject({ action: z.literal('resolve') }),
  z.strictObject({ action: z.literal('reopen') }),
]) satisfies z.ZodType<ConversationAction, unknown>;

export const noteSchema = z.strictObject({
  conversationId: idSchema,
  clientMsgId: clientIdSchema,
  body: messageBodySchema,
}) satisfies z.ZodType<NotePayload, unknown>;

/** scheme://host[:port] of an http(s) page that may embed the widget. */
const originSchema = bounded(300)
  .trim()
  .toLowerCase()
  .regex(
    /^https?:\/\/[a-z0-9-]+(\.[a-z0-9-]+)*(:\d{1,5})?$/,
    'origins look like https://shop.example.com (scheme, host and port only)',
  );

export const siteCreateSchema = z.strictObject({
  name: nameSchema,
  allowedOrigins: z.array(originSchema).max(50).default([]),
}) satisfies z.ZodType<Required<SiteCreatePayload>, SiteCreatePayload>;

export const siteAdminUpdateSchema = z.strictObject({
  name: nameSchema.optional(),
  allowedOrigins: z.array(originSchema).max(50).optional(),
  assignment: z.enum(['manual', 'balanced']).optional(),
  firstResponseTargetSec: z
    .number()
    .int()
    .min(10)
    .max(7 * 24 * 3600)
    .optional(),
  widget: siteSettingsSchema.optional(),
  redaction: z.strictObject({ iban: z.boolean(), nationalIds: z.boolean() }).optional(),
}) satisfies z.ZodType<SiteAdminUpdate, unknown>;

const isoDate = bounded(40).regex(/^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/, 'must be an ISO date');
const seqSchema = z.number().int().min(0);
const STATUSES = ['open', 'pending', 'snoozed', 'resolved'] as const;
const authorSchema = z.strictObject({
  kind: z.enum(['visitor', 'agent', 'system']),
  id: bounded(64),
  name: bounded(200).optional(),
});

/**
 * The agent event `inbox` as the relay sends it: what a client may check an announcement
 * against (the relay's tests do, for every one they receive).
 */
export const inboxChangeSchema = z.strictObject({
  item: z.strictObject({
    conversation: z.strictObject({
      id: idSchema,
      siteId: idSchema,
      visitorId: idSchema,
      status: z.enum(STATUSES),
      channel: z.enum(['chat', 'email']),
      assigneeId: idSchema.nullable(),
      priority: z.enum(PRIORITIES),
      tags: z.array(bounded(100)).max(100),
      seq: seqSchema,
      visitorSeenSeq: seqSchema,
      agentSeenSeq: seqSchema,
      createdAt: isoDate,
      lastMessageAt: isoDate.nullable(),
      firstResponseAt: isoDate.nullable(),
      resolvedAt: isoDate.nullable(),
      emailTo: bounded(320).nullable().optional(),
      teamId: idSchema.nullable().optional(),
      snoozedUntil: isoDate.nullable().optional(),
      waitingSince: isoDate.nullable().optional(),
      rating: z
        .strictObject({
          score: z.number().int().min(1).max(5),
          comment: bounded(2000).nullable(),
          ratedAt: bounded(40),
        })
        .nullable()
        .optional(),
    }),
    visitorName: bounded(400),
    preview: z
      .strictObject({
        body: bounded(100_000),
        author: authorSchema,
        createdAt: isoDate,
        type: z.enum(['message', 'note', 'event']),
      })
      .nullable(),
    revision: seqSchema.optional(),
  }),
  revision: z.number().int().min(1),
  before: z
    .strictObject({ status: z.enum(STATUSES), assigneeId: idSchema.nullable() })
    .nullable()
    .optional(),
}) satisfies z.ZodType<InboxChange, unknown>;
