// Runtime schemas for meeting payloads: schedules, site settings, offers, bookings, outcomes.
// Strict like the rest: unknown keys are refused, times are validated before any date math runs.
import { z } from 'zod';
import type {
  BookMeetingPayload,
  CancelMeetingPayload,
  LinkCancelMeetingPayload,
  LinkRescheduleMeetingPayload,
  MeetingLinksPayload,
  OfferMeetingPayload,
  RecordOutcomePayload,
  RescheduleMeetingPayload,
  ScheduleInput,
  SiteMeetingSettingsInput,
} from './meetings';
import { bounded, emailSchema, idSchema, patterned, timeZoneSchema } from './primitives';

/** "HH:mm", 00:00 to 24:00. */
export const wallTimeSchema = patterned(
  5,
  /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/,
  'must be a time "HH:mm" between 00:00 and 24:00',
);

/** "YYYY-MM-DD" that names a real calendar date. */
export const calendarDateSchema = patterned(10, /^\d{4}-\d{2}-\d{2}$/, 'must be a date "YYYY-MM-DD"').refine(
  (s) => {
    const [y, m, d] = s.split('-').map(Number) as [number, number, number];
    const date = new Date(Date.UTC(y, m - 1, d));
    return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
  },
  'must be a real calendar date',
);

/** An ISO 8601 instant with its offset or Z, e.g. "2026-03-29T07:00:00.000Z". */
export const instantSchema = bounded(64).pipe(z.iso.datetime({ offset: true }));

const hoursRangeSchema = z
  .strictObject({ start: wallTimeSchema, end: wallTimeSchema })
  .refine((r) => r.start < r.end, 'a range must end after it starts');

const lengthSchema = z.number().int().min(5).max(480);

export const scheduleInputSchema = z.strictObject({
  timeZone: timeZoneSchema,
  weekly: z
    .array(
      z
        .strictObject({
          day: z.literal([0, 1, 2, 3, 4, 5, 6]),
          start: wallTimeSchema,
          end: wallTimeSchema,
        })
        .refine((r) => r.start < r.end, 'a range must end after it starts'),
    )
    .max(50),
  exceptions: z
    .array(z.strictObject({ date: calendarDateSchema, hours: z.array(hoursRangeSchema).max(10) }))
    .max(400)
    .refine((list) => new Set(list.map((e) => e.date)).size === list.length, 'one exception per date'),
  lengths: z.array(lengthSchema).min(1).max(10),
}) satisfies z.ZodType<ScheduleInput>;

const httpsOrHttpUrl = bounded(500).refine((s) => /^https?:\/\//.test(s), 'must be an http(s) URL');

export const siteMeetingSettingsSchema = z.strictObject({
  minNoticeMinutes: z
    .number()
    .int()
    .min(0)
    .max(60 * 24 * 30),
  horizonDays: z.number().int().min(1).max(365),
  bufferMinutes: z.number().int().min(0).max(240),
  slotStepMinutes: z.number().int().min(5).max(240),
  reminderMinutes: z
    .array(
      z
        .number()
        .int()
        .min(1)
        .max(60 * 24 * 14),
    )
    .max(5),
  link: z.discriminatedUnion('kind', [
    z.strictObject({
      kind: z.literal('video'),
      pattern: httpsOrHttpUrl.refine((s) => s.includes('{room}'), 'must contain "{room}"'),
    }),
    z.strictObject({ kind: z.literal('fixed'), url: httpsOrHttpUrl }),
    z.strictObject({
      kind: z.literal('phone'),
      number: patterned(31, /^\+?[0-9 ()-]{5,30}$/, 'must be a phone number'),
    }),
  ]),
}) satisfies z.ZodType<SiteMeetingSettingsInput>;

const textSchema = (max: number) =>
  bounded(max)
    .refine((s) => !s.includes('\u0000'), 'must not contain NUL characters')
    .transform((s) => s.trim());

export const offerMeetingSchema = z.strictObject({
  conversationId: idSchema,
  lengthMinutes: lengthSchema,
  agentIds: z.array(idSchema).min(1).max(50).optional(),
  title: textSchema(200).optional(),
  agenda: textSchema(4000).refine((s) => s.length > 0, 'must not be empty'),
}) satisfies z.ZodType<OfferMeetingPayload, unknown>;

const linkTokenSchema = patterned(56, /^[0-9a-z]{1,12}\.[A-Za-z0-9_-]{43}$/, 'malformed link token');

const attendeeSchema = z.strictObject({
  name: textSchema(200).refine((s) => s.length > 0, 'must not be empty'),
  email: emailSchema,
});

export const bookMeetingSchema = z.strictObject({
  token: linkTokenSchema,
  start: instantSchema,
  timeZone: timeZoneSchema,
  attendee: attendeeSchema,
}) satisfies z.ZodType<BookMeetingPayload, unknown>;

export const rescheduleMeetingSchema = z.strictObject({
  start: instantSchema,
  timeZone: timeZoneSchema.optional(),
}) satisfies z.ZodType<RescheduleMeetingPayload>;

export const linkRescheduleMeetingSchema = z.strictObject({
  token: linkTokenSchema,
  start: instantSchema,
  timeZone: timeZoneSchema,
}) satisfies z.ZodType<LinkRescheduleMeetingPayload>;

export const cancelMeetingSchema = z.strictObject({
  reason: textSchema(1000).optional(),
}) satisfies z.ZodType<CancelMeetingPayload, unknown>;

export const linkCancelMeetingSchema = z.strictObject({
  token: linkTokenSchema,
  reason: textSchema(1000).optional(),
}) satisfies z.ZodType<LinkCancelMeetingPayload, unknown>;

export const recordOutcomeSchema = z.strictObject({
  notes: textSchema(10_000),
  decisions: z.array(textSchema(1000).refine((s) => s.length > 0, 'must not be empty')).max(50),
  actionItems: z
    .array(
      z.strictObject({
        text: textSchema(1000).refine((s) => s.length > 0, 'must not be empty'),
        owner: textSchema(200).refine((s) => s.length > 0, 'must not be empty'),
        due: calendarDateSchema,
      }),
    )
    .max(50),
}) satisfies z.ZodType<RecordOutcomePayload, unknown>;

export const meetingLinksSchema = z.strictObject({ meetingId: idSchema }) satisfies z.ZodType<
  MeetingLinksPayload,
  unknown
>;

/** Query of the slot routes: the zone to present slots in. */
export const slotQuerySchema = z.strictObject({
  token: linkTokenSchema,
  timeZone: timeZoneSchema,
});

/** Query of the upcoming-meetings list: a day or a week from a date, in a zone. */
export const upcomingQuerySchema = z.strictObject({
  range: z.enum(['day', 'week']).default('week'),
  from: calendarDateSchema.optional(),
  timeZone: timeZoneSchema.optional(),
  agentId: idSchema.optional(),
});
