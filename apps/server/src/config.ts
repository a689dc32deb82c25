// Every setting the relay reads from its environment, in one place, with defaults that make
// `pnpm start` work on a fresh clone.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

function int(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number, got "${raw}"`);
  return value;
}

/** A comma-separated list of whole minutes, e.g. "1440,60". */
function minutesList(env: NodeJS.ProcessEnv, name: string, fallback: number[]): number[] {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const values = raw.split(',').map((part) => Number(part.trim()));
  if (values.some((v) => !Number.isInteger(v) || v <= 0)) {
    throw new Error(`${name} must be whole minutes separated by commas, got "${raw}"`);
  }
  return values;
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

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = int(env, 'PORT', 3000);
  const host = env.HOST ?? '127.0.0.1';
  const inboundDomain = env.PARLEY_INBOUND_DOMAIN ?? 'parley.localhost';
  return {
    mongodbUri: env.MONGODB_URI ?? '',
    dbName: env.MONGODB_DB ?? 'parley',
    host,
    port,
    publicUrl: env.PUBLIC_URL ?? `http://localhost:${port}`,
    redisUrl: env.REDIS_URL || undefined,
    socketRatePerSec: int(env, 'PARLEY_SOCKET_RATE', 10),
    socketBurst: int(env, 'PARLEY_SOCKET_BURST', 20),
    siteRatePerSec: int(env, 'PARLEY_SITE_RATE', 500),
    eventRatePerSec: int(env, 'PARLEY_EVENT_RATE', 20),
    socketsPerAddress: int(env, 'PARLEY_SOCKETS_PER_ADDRESS', 20),
    startsPerMinute: int(env, 'PARLEY_STARTS_PER_MIN', 30),
    batchWindowMs: int(env, 'PARLEY_BATCH_WINDOW_MS', 0),
    sessionTtlHours: int(env, 'PARLEY_SESSION_TTL_HOURS', 12),
    loginAttemptsPerMinute: int(env, 'PARLEY_LOGIN_ATTEMPTS_PER_MIN', 5),
    snoozeTickMs: int(env, 'PARLEY_SNOOZE_TICK_MS', 15_000),
    consoleDir: env.PARLEY_CONSOLE_DIR ?? fileURLToPath(new URL('../../console/dist', import.meta.url)),
    widgetDir:
      env.PARLEY_WIDGET_DIR ?? fileURLToPath(new URL('../../../packages/widget/dist', import.meta.url)),
    smtpUrl: env.SMTP_URL || undefined,
    inboundSmtpPort: env.PARLEY_SMTP_PORT ? int(env, 'PARLEY_SMTP_PORT', 0) : null,
    inboundTls: tlsFiles(env.PARLEY_SMTP_TLS_KEY, env.PARLEY_SMTP_TLS_CERT),
    inboundDomain,
    emailFrom: env.PARLEY_EMAIL_FROM ?? `parley@${inboundDomain}`,
    inboundSecret: env.PARLEY_INBOUND_SECRET ?? '',
    // A per-process secret keeps links safe on a fresh clone; set it so links survive a restart.
    linkSecret: env.PARLEY_LINK_SECRET || randomBytes(32).toString('base64url'),
    emailFallbackMs: int(env, 'PARLEY_EMAIL_FALLBACK_MS', 2 * 60_000),
    emailTickMs: int(env, 'PARLEY_EMAIL_TICK_MS', 1_000),
    emailRecoverAfterMs: int(env, 'PARLEY_EMAIL_RECOVER_AFTER_MS', 30_000),
    devMailbox: env.PARLEY_DEV_MAILBOX === '1',
    demoShopOrigins: (env.DEMO_SHOP_ORIGINS ?? 'http://localhost:4000,http://127.0.0.1:4000').split(','),
    emailVerify: env.PARLEY_EMAIL_VERIFY !== '0',
    meetingReminderMinutes: minutesList(env, 'PARLEY_MEETING_REMINDERS', [24 * 60, 60]),
    meetingRoomPattern: env.PARLEY_MEETING_ROOM_URL ?? 'https://meet.jit.si/parley-{room}',
    meetingTickMs: int(env, 'PARLEY_MEETING_TICK_MS', 30_000),
  };
}

export const DATA_DIR = resolve(process.env.PARLEY_DATA_DIR ?? '.data');
