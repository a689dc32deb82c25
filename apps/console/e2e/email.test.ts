// @vitest-environment node
// Issue 5 end to end in real Chromium, out of the box (no SMTP_URL: the relay's own SMTP server is
// the Mailbox): a shopper writes in the widget on the demo shop; the agent continues by email
// (asking the address), replies; the email shows in the console's Mailbox, where "Reply as
// visitor" answers it over SMTP; the answer lands in the console's timeline (with its original)
// and in the widget, marked as email; the shopper switches back to chat. Screenshots go to /tmp.
import { type Stack, startStack } from '@parley/server/testing/stack';
import { afterAll, beforeAll, expect, it } from 'vitest';

const PASSWORD = 'correct horse battery';
const SHOTS = process.env.PARLEY_SCREENSHOTS ?? '/tmp';
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({
    demoShop: true,
    relay: { inboundSmtpPort: 0, devMailbox: true, emailVerify: false, emailTickMs: 50 },
  });
  const { agent } = await stack.relay.services.agents.create({
    email: 'ana@shop.test',
    name: 'Ana Lopez',
    role: 'agent',
    siteIds: [stack.shop!.site.id],
    password: PASSWORD,
  });
  await stack.relay.services.agents.setPresence(agent.id, 'online');
});

afterAll(async () => {
  await stack?.close();
});

it('escalates to email from the console, replies as the visitor from the Mailbox, and both views show it', async () => {
  const console = await stack.newPage({ viewport: { width: 1440, height: 900 } });
  console.on('pageerror', (error) => process.stderr.write(`console page error: ${error.message}\n`));
  await console.goto(`${stack.relay.url}/console/`);
  await console.getByLabel('Email').fill('ana@shop.test');
  await console.getByLabel('Password').fill(PASSWORD);
  await console.getByRole('button', { name: 'Sign in' }).click();
  await console.getByRole('navigation', { name: 'Views' }).waitFor();

  const shop = await stack.newPage({ viewport: { width: 1280, height: 800 } });
  await shop.goto(`${stack.shop!.url}/products/blue-mug`);
  await shop.waitForLoadState('load');
  await shop.getByRole('button', { name: 'Open chat' }).click();
  const widget = shop.frameLocator('iframe[title="Chat"]');
  await widget
    .getByRole('textbox', { name: 'Message' })
    .fill('Could you email me the care instructions for the mug?');
  await widget.getByRole('button', { name: 'Send' }).click();

  // The agent continues by email; the shopper gave no address, so the console asks for one.
  await console.locator('.inbox-row', { hasText: 'care instructions' }).click();
  const conversationUrl = console.url();
  await console.getByRole('button', { name: '✉ Continue by email' }).click();
  await console.getByLabel("Visitor's email").fill('jane@example.com');
  await console.getByRole('button', { name: 'Continue by email', exact: true }).click();
  await console
    .locator('.email-channel.on', { hasText: 'Continuing by email at j***@example.com' })
    .waitFor();
  await console.locator('.timeline-event', { hasText: 'Continuing by email at j***@example.com' }).waitFor();
  await widget.locator('.email-bar.on', { hasText: 'Continuing by email at j***@example.com' }).waitFor();

  const reply = console.getByRole('textbox', { name: 'Reply' });
  await reply.fill('Of course! Hand wash it in warm water; the enamel keeps its shine for years.');
  await reply.press('Enter');

  // The Mailbox caught both emails; the agent's reply is answered as the shopper.
  await console.getByRole('link', { name: 'Email' }).click();
  const sent = console.locator('.mailbox-row', { hasText: 'Hand wash it in warm water' });
  await sent.waitFor();
  await sent.click();
  const email = console.getByRole('article', { name: 'Email' });
  await email.getByText('Hand wash it in warm water', { exact: false }).first().waitFor();
  await expect(email.locator('dd code').textContent()).resolves.toMatch(/^reply\+[^@]+@parley\.localhost$/);
  await email.getByLabel('Reply as visitor').fill('Thank you! Is it dishwasher safe too?');
  await console.screenshot({ path: `${SHOTS}/email-mailbox.png` });
  await email.getByRole('button', { name: 'Reply as visitor' }).click();
  await email.getByText('Reply sent as the visitor').waitFor();

  // Back in the conversation: the answer is in the timeline, by email, with its original.
  await console.goto(conversationUrl);
  const answer = console.locator('.bubble-row.visitor', { hasText: 'Is it dishwasher safe too?' });
  await answer.waitFor();
  expect(await answer.locator('.chip').textContent()).toBe('email');
  // Only the new text: the quoted email below it stays in the original.
  expect(await answer.locator('.bubble').textContent()).toBe('Thank you! Is it dishwasher safe too?');
  await console.screenshot({ path: `${SHOTS}/email-conversation.png` });
  await answer.getByRole('button', { name: 'View original' }).click();
  const original = console.getByRole('dialog', { name: 'Original email' });
  await original.getByText('jane@example.com', { exact: false }).first().waitFor();
  expect(await original.locator('.email-text').textContent()).toContain('> ');
  await console.screenshot({ path: `${SHOTS}/email-original.png` });
  await original.getByRole('button', { name: 'Close' }).click();

  // The shopper sees the whole thread in the widget, email turns marked, and goes back to chat.
  const emailed = widget.locator('.entry.me', { hasText: 'Is it dishwasher safe too?' });
  await emailed.waitFor();
  await emailed.getByText('by email', { exact: false }).waitFor();
  await shop.screenshot({ path: `${SHOTS}/email-widget.png` });
  await widget.getByRole('button', { name: 'Switch back to chat' }).click();
  await widget.getByRole('button', { name: '✉ Email me instead' }).waitFor();
  await console.getByRole('button', { name: '✉ Continue by email' }).waitFor();
  expect(await console.locator('.email-channel.on').count()).toBe(0);

  // The email's "continue in the browser" link, opened on another device: the relay sends it to
  // the shop, where the widget opens on the same conversation with a session of that browser's own.
  const mail = await stack.relay.services.email.mailbox({
    kind: 'agent',
    agentId: 'admin',
    name: 'Admin',
    siteIds: null,
  });
  const link = /\/continue\/(\S+)/.exec(mail.find((m) => m.to.includes('jane@example.com'))?.text ?? '')?.[1];
  expect(link).toBeTruthy();
  const phone = await stack.newPage({ viewport: { width: 1280, height: 800 } });
  await phone.goto(`${stack.relay.url}/continue/${link}`);
  const phoneWidget = phone.frameLocator('iframe[title="Chat"]');
  await phoneWidget.getByText('Is it dishwasher safe too?').waitFor();
  await phoneWidget.getByText('Hand wash it in warm water', { exact: false }).waitFor();
  // The token does not stay in the address bar (or in the visitor's page trail).
  expect(phone.url()).toBe(`${stack.shop!.url}/`);
  await phone.screenshot({ path: `${SHOTS}/email-continue-link.png` });

  // Once per link: a forwarded email opens the shop, but no one else's session.
  const stranger = await stack.newPage({ viewport: { width: 1280, height: 800 } });
  await stranger.goto(`${stack.relay.url}/continue/${link}`);
  const strangerWidget = stranger.frameLocator('iframe[title="Chat"]');
  await strangerWidget.getByText('this link was used already', { exact: false }).waitFor();
  expect(await strangerWidget.getByText('Is it dishwasher safe too?').count()).toBe(0);
});

