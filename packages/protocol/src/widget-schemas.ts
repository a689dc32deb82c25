// Runtime schemas for the widget's settings and events. Settings fill every missing field with
// its default, so a site stored before a setting existed still parses to a complete SiteSettings.
import { z } from 'zod';
import { MAX_LAUNCHER_OFFSET, MAX_MESSAGE_LENGTH } from './limits';
import {
  bounded,
  clientIdSchema,
  emailSchema,
  httpUrlSchema,
  idSchema,
  patterned,
  timeZoneSchema,
} from './primitives';
import {
  type OfflineMessagePayload,
  type RatePayload,
  type SiteSettings,
  type VisitorAttributesPayload,
  type VisitorContextPayload,
  type VisitorProfilePayload,
  WIDGET_LANGUAGES,
} from './widget';

/** A plain line of text: trimmed, no control characters. */
const line = (max: number) =>
  bounded(max)
    // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
    .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'must not contain control characters')
    .transform((s) => s.trim());

const httpUrl = httpUrlSchema(2000);

/** Pixels between the launcher and the window's edge: the loader clamps a page's own to the same range. */
const launcherOffset = z.number().int().min(0).max(MAX_LAUNCHER_OFFSET).default(20);

const time = patterned(5, /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'must be HH:MM');

const FIELD_KEY = /^[a-zA-Z][a-zA-Z0-9_]{0,31}$/;

const preChatFieldSchema = z.strictObject({
  key: patterned(32, FIELD_KEY, 'must be a short identifier'),
  label: line(100).refine((s) => s.length > 0, 'must not be empty'),
  type: z.enum(['text', 'email', 'tel']),
  required: z.boolean(),
});

const proactiveMessageSchema = z.strictObject({
  id: patterned(32, /^[A-Za-z0-9_-]{1,32}$/, 'must be 1-32 letters, digits, "-" or "_"'),
  text: line(500).refine((s) => s.length > 0, 'must not be empty'),
  delaySec: z.number().int().min(0).max(3600),
  urlPattern: z.string().min(1).max(500).nullable(),
});

export const siteSettingsSchema = z.strictObject({
  theme: z
    .strictObject({
      color: patterned(7, /^#[0-9a-fA-F]{6}$/, 'must be a #rrggbb colour').default('#4f46e5'),
      position: z.enum(['left', 'right']).default('right'),
      offset: z.strictObject({ bottom: launcherOffset, side: launcherOffset }).prefault({}),
      launcherText: line(40).default('Chat with us'),
      logoUrl: httpUrl.nullable().default(null),
    })
    .prefault({}),
  language: z.enum(['auto', ...WIDGET_LANGUAGES]).default('auto'),
  preChat: z
    .strictObject({
      enabled: z.boolean().default(false),
      fields: z.array(preChatFieldSchema).max(10).default([]),
      consentText: line(500).nullable().default(null),
      privacyUrl: httpUrl.nullable().default(null),
    })
    .refine(
      (p) => new Set(p.fields.map((f) => f.key)).size === p.fields.length,
      'pre-chat field keys must be unique',
    )
    .prefault({}),
  businessHours: z
    .strictObject({
      enabled: z.boolean().default(false),
      timeZone: timeZoneSchema.default('UTC'),
      intervals: z
        .array(
          z
            .strictObject({ day: z.number().int().min(0).max(6), from: time, to: time })
            .refine((i) => i.from < i.to, 'from must be before to'),
        )
        .max(50)
        .default([]),
    })
    .prefault({}),
  offline: z
    .strictObject({
      behaviour: z.enum(['hide', 'form', 'chat']).default('chat'),
      expectedReplyMinutes: z
        .number()
        .int()
        .min(1)
        .max(7 * 24 * 60)
        .default(60),
    })
    .prefault({}),
  proactive: z.array(proactiveMessageSchema).max(20).default([]),
}) satisfies z.ZodType<SiteSettings, unknown>;

export const visitorContextSchema = z.strictObject({
  viewId: clientIdSchema.optional(),
  url: httpUrl,
  title: line(300).optional(),
  referrer: z.union([httpUrl, z.literal('')]).optional(),
  language: patterned(100, /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/, 'must be a language tag').optional(),
  timeZone: timeZoneSchema.optional(),
  screen: z
    .strictObject({
      width: z.number().int().min(0).max(100_000),
      height: z.number().int().min(0).max(100_000),
    })
    .optional(),
}) satisfies z.ZodType<VisitorContextPayload, unknown>;

const MAX_VISITOR_ATTRIBUTES = 50;

const ATTRIBUTE_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
const ATTRIBUTE_NAME_RULE = 'attribute names are letters, digits, "-" or "_"';

export const visitorAttributesSchema = z.strictObject({
  // The raw keys are checked first: a record silently drops an own `__proto__` key, which must be
  // refused like any other bad name rather than vanish.
  attributes: z
    .custom<object>(
      (value) =>
        typeof value === 'object' &&
        value !== null &&
        Object.keys(value).every((k) => k.length <= 64 && ATTRIBUTE_NAME.test(k)),
      ATTRIBUTE_NAME_RULE,
    )
    .pipe(
      z
        .record(
          patterned(64, ATTRIBUTE_NAME, ATTRIBUTE_NAME_RULE),
          z.union([line(500), z.number().finite(), z.boolean(), z.null()]),
        )
        .refine(
          (a) => Object.keys(a).length <= MAX_VISITOR_ATTRIBUTES,
          `at most ${MAX_VISITOR_ATTRIBUTES} attributes`,
        ),
    ),
}) satisfies z.ZodType<VisitorAttributesPayload, unknown>;

export const visitorProfileSchema = z.strictObject({
  name: line(200).optional(),
  email: emailSchema.optional(),
  fields: z
    .record(patterned(32, FIELD_KEY, 'must be a short identifier'), line(500))
    .refine((f) => Object.keys(f).length <= 10, 'at most 10 fields')
    .optional(),
  consent: z.boolean().optional(),
}) satisfies z.ZodType<VisitorProfilePayload, unknown>;

export const visitorEmailSchema = z.strictObject({ email: emailSchema });

export const availabilitySchema = z.strictObject({});

export const offlineMessageSchema = z.strictObject({
  startKey: clientIdSchema,
  clientMsgId: clientIdSchema,
  name: line(200).optional(),
  email: emailSchema,
  body: bounded(MAX_MESSAGE_LENGTH, `messages are limited to ${MAX_MESSAGE_LENGTH} characters`)
    .transform((s) => s.trim())
    .refine((s) => s.length > 0, 'must not be empty'),
}) satisfies z.ZodType<OfflineMessagePayload, unknown>;

export const rateSchema = z.strictObject({
  conversationId: idSchema,
  score: z.number().int().min(1).max(5),
  comment: line(1000).optional(),
}) satisfies z.ZodType<RatePayload, unknown>;
