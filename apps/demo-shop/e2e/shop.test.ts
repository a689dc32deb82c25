// The demo shop as a visitor meets it, in real Chromium against a real relay and database, with a
// test agent answering over the agent socket.
import type { ChatClient } from '@parley/client';
import type { Message } from '@parley/protocol';
import { resolveConversation } from '@parley/server/testing';
import { agentClient, ready } from '@parley/server/testing/clients';
import { type Stack, startStack } from '@parley/server/testing/stack';
import type { FrameLocator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let stack: Stack;
let agent: ChatClient;
const agentSaw: Message[] = [];

beforeAll(async () => {
  stack = await startStack({ demoShop: true });
  agent = await ready(agentClient(stack.relay.url, stack.fixtures.admin.token));
  agent.on('message', (m) => agentSaw.push(m));
});
afterAll(async () => {
  agent?.close();
  await stack?.close();
});

const eventually = <T>(check: () => Promise<T> | T) => expect.poll(check, { timeout: 20_000, interval: 100 });
const chat = (page: Page): FrameLocator => page.frameLocator('iframe[title="Chat"]');
const bubbles = (page: Page) => chat(page).locator('.transcript .entry .bubble').allTextContents();

async function openWidget(page: Page): Promise<FrameLocator> {
  await page.getByRole('button', { name: 'Open chat' }).click();
  await chat(page).getByRole('textbox', { name: 'Message' }).waitFor();
  return chat(page);
}

async function send(page: Page, text: string): Promise<void> {
  const frame = chat(page);
  await frame.getByRole('textbox', { name: 'Message' }).fill(text);
  await frame.getByRole('button', { name: 'Send' }).click();
}

/** The conversation a visitor's message landed in, as the agent saw it. */
async function conversationOf(body: string): Promise<string> {
  await eventually(() => agentSaw.some((m) => m.body === body)).toBe(true);
  return agentSaw.find((m) => m.body === body)?.conversationId ?? '';
}

async function storedBodies(conversationId: string): Promise<string[]> {
  const timeline = await stack.relay.services.conversations.timeline(conversationId);
  return timeline.filter((m) => m.type === 'message').map((m) => m.body);
}

describe('the demo shop', () => {
  it('chats with an agent, keeps the transcript across a reload, and passes the cart', async () => {
    const page = await stack.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${stack.shop?.url}/products/blue-mug`);
    await page.getByRole('button', { name: 'Add to cart' }).click();
    await page.getByRole('button', { name: 'Add to cart' }).click();
    await page.getByRole('button', { name: 'Open chat' }).waitFor();
    await page.screenshot({ path: '/tmp/parley-launcher.png' });

    await openWidget(page);
    await send(page, 'Is the blue mug dishwasher safe?');
    const conversationId = await conversationOf('Is the blue mug dishwasher safe?');
    await agent.follow(conversationId);
    agent.send(conversationId, 'Yes, it is. See https://shop.test/care');
    await eventually(() => bubbles(page)).toEqual([
      'Hi! How can we help?',
      'Is the blue mug dishwasher safe?',
      'Yes, it is. See https://shop.test/care',
    ]);
    await expect(
      chat(page).getByRole('link', { name: 'https://shop.test/care' }).getAttribute('href'),
    ).resolves.toBe('https://shop.test/care');
    await expect(chat(page).getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
      'Ada Admin · Hearth & Co.',
    );
    // The panel is open, so the agent's message is seen, and the visitor's own shows the agent saw it.
    await agent.markSeen(conversationId);
    await eventually(() => chat(page).locator('.entry.me .status').first().textContent()).toContain('Seen');
    await page.screenshot({ path: '/tmp/parley-panel.png' });

    const visitorId = (
      await stack.relay.services.conversations.get(
        { kind: 'agent', agentId: stack.fixtures.admin.agent.id, name: 'Ada', siteIds: null },
        conversationId,
      )
    )?.visitorId as string;
    await eventually(
      async () => (await stack.relay.services.visitors.details(visitorId))?.attributes,
    ).toEqual({
      cartValue: 28,
      cartItems: 2,
      cart: '2× Blue enamel mug',
    });
    const details = await stack.relay.services.visitors.details(visitorId);
    expect(details?.pages.map((p) => new URL(p.url).pathname)).toContain('/products/blue-mug');
    expect(details?.context.userAgent).toContain('Chrome');

    await page.reload();
    await openWidget(page);
    await eventually(() => bubbles(page)).toEqual([
      'Hi! How can we help?',
      'Is the blue mug dishwasher safe?',
      'Yes, it is. See https://shop.test/care',
    ]);
    await page.context().close();
  });

  it('loses nothing and doubles nothing when the network drops and comes back', async () => {
    const page = await stack.newPage();
    await page.goto(stack.shop?.url ?? '');
    await openWidget(page);
    await send(page, 'Before the drop');
    const conversationId = await conversationOf('Before the drop');
    await agent.follow(conversationId);

    await page.context().setOffline(true);
    // The relay notices the dead socket only later; the widget must not rely on that.
    await send(page, 'Written offline, one');
    await send(page, 'Written offline, two');
    await eventually(() => chat(page).locator('.status.sending').count()).toBeGreaterThan(0);
    agent.send(conversationId, 'Reply while you were away');
    await eventually(() => storedBodies(conversationId)).toContain('Reply while you were away');

    await page.context().setOffline(false);
    // The reply was stored while the visitor was away, so it comes before what they wrote offline.
    const expected = [
      'Before the drop',
      'Reply while you were away',
      'Written offline, one',
      'Written offline, two',
    ];
    await eventually(() => storedBodies(conversationId)).toEqual(expected);
    await eventually(() => bubbles(page)).toEqual(['Hi! How can we help?', ...expected]);
    await expect(chat(page).locator('.status.sending').count()).resolves.toBe(0);
    await page.context().close();
  });

  it('shows the same conversation live in a second tab of the same site', async () => {
    const page = await stack.newPage();
    await page.goto(stack.shop?.url ?? '');
    await openWidget(page);
    await send(page, 'Hello from tab one');
    const conversationId = await conversationOf('Hello from tab one');

    const second = await page.context().newPage();
    await second.goto(`${stack.shop?.url}/cart`);
    await openWidget(second);
    await eventually(() => bubbles(second)).toContain('Hello from tab one');
    await send(second, 'And from tab two');
    await eventually(() => bubbles(page)).toContain('And from tab two');
    expect(await storedBodies(conversationId)).toEqual(['Hello from tab one', 'And from tab two']);
    await page.context().close();
  });

  it('asks for a rating when the agent closes the conversation, then offers a new one', async () => {
    const page = await stack.newPage();
    await page.goto(stack.shop?.url ?? '');
    await openWidget(page);
    await send(page, 'Thanks, that is all');
    const conversationId = await conversationOf('Thanks, that is all');
    await resolveConversation(stack.relay, stack.fixtures.admin.agent, conversationId);

    await chat(page).getByRole('button', { name: 'Great' }).click();
    await eventually(
      async () =>
        (
          await stack.relay.services.conversations.get(
            { kind: 'agent', agentId: stack.fixtures.admin.agent.id, name: 'Ada', siteIds: null },
            conversationId,
          )
        )?.rating?.score,
    ).toBe(5);
    await chat(page).getByLabel('Anything to add? (optional)').fill('Quick answer');
    await chat(page).getByRole('button', { name: 'Send feedback' }).click();
    await chat(page).getByRole('button', { name: 'Start a new conversation' }).click();
    await send(page, 'A new question');
    const next = await conversationOf('A new question');
    expect(next).not.toBe(conversationId);
    await page.context().close();
  });

  it('badges unread replies while closed, shows typing both ways, and downloads the transcript', async () => {
    const page = await stack.newPage();
    await page.goto(stack.shop?.url ?? '');
    await openWidget(page);
    const visitorTyping: boolean[] = [];
    agent.on('typing', (event) => {
      if (event.author.kind === 'visitor') visitorTyping.push(event.typing);
    });
    await send(page, 'Do you gift wrap?');
    const conversationId = await conversationOf('Do you gift wrap?');
    await chat(page).getByRole('textbox', { name: 'Message' }).pressSequentially('And cards');
    await eventually(() => visitorTyping).toContain(true);

    await agent.follow(conversationId);
    agent.setTyping(conversationId, true);
    await chat(page).getByText('Ada Admin is typing…').waitFor();

    await page.evaluate(() => {
      const w = window as unknown as { unread: number[]; Parley: (...a: unknown[]) => void };
      w.unread = [];
      w.Parley('on', 'unread', (detail: { count: number }) => w.unread.push(detail.count));
      w.Parley('close');
    });
    agent.send(conversationId, 'We do, for €3.');
    agent.send(conversationId, 'Ribbon included.');
    const badge = page.locator('parley-widget b');
    await eventually(() => badge.textContent()).toBe('2');
    expect(await page.evaluate(() => (window as unknown as { unread: number[] }).unread)).toContain(2);

    await openWidget(page);
    await eventually(() => badge.textContent()).toBe('');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      chat(page).getByRole('button', { name: 'Download transcript' }).click(),
    ]);
    const path = await download.path();
    const text = (await import('node:fs')).readFileSync(path, 'utf8');
    expect(text).toContain('Conversation with Hearth & Co.');
    expect(text).toMatch(/You: Do you gift wrap\?/);
    expect(text).toMatch(/Ada Admin: Ribbon included\./);
    await page.context().close();
  });
});
