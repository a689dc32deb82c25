// @vitest-environment node
// The whole product in real Chromium: a shopper on the demo shop writes through the real widget;
// the agent is alerted, sees the shopper's page and cart, answers with a canned response, and
// resolves; the shopper reads the answer in the widget and rates the conversation.
import { type Stack, startStack } from '@parley/server/testing/stack';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';

const PASSWORD = 'correct horse battery';
const eventually = (check: () => void | Promise<void>) =>
  vi.waitFor(check, { timeout: 20_000, interval: 50 });
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ demoShop: true });
  const site = stack.shop!.site;
  const { agent } = await stack.relay.services.agents.create({
    email: 'ana@shop.test',
    name: 'Ana Lopez',
    role: 'agent',
    siteIds: [site.id],
    password: PASSWORD,
  });
  await stack.relay.services.agents.setPresence(agent.id, 'online');
  await stack.relay.services.canned.create(stack.fixtures.admin.agent, {
    shortcut: 'hello',
    body: "Hi {{visitor.name}}, I'm {{agent.name}} at {{site.name}} — yes, it is dishwasher safe!",
    shared: true,
  });
});

afterAll(async () => {
  await stack?.close();
});

it('a shopper writes on the demo shop; the agent sees page and cart, replies with a canned response, resolves; the shopper rates', async () => {
  const console = await stack.newPage({ viewport: { width: 1440, height: 900 } });
  await console.goto(`${stack.relay.url}/console/`);
  await console.getByLabel('Email').fill('ana@shop.test');
  await console.getByLabel('Password').fill(PASSWORD);
  await console.getByRole('button', { name: 'Sign in' }).click();
  await console.getByRole('navigation', { name: 'Views' }).waitFor();

  const shop = await stack.newPage({ viewport: { width: 1280, height: 800 } });
  await shop.goto(`${stack.shop!.url}/products/blue-mug`);
  // The shop's own script wires the button: add to the cart once it has run.
  await shop.waitForLoadState('load');
  await shop.getByRole('button', { name: 'Add to cart' }).click();
  await shop.getByText('Added to your cart.').waitFor();
  // Chat from the cart page, which sends the cart once: two calls in quick succession (the empty
  // cart at load, then the added mug) are handled concurrently by the relay and can land in
  // either order.
  await shop.goto(`${stack.shop!.url}/cart`);
  await shop.waitForLoadState('load');
  await shop.getByRole('button', { name: 'Open chat' }).click();
  const widget = shop.frameLocator('iframe[title="Chat"]');
  await widget.getByRole('textbox', { name: 'Message' }).fill('Hi! Is the blue mug dishwasher safe?');
  await widget.getByRole('button', { name: 'Send' }).click();

  await console.locator('.toast.alert', { hasText: 'New conversation' }).waitFor();
  await console.locator('.inbox-row', { hasText: 'Is the blue mug dishwasher safe?' }).click();
  const panel = console.getByRole('complementary', { name: 'Visitor' });
  await panel.locator('.current-page', { hasText: /cart/i }).waitFor();
  await panel.locator('.trail', { hasText: 'Blue enamel mug' }).waitFor();
  await panel.getByText('1× Blue enamel mug').waitFor();
  // The relay pushes cart changes. The console reads as a hidden tab meanwhile, which turns its
  // fallback refresh off, so only the push can bring the emptied cart onto the panel.
  const hidden = (value: boolean) =>
    console.evaluate((on) => {
      if (on) Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
      else delete (document as { visibilityState?: unknown }).visibilityState;
    }, value);
  // Whatever opening the conversation set off (read receipts, their refreshes) settles first.
  await console.waitForLoadState('networkidle');
  await console.waitForTimeout(1000);
  await hidden(true);
  await shop.getByRole('button', { name: 'Empty cart' }).click();
  await panel.getByText('1× Blue enamel mug').waitFor({ state: 'detached', timeout: 15_000 });
  await hidden(false);

  const box = console.getByRole('textbox', { name: 'Reply' });
  await box.fill('/hello');
  await box.press('Enter');
  await eventually(async () =>
    expect(await box.inputValue()).toContain("I'm Ana Lopez at Hearth & Co. — yes"),
  );
  await box.press('Enter');
  await widget
    .getByText("Hi there, I'm Ana Lopez at Hearth & Co. — yes, it is dishwasher safe!")
    .first()
    .waitFor();
  await shop.screenshot({ path: `${process.env.PARLEY_SCREENSHOTS ?? '/tmp'}/demo-shop-reply.png` });

  await console.getByRole('button', { name: '✓ Resolve' }).click();
  await widget.getByRole('button', { name: 'Great' }).click();
  await console.locator('.timeline-event', { hasText: 'Rated 5/5' }).waitFor();
});