it('the shopper chooses "Email me instead" in the widget; every view shows it and the email goes out', async () => {
  const shop = await stack.newPage({ viewport: { width: 1280, height: 800 } });
  await shop.goto(`${stack.shop!.url}/products/blue-mug`);
  await shop.waitForLoadState('load');
  await shop.getByRole('button', { name: 'Open chat' }).click();
  const widget = shop.frameLocator('iframe[title="Chat"]');
  await widget.getByRole('textbox', { name: 'Message' }).fill('I have to run. Can you answer by email?');
  await widget.getByRole('button', { name: 'Send' }).click();
  await widget.getByText('Sent', { exact: false }).first().waitFor();

  // No address given yet: one field, checked before it goes anywhere.
  await widget.getByRole('button', { name: '✉ Email me instead' }).click();
  const field = widget.getByRole('textbox', { name: 'Your email' });
  await field.fill('sam@');
  await widget.getByRole('button', { name: 'Email me', exact: true }).click();
  await widget.getByRole('alert').filter({ hasText: 'Please enter a valid email address.' }).waitFor();
  await field.fill('sam@example.com');
  await widget.getByRole('button', { name: 'Email me', exact: true }).click();
  await widget.locator('.email-bar.on', { hasText: 'Continuing by email at s***@example.com' }).waitFor();
  await shop.screenshot({ path: `${SHOTS}/email-me-instead.png` });

  const console = await stack.newPage({ viewport: { width: 1440, height: 900 } });
  await console.goto(`${stack.relay.url}/console/`);
  await console.getByLabel('Email').fill('ana@shop.test');
  await console.getByLabel('Password').fill(PASSWORD);
  await console.getByRole('button', { name: 'Sign in' }).click();
  await console.locator('.inbox-row', { hasText: 'Can you answer by email?' }).click();
  await console
    .locator('.email-channel.on', { hasText: 'Continuing by email at s***@example.com' })
    .waitFor();
  await console.getByRole('link', { name: 'Email' }).click();
  await console.locator('.mailbox-row', { hasText: 'sam@example.com' }).first().waitFor();
});
