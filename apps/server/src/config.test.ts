import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { configTable, environmentSchema, loadConfig, withConfigTable } from './config';

const src = fileURLToPath(new URL('.', import.meta.url));
const readme = fileURLToPath(new URL('../../../README.md', import.meta.url));

describe('configuration', () => {
  it("is documented by the README's table, as `pnpm config:table` writes it from the schema", () => {
    const written = readFileSync(readme, 'utf8');
    expect(withConfigTable(written), 'README.md is stale: run `pnpm config:table`').toBe(written);
    for (const name of Object.keys(environmentSchema.shape)) expect(configTable()).toContain(`| \`${name}\``);
  });

  it('gives every variable a description', () => {
    for (const [name, schema] of Object.entries(environmentSchema.shape)) {
      expect(String(schema.meta()?.description ?? ''), name).not.toBe('');
    }
  });

  it('is read from the environment in config.ts only', () => {
    const readers = readdirSync(src, { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
      .filter((file) => /process\.env\b(?!\s*[,}])/.test(readFileSync(join(src, file), 'utf8')))
      .map((file) => relative(src, join(src, file)));
    expect(readers).toEqual(['config.ts']);
  });

  it('works on a fresh clone with nothing set', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      mongodbUri: '',
      dbName: 'parley',
      host: '127.0.0.1',
      port: 3000,
      publicUrl: 'http://localhost:3000',
      redisUrl: undefined,
      inboundSmtpPort: null,
      inboundTls: null,
      emailFrom: 'parley@parley.localhost',
      inboundSecret: '',
      eventRatePerSec: 20,
      socketsPerAddress: 20,
      startsPerMinute: 30,
      devMailbox: false,
      emailVerify: true,
      meetingReminderMinutes: [1440, 60],
      demoShopOrigins: ['http://localhost:4000', 'http://127.0.0.1:4000'],
    });
    expect(config.linkSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(loadConfig({}).linkSecret).not.toBe(config.linkSecret);
  });

  it('derives what depends on other settings, and treats an empty variable as unset', () => {
    expect(
      loadConfig({
        PORT: '8080',
        PARLEY_INBOUND_DOMAIN: 'mail.shop.test',
        PARLEY_DEV_MAILBOX: '1',
        HOST: '',
      }),
    ).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      publicUrl: 'http://localhost:8080',
      emailFrom: 'parley@mail.shop.test',
      devMailbox: true,
      // The dev Mailbox no longer turns sender checks off: only its own replies are exempt.
      emailVerify: true,
    });
    expect(loadConfig({ PARLEY_DEV_MAILBOX: '1', PARLEY_EMAIL_VERIFY: '0' }).emailVerify).toBe(false);
    expect(loadConfig({ PARLEY_SMTP_PORT: '0', PARLEY_MEETING_REMINDERS: '30, 5' })).toMatchObject({
      inboundSmtpPort: 0,
      meetingReminderMinutes: [30, 5],
    });
  });

  it('stops on a malformed value, naming the variable', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow('PORT must be a whole number, got "eighty"');
    expect(() => loadConfig({ PARLEY_SOCKET_RATE: '-1' })).toThrow(
      /^PARLEY_SOCKET_RATE must be a whole number/,
    );
    expect(() => loadConfig({ PARLEY_MEETING_REMINDERS: '60,0' })).toThrow(
      'PARLEY_MEETING_REMINDERS must be whole minutes separated by commas, got "60,0"',
    );
    expect(() => loadConfig({ PARLEY_SMTP_TLS_KEY: '/tmp/key.pem' })).toThrow(/set both PARLEY_SMTP_TLS_KEY/);
  });
});
