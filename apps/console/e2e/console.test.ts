// @vitest-environment node
// The console end to end in real Chromium, two agents in two browser contexts at once, a visitor
// on a real Socket.IO connection: notification, visitor panel, canned reply, transfer with a note,
// a dropped network while a colleague replies, resolve and rating. Screenshots go to /tmp.
import type { ChatClient } from '@parley/client';
import { newClientId } from '@parley/client';
import type { Message } from '@parley/protocol';
import { ready, visitorClient } from '@parley/server/testing/clients';
import { type Stack, startStack } from '@parley/server/testing/stack';
import type { BrowserContext, Page } from 'playwright-core';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

const PASSWORD = 'correct horse battery';
const SHOTS = process.env.PARLEY_SCREENSHOTS ?? '/tmp';
const eventually = (check: () => void | Promise<void>) =>
  vi.waitFor(check, { timeout: 20_000, interval: 50 });

let stack: Stack;
const visitors: ChatClient[] = [];
let ana: { id: string; email: string };
let bob: { id: string; email: string };

beforeAll(async () => {
  stack = await startStack();
  const { services } = stack.relay;
  const { site } = stack.fixtures;
  const make = async (name: string, email: string) => {
    const { agent } = await services.agents.create({
      email,
      name,
      role: 'agent',
      siteIds: [site.id],
      password: PASSWORD,
    });
    return { id: agent.id, email };
  };
  ana = await make('Ana Lopez', 'ana@e2e.test');
  bob = await make('Bob Stone', 'bob@e2e.test');
  await services.agents.setPresence(bob.id, 'online');
  await services.canned.create(stack.fixtures.admin.agent, {
    shortcut: 'hello',
    body: "Hi {{visitor.name}}, I'm {{agent.name}} from {{site.name}}. Happy to help!",
    shared: true,
  });
});

afterAll(async () => {
  for (const v of visitors) v.close();
  await stack?.close();
});

/** A visitor browsing the shop: where they are, what is in their cart, and what they wrote. */
async function visitorWrites(
  text: string,
  profile: { page: string; title: string; cart?: Record<string, string | number> },
) {
  const visitor = await ready(visitorClient(stack.relay.url, stack.fixtures.site.publicKey));
  visitors.push(visitor);
  const socket = visitor.socket as unknown as Socket;
  const context = await socket.emitWithAck('visitor:context', {
    url: `http://shop.test${profile.page}`,
    title: profile.title,
    referrer: 'https://www.google.com/',
    language: 'en-GB',
    timeZone: 'Europe/London',
  });
  expect(context).toMatchObject({ ok: true });
  if (profile.cart)
    expect(await socket.emitWithAck('visitor:attributes', { attributes: profile.cart })).toMatchObject({
      ok: true,
    });
  const started = await visitor.start(newClientId());
  if (!started.ok) throw new Error(started.message);
  visitor.send(started.conversation.id, text);
  await eventually(() => expect(visitor.pending()).toHaveLength(0));
  return { visitor, conversationId: started.conversation.id };
}

