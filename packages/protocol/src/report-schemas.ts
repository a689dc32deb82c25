// Runtime schemas of the business calendar and of report queries. Length before pattern; every
// list bounded.
import { z } from 'zod';
import type { BusinessCalendar } from './calendar';
import { METRIC_NAMES } from './metrics';
import { bounded, idSchema, patterned, timeZoneSchema } from './primitives';

const time = patterned(5, /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'must be HH:MM');
const date = patterned(10, /^\d{4}-\d{2}-\d{2}$/, 'must be a date "YYYY-MM-DD"');

export const businessCalendarSchema = z.strictObject({
  enabled: z.boolean().default(false),
  timeZone: timeZoneSchema.default('UTC'),
  intervals: z
    .array(
      z
        .strictObject({ day: z.number().int().min(0).max(6), from: time, to: time })
        .refine((i) => i.from < i.to, 'from must be before to'),
    )
    .max(70)
    .default([]),
  holidays: z.array(date).max(400).default([]),
}) satisfies z.ZodType<BusinessCalendar, unknown>;

/** Longest range a report covers, and the most buckets a series may have. */
export const REPORT_MAX_DAYS = 400;
export const REPORT_MAX_BUCKETS = 800;
/** Most values one filter takes, and all filters together. */
export const REPORT_MAX_FILTER_VALUES = 20;
export const REPORT_MAX_FILTERS_TOTAL = 50;

export const REPORT_FILTERS = ['channel', 'agent', 'team', 'tag', 'priority', 'issueType', 'site'] as const;
export type ReportFilter = (typeof REPORT_FILTERS)[number];

/** A query string value given once or repeated (`?tag=a&tag=b`), also comma-separated. */
const many = <T extends string>(item: z.ZodType<T, string>) =>
  z
    .union([bounded(1000), z.array(bounded(1000)).max(REPORT_MAX_FILTER_VALUES)])
    .transform((v) => (Array.isArray(v) ? v : v.split(',')).map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(item).max(REPORT_MAX_FILTER_VALUES))
    .optional();

const instant = bounded(40).refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO date-time');
const nullableId = z.union([idSchema, z.literal('none')]);

export const reportMetricSchema = z.enum(METRIC_NAMES);

export const reportQuerySchema = z
  .strictObject({
    since: instant,
    until: instant,
    tz: timeZoneSchema.optional(),
    groupBy: z.enum(['hour', 'day', 'week', 'month']).default('day'),
    businessHours: z
      .enum(['true', 'false', '1', '0'])
      .default('false')
      .transform((v) => v === 'true' || v === '1'),
    site: many(idSchema),
    channel: many(z.enum(['chat', 'email'])),
    agent: many(nullableId),
    team: many(nullableId),
    tag: many(bounded(64)),
    priority: many(z.enum(['none', 'low', 'medium', 'high', 'urgent'])),
    issueType: many(bounded(64)),
    /** Drill-down only: the start of the bucket whose conversations to list. */
    bucket: instant.optional(),
  })
  .refine((q) => Date.parse(q.since) < Date.parse(q.until), 'since must be before until')
  .refine(
    (q) => Date.parse(q.until) - Date.parse(q.since) <= REPORT_MAX_DAYS * 86_400_000,
    `a report covers at most ${REPORT_MAX_DAYS} days`,
  )
  .refine(
    (q) => REPORT_FILTERS.reduce((n, f) => n + (q[f]?.length ?? 0), 0) <= REPORT_MAX_FILTERS_TOTAL,
    `at most ${REPORT_MAX_FILTERS_TOTAL} filter values in all`,
  )
  .refine((q) => {
    const hours = (Date.parse(q.until) - Date.parse(q.since)) / 3_600_000;
    const per = { hour: 1, day: 24, week: 168, month: 672 }[q.groupBy];
    return hours / per <= REPORT_MAX_BUCKETS;
  }, `at most ${REPORT_MAX_BUCKETS} buckets: group by a longer period`);

export type ReportQuery = z.output<typeof reportQuerySchema>;
