// Every setting the relay reads from its environment, in one place: one schema entry per
// variable with what it is for and its default, from which the README's table is generated
// (`pnpm config:table`). The defaults make `pnpm start` work on a fresh clone.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** A variable's meaning, and its default as the README says it when the schema cannot (derived ones). */
const about = (description: string, shownDefault?: string) =>
  shownDefault === undefined ? { description } : { description, shownDefault };

const whole = z
  .string()
  .regex(/^\d+$/, 'must be a whole number')
  .transform(Number)
  .refine(Number.isSafeInteger, 'must be a whole number');

/** A comma-separated list of whole minutes, e.g. "1440,60". */
const minutes = z
  .string()
  .transform((raw) => raw.split(',').map((part) => part.trim()))
  .refine(
    (parts) => parts.every((part) => /^\d{1,6}$/.test(part) && Number(part) > 0),
    'must be whole minutes separated by commas',
  )
  .transform((parts) => parts.map(Number));

/** On when set to 1. */
const flag = z.string().transform((value) => value === '1');

/** The environment the relay reads; an unset or empty variable takes its default. */
export const environmentSchema = z.object({
  MONGODB_URI: z
    .string()
    .optional()
    .meta(
      about(
        'MongoDB to use; without it `pnpm start` runs the embedded engine and sets it',
        'embedded engine',
      ),
    ),
  MONGODB_DB: z.string().default('parley').meta(about('database name')),
  PORT: whole.default(3000).meta(about('port the relay listens on')),
  HOST: z.string().default('127.0.0.1').meta(about('address the relay listens on')),
  PUBLIC_URL: z
    .string()
    .optional()
    .meta(
      about("the relay's public address (links, widget origin, embed snippet)", '`http://localhost:$PORT`'),
    ),
  REDIS_URL: z
    .string()
    .optional()
    .meta(about('Redis for fan-out between relay nodes; without it one node runs alone', 'none')),
  PARLEY_DB_DIR: z.string().default('.data/db').meta(about("the embedded engine's data folder")),
  PARLEY_DB_PORT: whole.default(27117).meta(about("the embedded engine's port")),
  PARLEY_SOCKET_RATE: whole.default(10).meta(about('messages one socket may send per second, sustained')),
  PARLEY_SOCKET_BURST: whole.default(20).meta(about('messages one socket may send in a burst')),
  PARLEY_SITE_RATE: whole
    .default(500)
    .meta(about('messages one site may receive per second, all sockets together')),
  PARLEY_EVENT_RATE: whole
    .default(20)
    .meta(
      about('other events (sync, seen, typing, pages...) one socket may send per second; twice in a burst'),
    ),
  PARLEY_SOCKETS_PER_ADDRESS: whole
    .default(20)
    .meta(about('visitor sockets one client address may hold open at once')),
  PARLEY_STARTS_PER_MIN: whole
    .default(30)
    .meta(about('conversations one client address may start a minute (and in a burst)')),
  PARLEY_SITE_STARTS_PER_MIN: whole
    .default(600)
    .meta(about('conversations one site may see started a minute, all visitors together (and in a burst)')),
  PARLEY_TRUST_PROXY: z
    .string()
    .max(1000)
    .transform((raw) =>
      raw
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean),
    )
    .optional()
    .meta(
      about(
        'proxies (addresses, subnets, or `loopback`, comma-separated) whose X-Forwarded-For names the client; the per-address limits then count the client, not the proxy',
        'none',
      ),
    ),
  PARLEY_BATCH_WINDOW_MS: whole
    .default(0)
    .meta(about('how long sends wait to be written as one batch, in ms; 0 starts the next batch at once')),
  PARLEY_SESSION_TTL_HOURS: whole
    .default(12)
    .meta(about('how long a console session lasts without signing in again, in hours')),
  PARLEY_LOGIN_ATTEMPTS_PER_MIN: whole
    .default(5)
    .meta(about('sign-in attempts allowed per email and per client address each minute')),
  PARLEY_SNOOZE_TICK_MS: whole
    .default(15_000)
    .meta(about('how often snoozed conversations whose time has come are brought back, in ms')),
  PARLEY_CONSOLE_DIR: z
    .string()
    .optional()
    .meta(about('the built console, served at /console/', '`apps/console/dist`')),
  PARLEY_WIDGET_DIR: z
    .string()
    .optional()
    .meta(about('the built widget (loader and iframe app), served at /widget/', '`packages/widget/dist`')),
  SMTP_URL: z
    .string()
    .optional()
    .meta(about('outbound mail server (`smtp://user:pass@host:587`)', 'the dev Mailbox')),
  PARLEY_SMTP_PORT: whole
    .optional()
    .meta(
      about(
        "port of the built-in SMTP server for visitors' replies; 0: any free port",
        'not started; `2525` under `pnpm start`',
      ),
    ),
  PARLEY_SMTP_TLS_KEY: z
    .string()
    .optional()
    .meta(about('PEM key file: with the certificate, the built-in SMTP server offers STARTTLS', 'none')),
  PARLEY_SMTP_TLS_CERT: z
    .string()
    .optional()
    .meta(about('PEM certificate file, set with PARLEY_SMTP_TLS_KEY', 'none')),
  PARLEY_INBOUND_DOMAIN: z
    .string()
    .default('parley.localhost')
    .meta(about('domain of the reply addresses (`reply+<token>@<domain>`); its MX points at Parley')),
  PARLEY_EMAIL_FROM: z
    .string()
    .optional()
    .meta(about('the From address of every email Parley sends', '`parley@$PARLEY_INBOUND_DOMAIN`')),
  PARLEY_INBOUND_SECRET: z
    .string()
    .optional()
    .meta(
      about(
        'shared secret that signs raw MIME posted to `/api/email/inbound`; unset: that door is closed',
        'none',
      ),
    ),
  PARLEY_LINK_SECRET: z
    .string()
    .optional()
    .meta(
      about(
        'secret that signs "continue in the browser" links; set it so links survive a restart',
        'random per process; kept in `.data` under `pnpm start`',
      ),
    ),
  PARLEY_EMAIL_FALLBACK_MS: whole
    .default(2 * 60_000)
    .meta(about("how long an agent's chat reply may stay unseen before it goes out by email, in ms")),
  PARLEY_EMAIL_TICK_MS: whole
    .default(1_000)
    .meta(about('how often the email worker looks for due emails (fallbacks, retries), in ms')),
  PARLEY_EMAIL_RECOVER_AFTER_MS: whole
    .default(30_000)
    .meta(about('how old an unscheduled agent reply must be before a worker schedules its email, in ms')),
  PARLEY_DEV_MAILBOX: flag
    .default(false)
    .meta(
      about(
        "`1`: the built-in SMTP server keeps every outbound email for the console's Mailbox",
        'off; on under `pnpm start` without SMTP_URL',
      ),
    ),
  PARLEY_EMAIL_VERIFY: z
    .string()
    .transform((value) => value !== '0')
    .default(true)
    .meta(
      about(
        '`0`: take inbound replies unchecked; else DKIM, SPF and DMARC failures are held',
        'on, dev Mailbox too (its own replies exempt)',
      ),
    ),
  DEMO_SHOP_ORIGINS: z
    .string()
    .default('http://localhost:4000,http://127.0.0.1:4000')
    .transform((list) => list.split(','))
    .meta(about('the origins the demo site seeded on an empty database allows')),
  PARLEY_MEETING_REMINDERS: minutes
    .default([24 * 60, 60])
    .meta(about('minutes before a meeting that reminders go out, for sites that set none')),
  PARLEY_MEETING_ROOM_URL: z
    .string()
    .default('https://meet.jit.si/parley-{room}')
    .meta(about('video room of sites that set no meeting link; `{room}` becomes a random room name')),
  PARLEY_MEETING_TICK_MS: whole
    .default(30_000)
    .meta(about('how often the meetings worker looks for due reminders, in ms')),
  PARLEY_CHROMIUM: z
    .string()
    .default('/usr/bin/chromium')
    .meta(about('the Chromium the end-to-end tests drive (tests only)')),
});

