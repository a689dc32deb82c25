// The reporting metrics, written once: their names, what each one means (shown in the console as
// tooltips) and the shapes of a report's rows. The server computes them from reporting events
// (apps/server/src/analytics); the console and the REST API present them. No I/O, no zod here:
// the schemas are in report-schemas.ts.

export const METRIC_NAMES = [
  'first_response_time',
  'reply_time',
  'resolution_time',
  'last_resolution_time',
  'first_contact_resolution',
  'csat',
  'volume',
  'sla_hit_rate',
] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

export type MetricKind = 'duration' | 'rate' | 'volume';

export interface MetricDefinition {
  name: MetricName;
  kind: MetricKind;
  label: string;
  /** The definition, in one or two sentences: the console shows it as the metric's tooltip. */
  description: string;
}

/** Days after a resolve within which a reopen means the first contact did not resolve it. */
export const FCR_REOPEN_DAYS = 7;

export const METRICS: Record<MetricName, MetricDefinition> = {
  first_response_time: {
    name: 'first_response_time',
    kind: 'duration',
    label: 'First response time',
    description:
      "Time from the clock start (the visitor's first message, or the reopen) to the first public reply by a human agent. Notes, system events, automatic messages and rating prompts never stop the clock.",
  },
  reply_time: {
    name: 'reply_time',
    kind: 'duration',
    label: 'Reply time',
    description: "Time from the visitor's oldest unanswered message to each public reply by a human agent.",
  },
  resolution_time: {
    name: 'resolution_time',
    kind: 'duration',
    label: 'Time to first resolution',
    description: 'Time from the start of the conversation to its first resolve.',
  },
  last_resolution_time: {
    name: 'last_resolution_time',
    kind: 'duration',
    label: 'Time to last resolution',
    description:
      'Time from the start of the conversation to its latest resolve in the period (after any reopens).',
  },
  first_contact_resolution: {
    name: 'first_contact_resolution',
    kind: 'rate',
    label: 'First-contact resolution',
    description: `Share of first resolves that stayed resolved (no reopen within ${FCR_REOPEN_DAYS} days), with one human agent, no transfer and no escalation to email or a meeting. One-touch: of those, resolved with at most one agent reply.`,
  },
  csat: {
    name: 'csat',
    kind: 'rate',
    label: 'Customer satisfaction',
    description:
      'Ratings of 4 or 5 over all ratings. Response rate: ratings given over rating prompts shown.',
  },
  volume: {
    name: 'volume',
    kind: 'volume',
    label: 'Volume',
    description:
      'Conversations started, visitor messages in, agent messages out, escalations from chat to email and to a meeting, and missed chats (resolved or left with no agent reply).',
  },
  sla_hit_rate: {
    name: 'sla_hit_rate',
    kind: 'rate',
    label: 'SLA hit rate',
    description: 'SLA targets met on time over SLA targets closed (met or breached).',
  },
};

/** How a report buckets time, in the report's time zone. */
export type ReportGroupBy = 'hour' | 'day' | 'week' | 'month';

/**
 * Durations are in seconds. `median` and `p90` are nearest-rank percentiles (the value at rank
 * ceil(p·n) of the sorted values); `mean` is the arithmetic mean. Null when there are no values.
 * `value` is the headline: `businessMedian` with business hours on, else `median`.
 */
export interface DurationRow {
  bucket: string;
  label: string;
  count: number;
  median: number | null;
  p90: number | null;
  mean: number | null;
  businessMedian: number | null;
  businessP90: number | null;
  businessMean: number | null;
  value: number | null;
}

/** `rate` = hits / count (null with no count). CSAT adds prompts and responseRate; FCR adds oneTouch. */
export interface RateRow {
  bucket: string;
  label: string;
  count: number;
  hits: number;
  rate: number | null;
  prompts?: number;
  responseRate?: number | null;
  oneTouch?: number;
  oneTouchRate?: number | null;
}

export interface VolumeRow {
  bucket: string;
  label: string;
  started: number;
  messagesIn: number;
  messagesOut: number;
  escalationsEmail: number;
  escalationsMeeting: number;
  missed: number;
}

export type ReportRow = DurationRow | RateRow | VolumeRow;

/** A report: the series in `tz` buckets, the period's total and the previous period's. */
export interface Report<Row extends ReportRow = ReportRow> {
  metric: MetricName;
  kind: MetricKind;
  since: string;
  until: string;
  tz: string;
  groupBy: ReportGroupBy;
  businessHours: boolean;
  series: Row[];
  total: Omit<Row, 'bucket' | 'label'>;
  previous: { since: string; until: string; total: Omit<Row, 'bucket' | 'label'> };
}

/** One conversation behind a figure. */
export interface ReportConversation {
  conversationId: string;
  siteId: string;
  at: string;
  seconds: number | null;
  businessSeconds: number | null;
  agentId: string | null;
  channel: string;
}

/** Nearest-rank percentile of ascending `sorted` values; null for none. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[rank - 1] ?? null;
}
