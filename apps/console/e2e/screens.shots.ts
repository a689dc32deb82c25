// @vitest-environment node
// Screenshots of the console's main screens, desktop and phone, for looking at a change and for
// comparing two builds pixel by pixel: `pnpm --filter @parley/console screens` (not part of the
// test run), into PARLEY_SCREENS (default /tmp/parley-screens).
// PARLEY_SCREENS_BUILDS lists `label=folder` pairs of built consoles (default: current=dist); each
// build is shown the same data under the same frozen browser clock, one subfolder per label.
import { mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { newClientId } from '@parley/client';
import type { Slot } from '@parley/protocol';
import { ready, visitorClient } from '@parley/server/testing/clients';
import { type Stack, startStack } from '@parley/server/testing/stack';
import type { BrowserContext, Page } from 'playwright-core';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';

const OUT = process.env.PARLEY_SCREENS || '/tmp/parley-screens';
const BUILDS = (
  process.env.PARLEY_SCREENS_BUILDS ?? `current=${fileURLToPath(new URL('../dist', import.meta.url))}`
)
  .split(',')
  .map((pair) => pair.split('=') as [string, string]);
const PASSWORD = 'correct horse battery';
const VIEWPORTS = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } };
const SERVED = join(tmpdir(), `parley-screens-${process.pid}`);
const eventually = <T>(check: () => T | Promise<T>) => vi.waitFor(check, { timeout: 20_000, interval: 100 });

let stack: Stack;
let now: number;
const closers: (() => void)[] = [];
const ids = { chat: '', email: '' };

beforeAll(async () => {
  symlinkSync(BUILDS[0]![1], SERVED);
  stack = await startStack({
    relay: { consoleDir: SERVED, devMailbox: true, inboundSmtpPort: 0, emailVerify: false, emailTickMs: 50 },
  });
  const { services } = stack.relay;
  const { site } = stack.fixtures;
  const { agent: admin } = await services.agents.create({
    email: 'ada@screens.test',
    name: 'Ada Stone',
    role: 'admin',
    password: PASSWORD,
  });
  await services.agents.setPresence(admin.id, 'online');
  const { agent: bob } = await services.agents.create({
    email: 'bob@screens.test',
    name: 'Bob Lee',
    role: 'agent',
    siteIds: [site.id],
    password: PASSWORD,
  });
  await services.agents.setPresence(bob.id, 'online');
  await services.canned.create(admin, {
    shortcut: 'hello',
    body: "Hi {{visitor.name}}, I'm {{agent.name}} from {{site.name}}. Happy to help!",
    shared: true,
  });
  await services.meetings.saveSchedule(admin, {
    timeZone: 'Europe/Warsaw',
    weekly: ([0, 1, 2, 3, 4, 5, 6] as const).map((day) => ({ day, start: '08:00', end: '18:00' })),
    exceptions: [],
    lengths: [20, 30, 45],
  });

  ids.chat = await visitorWrites('Hi! Is the Ember mug dishwasher safe? I want 4.', {
    cartValue: 86.5,
    cartItems: '2 × Linen apron, 1 × Oak tray',
    currency: 'EUR',
  });
  ids.email = await visitorWrites('Could you email me the care instructions?', {});
  await visitorWrites('Do you ship to Norway?', {});

  const actor = { kind: 'agent' as const, agentId: admin.id, name: admin.name, siteIds: admin.siteIds };
  const emailed = await services.email.continueByEmail(actor, ids.email, 'jane@example.com');
  expect(emailed.ok).toBe(true);

  const offered = await services.meetings.offer(admin, {
    conversationId: ids.chat,
    lengthMinutes: 30,
    title: 'Mug care',
    agenda: 'Dishwasher settings\nBulk order of 4',
  });
  if (!offered.ok) throw new Error(offered.message);
  const link = `${stack.relay.url}/meetings/${offered.meeting.id}`;
  const { slots } = (await (
    await fetch(`${link}/slots?token=${offered.links.book}&timeZone=Europe/Warsaw`)
  ).json()) as { slots: Slot[] };
  const booking = await fetch(`${link}/book`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      token: offered.links.book,
      start: slots[0]!.start,
      timeZone: 'Europe/Warsaw',
      attendee: { name: 'Vera Novak', email: 'vera@shop.test' },
    }),
  });
  expect(booking.status).toBe(201);

  // The agent's reply goes through the console, as agents write.
  const desk = await signIn(await stack.browser.newContext({ viewport: VIEWPORTS.desktop }));
  await desk.goto(`${stack.relay.url}/console/#/inbox/open/${ids.chat}`);
  const reply = desk.getByRole('textbox', { name: 'Reply' });
  await reply.fill('Yes, it is dishwasher safe on the top rack. Four are in stock.');
  await reply.press('Enter');
  await desk
    .locator('.bubble-row', { hasText: 'Four are in stock' })
    .getByText(/^(Sent|Seen)$/)
    .waitFor();
  // The escalation and the invitations have reached the Mailbox.
  await eventually(async () =>
    expect(
      await stack.relay.services.email.mailbox({
        kind: 'agent',
        agentId: admin.id,
        name: admin.name,
        siteIds: null,
      }),
    ).toHaveLength(3),
  );
  await desk.context().close();
  // Everything on screen is dated from here, whatever build is showing it.
  now = Date.now() + 60_000;
});