export type Environment = z.output<typeof environmentSchema>;

/**
 * The environment read against the schema; a variable set to nonsense stops the process with
 * its name and what it must be.
 * @example readEnvironment({ PORT: '8080' }).PORT // 8080
 */
export function readEnvironment(env: NodeJS.ProcessEnv = process.env): Environment {
  const given = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = environmentSchema.safeParse(given);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const name = String(issue?.path[0]);
  throw new Error(`${name} ${issue?.message ?? 'is malformed'}, got "${env[name]}"`);
}

export interface Config {
  /** MongoDB address; when empty, `pnpm start` runs the embedded engine and sets it. */
  mongodbUri: string;
  dbName: string;
  host: string;
  port: number;
  /** Public base URL of this relay, used in links and the embed snippet. */
  publicUrl: string;
  redisUrl: string | undefined;
  /** Messages one socket may send per second (sustained) and in a burst. */
  socketRatePerSec: number;
  socketBurst: number;
  /** Messages one site may receive per second across all its sockets. */
  siteRatePerSec: number;
  /** Other events (sync, seen, typing, page views, profile...) one socket may send per second; twice that in a burst. */
  eventRatePerSec: number;
  /** Visitor sockets one client address may hold open at once. */
  socketsPerAddress: number;
  /** Conversations one client address may start a minute (and in a burst). */
  startsPerMinute: number;
  /** Conversations one site may see started a minute across all its visitors (and in a burst). */
  siteStartsPerMinute: number;
  /** The proxies whose X-Forwarded-For is believed (proxy-addr's syntax); none by default. */
  trustProxy: string[];
  /** How long writes wait to be grouped into one batch, in ms; 0 starts the next batch at once. */
  batchWindowMs: number;
  /** How long an agent's console session lasts without signing in again, in hours. */
  sessionTtlHours: number;
  /** Sign-in attempts allowed per email and per client address each minute. */
  loginAttemptsPerMinute: number;
  /** The built console (apps/console/dist), served at /console/. */
  consoleDir: string;
  /** How often snoozed conversations whose time has come are brought back, in ms. */
  snoozeTickMs: number;
  /** The built widget (packages/widget/dist): the loader and the iframe app, served at /widget/. */
  widgetDir: string;
  /** Outbound mail server (`smtp://user:pass@host:587`); empty: the built-in one when devMailbox is on. */
  smtpUrl: string | undefined;
  /** Port of the built-in SMTP server that takes visitors' replies; null: not started, 0: any free port. */
  inboundSmtpPort: number | null;
  /**
   * The built-in SMTP server's certificate and key (PEM): with them it offers STARTTLS, as mail
   * servers delivering visitors' replies over the internet expect; without, it speaks plain SMTP.
   */
  inboundTls: { key: string; cert: string } | null;
  /** Domain of the reply addresses (`reply+<token>@<domain>`); its MX points at Parley. */
  inboundDomain: string;
  /** The From address of every email Parley sends; replies go to the per-conversation address. */
  emailFrom: string;
  /** Shared secret that signs raw MIME posted to `/api/email/inbound`; empty: that door is closed. */
  inboundSecret: string;
  /** Secret that signs "continue in the browser" links. */
  linkSecret: string;
  /** How long an agent's chat reply may stay unseen before it goes out by email, in ms. */
  emailFallbackMs: number;
  /** How often the email worker looks for due emails (fallbacks, retries), in ms. */
  emailTickMs: number;
  /** How old an agent's reply must be, still marked unscheduled, before a worker schedules its email. */
  emailRecoverAfterMs: number;
  /** Development mail catcher: the built-in SMTP server keeps every outbound email for the Mailbox page. */
  devMailbox: boolean;
  /** The origins the demo site seeded on an empty database allows. */
  demoShopOrigins: string[];
  /**
   * Check inbound replies' DKIM, SPF and DMARC and hold those that fail. On unless
   * PARLEY_EMAIL_VERIFY=0, dev Mailbox too: only the Mailbox's own replies are exempt.
   */
  emailVerify: boolean;
  /** Minutes before a meeting that reminders go out, for sites that have not set their own. */
  meetingReminderMinutes: number[];
  /** Video room URL of sites that have not set a meeting link; `{room}` becomes a random room name. */
  meetingRoomPattern: string;
  /** How often the meetings worker looks for due reminders, in ms. */
  meetingTickMs: number;
}