async function signIn(email: string, contextOptions: Parameters<Stack['newPage']>[0] = {}): Promise<Page> {
  const page = await stack.newPage({
    viewport: { width: 1440, height: 900 },
    permissions: ['notifications'],
    ...contextOptions,
  });
  page.on('pageerror', (error) => console.error('console page error:', error.message));
  await page.goto(`${stack.relay.url}/console/`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Views' }).waitFor();
  return page;
}

/** Records desktop notifications, and makes the page look to itself like it is in the background. */
async function inBackground(context: BrowserContext) {
  await context.addInitScript(() => {
    const shown: { title: string; body: string }[] = [];
    (window as unknown as { __notifications: typeof shown }).__notifications = shown;
    const Real = window.Notification;
    class Recorded extends Real {
      constructor(title: string, options?: NotificationOptions) {
        super(title, options);
        shown.push({ title, body: options?.body ?? '' });
      }
    }
    Object.defineProperty(window, 'Notification', { value: Recorded });
    document.hasFocus = () => false;
  });
}

const notifications = (page: Page) =>
  page.evaluate(
    () => (window as unknown as { __notifications: { title: string; body: string }[] }).__notifications,
  );

describe('the agent console', () => {
  it('signs in, rings for a new chat, shows the visitor, replies with a canned response, transfers, survives a dropped network, resolves', async () => {
    const page = await signIn(ana.email);
    // The sign-in click unlocked sound: no "turn on alerts" prompt is left.
    expect(await page.locator('.alerts-off').count()).toBe(0);

    const bobContext = await stack.browser.newContext({
      viewport: { width: 1440, height: 900 },
      permissions: ['notifications'],
    });
    await inBackground(bobContext);
    const bobPage = await bobContext.newPage();
    await bobPage.goto(`${stack.relay.url}/console/`);
    await bobPage.getByLabel('Email').fill(bob.email);
    await bobPage.getByLabel('Password').fill(PASSWORD);
    await bobPage.getByRole('button', { name: 'Sign in' }).click();
    await bobPage.getByRole('navigation', { name: 'Views' }).waitFor();

    // A visitor on the shop writes: Ana's console rings, counts it, and the tab title shows it.
    const { visitor, conversationId } = await visitorWrites(
      'Hi! Is the Ember mug dishwasher safe? I want 4.',
      {
        page: '/products/ember-mug',
        title: 'Ember mug — Hearth & Co.',
        cart: { cartValue: 86.5, cartItems: '2 × Linen apron, 1 × Oak tray', currency: 'EUR' },
      },
    );
    await page.locator('.toast.alert', { hasText: 'New conversation' }).waitFor();
    await eventually(async () => expect(await page.title()).toBe('(1) Parley'));
    await eventually(async () =>
      expect(await page.locator('.count[data-view="unassigned"]').textContent()).toBe('1'),
    );

    // Open it: the timeline and the visitor panel with the page and the cart.
    await page.locator(`[data-conversation="${conversationId}"]`).click();
    await page
      .getByRole('list', { name: 'Timeline' })
      .getByText('Hi! Is the Ember mug dishwasher safe? I want 4.')
      .waitFor();
    const panel = page.getByRole('complementary', { name: 'Visitor' });
    await panel.locator('.current-page', { hasText: 'Ember mug — Hearth & Co.' }).waitFor();
    await panel.getByText('86.5').waitFor();
    await panel.getByText('2 × Linen apron, 1 × Oak tray').waitFor();
    expect(await panel.textContent()).toContain('Europe/London');
    await eventually(async () => expect(await page.title()).toBe('Parley'));

    // Reply with a canned response: "/hello", Enter inserts it with variables filled, Enter sends.
    const box = page.getByRole('textbox', { name: 'Reply' });
    await box.fill('/hel');
    await page.getByRole('listbox', { name: 'Canned responses' }).waitFor();
    await box.press('Enter');
    const expected = "Hi there, I'm Ana Lopez from Test Shop. Happy to help!";
    await eventually(async () => expect(await box.inputValue()).toBe(expected));
    await box.press('Enter');
    const visitorGot: Message[] = [];
    visitor.on('message', (m) => visitorGot.push(m));
    await eventually(() => expect(visitor.timeline(conversationId).map((m) => m.body)).toContain(expected));
    await visitor.markSeen(conversationId);
    await page.locator('.bubble-row.agent .bubble-meta', { hasText: 'Seen' }).waitFor();

    // Ana takes it, then transfers it to Bob with a note; Bob is alerted and reads why.
    await page.getByRole('button', { name: 'Assign to me' }).click();
    await page.locator('.timeline-event', { hasText: 'Ana Lopez took this conversation' }).waitFor();
    await page.getByRole('button', { name: 'Transfer' }).click();
    await page.getByRole('combobox', { name: 'Transfer to' }).selectOption(`agent:${bob.id}`);
    await page
      .getByRole('textbox', { name: 'Transfer note' })
      .fill('Wants a bulk price for 4 mugs, you own wholesale.');
    await page.getByRole('form', { name: 'Transfer' }).getByRole('button', { name: 'Transfer' }).click();
    await page.locator('.transfer-note', { hasText: 'Wants a bulk price for 4 mugs' }).waitFor();

    await eventually(async () =>
      expect(await notifications(bobPage)).toContainEqual({
        title: 'A conversation was assigned to you',
        body: 'Ana Lopez: Wants a bulk price for 4 mugs, you own wholesale.',
      }),
    );
    await bobPage.locator('.toast.alert', { hasText: 'assigned to you' }).click();
    await bobPage
      .locator('.transfer-note', { hasText: 'Wants a bulk price for 4 mugs, you own wholesale.' })
      .waitFor();
    await bobPage.screenshot({ path: `${SHOTS}/console-conversation.png` });

    // Ana's network drops; while she is away Bob replies; when she is back her view holds it.
    const anaContext = page.context();
    await anaContext.setOffline(true);
    for (const socket of stack.relay.io.of('/agent').sockets.values()) {
      if ((socket.data as { agent: { id: string } }).agent.id === ana.id) socket.conn.close();
    }
    const bobBox = bobPage.getByRole('textbox', { name: 'Reply' });
    await bobBox.fill('Hi again! For 4 mugs I can do 15% off — code HEARTH15.');
    await bobBox.press('Enter');
    await eventually(() =>
      expect(visitor.timeline(conversationId).map((m) => m.body)).toContain(
        'Hi again! For 4 mugs I can do 15% off — code HEARTH15.',
      ),
    );
    // The reply was stored while Ana had no connection at all: what she sees next came by replay.
    const anaSockets = () =>
      [...stack.relay.io.of('/agent').sockets.values()].filter(
        (s) => (s.data as { agent: { id: string } }).agent.id === ana.id,
      );
    expect(anaSockets()).toEqual([]);
    const anaTimeline = page.getByRole('list', { name: 'Timeline' });
    expect(await anaTimeline.getByText('code HEARTH15').count()).toBe(0);
    await anaContext.setOffline(false);
    await eventually(() => expect(anaSockets()).toHaveLength(1));
    await anaTimeline.getByText('Hi again! For 4 mugs I can do 15% off — code HEARTH15.').waitFor();

    // Bob resolves; the visitor sees it and rates; the rating lands on the agents' timeline.
    await bobPage.getByRole('button', { name: '✓ Resolve' }).click();
    await bobPage.locator('.status-pill', { hasText: 'resolved' }).waitFor();
    await eventually(() => expect(visitorGot.map((m) => m.data?.name)).toContain('resolved'));
    const rated = await (visitor.socket as unknown as Socket).emitWithAck('conversation:rate', {
      conversationId,
      score: 5,
      comment: 'Super quick!',
    });
    expect(rated).toMatchObject({ ok: true });
    await bobPage.locator('.timeline-event', { hasText: 'Rated 5/5' }).waitFor();
    await page.locator('.timeline-event', { hasText: 'Rated 5/5' }).waitFor();
    await bobContext.close();
  });

  it('shows a busy inbox and the site settings, and refuses a wrong password clearly', async () => {
    const chats: [string, { page: string; title: string; cart?: Record<string, string | number> }][] = [
      ['Do you ship to Norway?', { page: '/shipping', title: 'Shipping — Hearth & Co.' }],
      [
        'My order #1042 arrived with a chipped plate',
        { page: '/account/orders', title: 'Orders', cart: { lastOrder: '#1042' } },
      ],
      [
        'Can I change the color of the linen apron after ordering?',
        { page: '/products/linen-apron', title: 'Linen apron' },
      ],
    ];
    for (const [text, profile] of chats) await visitorWrites(text, profile);
    await stack.relay.services.agents.create({
      email: 'ada@e2e.test',
      name: 'Ada Admin',
      role: 'admin',
      password: PASSWORD,
    });
    const wrong = await stack.newPage();
    await wrong.goto(`${stack.relay.url}/console/`);
    await wrong.getByLabel('Email').fill('ada@e2e.test');
    await wrong.getByLabel('Password').fill('not my password');
    await wrong.getByRole('button', { name: 'Sign in' }).click();
    await wrong
      .getByRole('alert')
      .getByText('that email and password do not match an active agent')
      .waitFor();

    // A tight first-response target: these chats go unanswered past it, and the console says so.
    await stack.relay.services.siteAdmin.update(stack.fixtures.site.id, { firstResponseTargetSec: 10 });
    const page = await signIn('ada@e2e.test');
    await page.goto(`${stack.relay.url}/console/#/inbox/resolved`);
    await page.locator('.toast.alert', { hasText: 'is waiting' }).first().waitFor({ timeout: 60_000 });
    await page.goto(`${stack.relay.url}/console/#/inbox/open`);
    await page.locator('.inbox-row', { hasText: 'My order #1042 arrived with a chipped plate' }).waitFor();
    await page.locator('.inbox-row').first().click();
    await page.getByRole('complementary', { name: 'Visitor' }).waitFor();
    await page.screenshot({ path: `${SHOTS}/console-inbox.png` });

    // Search over transcripts shows the matching message.
    await page.getByRole('searchbox', { name: 'Search transcripts' }).fill('chipped');
    await page.getByRole('searchbox', { name: 'Search transcripts' }).press('Enter');
    await page.getByRole('heading', { name: 'Search results' }).waitFor();
    await eventually(async () => {
      expect(await page.locator('.toast.error').allTextContents()).toEqual([]);
      expect(await page.locator('.inbox-row').allTextContents()).toEqual([
        expect.stringContaining('My order #1042 arrived with a chipped plate'),
      ]);
    });

    // The printable transcript of the conversation the search found.
    const found = await page.locator('.inbox-row').first().getAttribute('data-conversation');
    const print = await page.context().newPage();
    await print.goto(`${stack.relay.url}/console/#/print/${found}`);
    await print.locator('.print tr', { hasText: 'My order #1042 arrived with a chipped plate' }).waitFor();
    await print.close();

    await page.goto(`${stack.relay.url}/console/#/settings/sites`);
    await page
      .locator('.site-list')
      .getByRole('button', { name: /Test Shop/ })
      .click();
    await page.getByRole('form', { name: /Settings of Test Shop/ }).waitFor();
    await page.getByText(`data-site="${stack.fixtures.site.publicKey}"`).waitFor();
    await page.getByRole('textbox', { name: 'Allowed origins' }).fill('http://shop.test\nnot an origin');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page
      .getByRole('alert')
      .getByText(/origins look like/)
      .waitFor();
    await page
      .getByRole('textbox', { name: 'Allowed origins' })
      .fill('http://shop.test\nhttps://www.shop.test');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Saved.').waitFor();
    // Opening hours, a proactive greeting and balanced routing, saved through the same form.
    await page.getByLabel('Only open during these hours').check();
    await page.getByRole('textbox', { name: 'Time zone' }).fill('Europe/Bucharest');
    await page
      .getByRole('row', { name: /Monday/ })
      .getByRole('checkbox')
      .check();
    await page.getByLabel('Monday closes').fill('18:30');
    await page.getByRole('button', { name: '+ Add a proactive message' }).click();
    await page.getByRole('textbox', { name: 'Pages' }).fill('/products/*');
    await page.getByLabel(/Balanced/).check();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await eventually(async () => {
      const saved = await stack.relay.services.siteAdmin.get(stack.fixtures.site.id);
      expect(saved?.allowedOrigins).toEqual(['http://shop.test', 'https://www.shop.test']);
      expect(saved?.assignment).toBe('balanced');
      expect(saved?.widget.businessHours).toEqual({
        enabled: true,
        timeZone: 'Europe/Bucharest',
        intervals: [{ day: 1, from: '09:00', to: '18:30' }],
      });
      expect(saved?.widget.proactive).toMatchObject([{ urlPattern: '/products/*', delaySec: 20 }]);
    });
    // A bad time zone is refused with the relay's message and nothing changes.
    await page.getByRole('textbox', { name: 'Time zone' }).fill('Mars/Olympus');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page
      .getByRole('alert')
      .getByText(/IANA time zone/)
      .waitFor();
    expect(
      (await stack.relay.services.siteAdmin.get(stack.fixtures.site.id))?.widget.businessHours.timeZone,
    ).toBe('Europe/Bucharest');
    await page.getByRole('textbox', { name: 'Time zone' }).fill('Europe/Bucharest');
    // Agents & teams: give Ana the other site too.
    await page.goto(`${stack.relay.url}/console/#/settings/agents`);
    await page.getByRole('checkbox', { name: 'Ana Lopez answers Other Shop' }).check();
    await page.getByText('Ana Lopez now answers Other Shop').waitFor();
    expect((await stack.relay.services.agents.byId(ana.id))?.siteIds).toEqual([
      stack.fixtures.site.id,
      stack.fixtures.otherSite.id,
    ]);
    await page.screenshot({ path: `${SHOTS}/console-agents.png` });
    await page.goto(`${stack.relay.url}/console/#/settings/sites`);
    await page
      .locator('.site-list')
      .getByRole('button', { name: /Test Shop/ })
      .click();
    await page.setViewportSize({ width: 1440, height: 1700 });
    await page.screenshot({ path: `${SHOTS}/console-settings.png` });
  });
});