afterAll(async () => {
  for (const close of closers) close();
  await stack?.close();
  rmSync(SERVED, { force: true });
});

async function visitorWrites(text: string, cart: Record<string, string | number>): Promise<string> {
  const visitor = await ready(visitorClient(stack.relay.url, stack.fixtures.site.publicKey));
  closers.push(() => visitor.close());
  const socket = visitor.socket as unknown as Socket;
  await socket.emitWithAck('visitor:context', {
    url: 'http://shop.test/products/ember-mug',
    title: 'Ember mug — Hearth & Co.',
    referrer: 'https://www.google.com/',
    language: 'en-GB',
    timeZone: 'Europe/London',
  });
  if (Object.keys(cart).length > 0) await socket.emitWithAck('visitor:attributes', { attributes: cart });
  const started = await visitor.start(newClientId());
  if (!started.ok) throw new Error(started.message);
  visitor.send(started.conversation.id, text);
  await eventually(() => expect(visitor.pending()).toHaveLength(0));
  return started.conversation.id;
}

async function signIn(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error('console page error:', error.message));
  await page.goto(`${stack.relay.url}/console/`);
  await page.getByLabel('Email').fill('ada@screens.test');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Views' }).waitFor();
  return page;
}

it(
  'takes the main screens of each build',
  async () => {
    for (const [label, folder] of BUILDS) {
      for (const [size, viewport] of Object.entries(VIEWPORTS)) {
        const dir = join(OUT, label);
        mkdirSync(dir, { recursive: true });
        const context = await stack.browser.newContext({
          viewport,
          locale: 'en-GB',
          timezoneId: 'Europe/Warsaw',
          permissions: ['notifications'],
        });
        // The relay serves whatever build the link points at, with its own headers (its CSP).
        rmSync(SERVED, { force: true });
        symlinkSync(folder, SERVED);
        // The transcript page opens the print dialog, which a headless browser would wait on.
        await context.addInitScript(() => {
          window.print = () => {};
        });
        const shot = async (page: Page, name: string) => {
          // Lets late answers and the fonts settle so two builds are caught in the same state.
          await page.waitForLoadState('networkidle');
          await page.waitForTimeout(400);
          await page.screenshot({
            path: join(dir, `${name}-${size}.png`),
            fullPage: true,
            animations: 'disabled',
            caret: 'hide',
          });
        };
        const visit = async (page: Page, hash: string, name: string, shown: string) => {
          await page.goto(`${stack.relay.url}/console/#${hash}`);
          await page.reload();
          await page.locator(shown).first().waitFor({ state: 'attached' });
          await shot(page, name);
        };

        await context.clock.setFixedTime(now);
        const login = await context.newPage();
        await login.goto(`${stack.relay.url}/console/`);
        await login.getByRole('button', { name: 'Sign in' }).waitFor();
        await shot(login, 'sign-in');
        await login.close();

        const page = await signIn(context);
        await visit(page, `/inbox/open/${ids.chat}`, 'inbox-chat', '.bubble:has-text("Four are in stock")');
        await page.getByRole('button', { name: /^Filters/ }).click();
        await shot(page, 'inbox-filters');
        await visit(page, `/inbox/open/${ids.email}`, 'inbox-email', '.email-channel.on');
        await visit(page, '/inbox/open', 'inbox-list', '.inbox-row');
        await visit(page, '/settings/sites', 'settings-sites', '.site-form');
        // Far down the form: the screen is taken with it scrolled into view.
        await page.getByRole('heading', { name: 'Sensitive numbers' }).scrollIntoViewIfNeeded();
        await page.getByRole('checkbox', { name: /IBAN/ }).check();
        await shot(page, 'settings-redaction');
        await visit(page, '/settings/agents', 'settings-agents', '.table tbody tr');
        await visit(page, '/settings/canned', 'settings-canned', '.canned-list li');
        await visit(page, '/email/mailbox', 'email-mailbox', '.mailbox-row');
        await page.locator('.mailbox-row').first().click();
        await page.getByRole('article', { name: 'Email' }).waitFor();
        await shot(page, 'email-open');
        await visit(page, '/email/held', 'email-held', '.email-page .card');
        await visit(page, '/email/settings', 'email-settings', '.email-settings li');
        await visit(page, '/meetings/upcoming', 'meetings-upcoming', '.upcoming-day');
        await visit(page, '/meetings/schedule', 'meetings-schedule', '.week-row');
        await visit(page, '/meetings/rules', 'meetings-rules', '.site-rules .row');
        await visit(page, `/print/${ids.chat}`, 'print', 'article.print');
        await context.close();
      }
    }
  },
  120_000 * BUILDS.length,
);