/** The PEM files named by PARLEY_SMTP_TLS_KEY and PARLEY_SMTP_TLS_CERT: both or neither. */
function tlsFiles(keyPath: string | undefined, certPath: string | undefined): Config['inboundTls'] {
  if (!keyPath && !certPath) return null;
  if (!keyPath || !certPath) {
    throw new Error('parley: set both PARLEY_SMTP_TLS_KEY and PARLEY_SMTP_TLS_CERT (PEM files), or neither');
  }
  return { key: readFileSync(keyPath, 'utf8'), cert: readFileSync(certPath, 'utf8') };
}

/**
 * The relay's settings from its environment.
 * @example const relay = await startRelay({ ...loadConfig(), port: 0 })
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const read = readEnvironment(env);
  const devMailbox = read.PARLEY_DEV_MAILBOX;
  return {
    mongodbUri: read.MONGODB_URI ?? '',
    dbName: read.MONGODB_DB,
    host: read.HOST,
    port: read.PORT,
    publicUrl: read.PUBLIC_URL ?? `http://localhost:${read.PORT}`,
    redisUrl: read.REDIS_URL,
    socketRatePerSec: read.PARLEY_SOCKET_RATE,
    socketBurst: read.PARLEY_SOCKET_BURST,
    siteRatePerSec: read.PARLEY_SITE_RATE,
    eventRatePerSec: read.PARLEY_EVENT_RATE,
    socketsPerAddress: read.PARLEY_SOCKETS_PER_ADDRESS,
    startsPerMinute: read.PARLEY_STARTS_PER_MIN,
    siteStartsPerMinute: read.PARLEY_SITE_STARTS_PER_MIN,
    trustProxy: read.PARLEY_TRUST_PROXY ?? [],
    batchWindowMs: read.PARLEY_BATCH_WINDOW_MS,
    sessionTtlHours: read.PARLEY_SESSION_TTL_HOURS,
    loginAttemptsPerMinute: read.PARLEY_LOGIN_ATTEMPTS_PER_MIN,
    snoozeTickMs: read.PARLEY_SNOOZE_TICK_MS,
    consoleDir: read.PARLEY_CONSOLE_DIR ?? fileURLToPath(new URL('../../console/dist', import.meta.url)),
    widgetDir:
      read.PARLEY_WIDGET_DIR ?? fileURLToPath(new URL('../../../packages/widget/dist', import.meta.url)),
    smtpUrl: read.SMTP_URL,
    inboundSmtpPort: read.PARLEY_SMTP_PORT ?? null,
    inboundTls: tlsFiles(read.PARLEY_SMTP_TLS_KEY, read.PARLEY_SMTP_TLS_CERT),
    inboundDomain: read.PARLEY_INBOUND_DOMAIN,
    emailFrom: read.PARLEY_EMAIL_FROM ?? `parley@${read.PARLEY_INBOUND_DOMAIN}`,
    inboundSecret: read.PARLEY_INBOUND_SECRET ?? '',
    // A per-process secret keeps links safe on a fresh clone; set it so links survive a restart.
    linkSecret: read.PARLEY_LINK_SECRET ?? randomBytes(32).toString('base64url'),
    emailFallbackMs: read.PARLEY_EMAIL_FALLBACK_MS,
    emailTickMs: read.PARLEY_EMAIL_TICK_MS,
    emailRecoverAfterMs: read.PARLEY_EMAIL_RECOVER_AFTER_MS,
    devMailbox,
    demoShopOrigins: read.DEMO_SHOP_ORIGINS,
    emailVerify: read.PARLEY_EMAIL_VERIFY,
    meetingReminderMinutes: read.PARLEY_MEETING_REMINDERS,
    meetingRoomPattern: read.PARLEY_MEETING_ROOM_URL,
    meetingTickMs: read.PARLEY_MEETING_TICK_MS,
  };
}

/** How a default reads in the README: what the schema gives an unset variable, or what it says. */
function shownDefault(schema: z.ZodType): string {
  const { shownDefault: said } = schema.meta() ?? {};
  if (typeof said === 'string') return said;
  const value: unknown = schema.parse(undefined);
  return `\`${Array.isArray(value) ? value.join(',') : String(value)}\``;
}

export const CONFIG_TABLE_START =
  '<!-- config-table:start (pnpm config:table writes this table from apps/server/src/config.ts) -->';
export const CONFIG_TABLE_END = '<!-- config-table:end -->';

/**
 * The README's table of settings, one row per variable of the schema, in the schema's order.
 * @example writeFileSync('README.md', withConfigTable(readFileSync('README.md', 'utf8')))
 */
export function configTable(): string {
  const rows = Object.entries(environmentSchema.shape).map(([name, schema]) => [
    `\`${name}\``,
    shownDefault(schema),
    String(schema.meta()?.description ?? ''),
  ]);
  const header = ['variable', 'default', 'meaning'];
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

/** `readme` with the text between the table's markers replaced by configTable(). */
export function withConfigTable(readme: string): string {
  const start = readme.indexOf(CONFIG_TABLE_START);
  const end = readme.indexOf(CONFIG_TABLE_END);
  if (start < 0 || end < start) throw new Error('README.md has no config-table markers');
  return `${readme.slice(0, start + CONFIG_TABLE_START.length)}\n${configTable()}\n${readme.slice(end)}`;
}
