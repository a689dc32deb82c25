// @vitest-environment node
// The console's email pieces against a real relay (real database, built-in SMTP server as the
// Mailbox): the page's origin is the relay's, so the components' fetches are the real API calls,
// signed in with a real session cookie.

import type { Conversation, Message } from '@parley/protocol';
import { startTestRelay } from '@parley/server/testing';
import { cleanup, fireEvent, render, waitFor, within } from '@testing-library/preact';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { EmailChannel } from './EmailChannel';
import { EmailSettings } from './EmailSettings';
import { HeldMail } from './HeldMail';
import { Mailbox } from './Mailbox';
import { pageOrigin } from './relay-dom';
import { ORIGINAL_CSP, ViewOriginal } from './ViewOriginal';

const DOMAIN = 'parley.test';
const PASSWORD = 'correct horse battery';
let env: Awaited<ReturnType<typeof startTestRelay>>;

beforeAll(async () => {
  env = await startTestRelay({
    inboundSmtpPort: 0,
    devMailbox: true,
    emailVerify: false,
    inboundDomain: DOMAIN,
    emailTickMs: 50,
  });
  await env.relay.services.agents.create({
    email: 'ada@email.test',
    name: 'Ada Admin',
    role: 'admin',
    password: PASSWORD,
  });
  pageOrigin(env.relay.url);
  const login = await fetch('/api/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'ada@email.test', password: PASSWORD }),
  });
  expect(login.status).toBe(200);
});
afterEach(cleanup);
afterAll(async () => {
  await env?.relay.close();
});

const eventually = (check: () => void | Promise<void>) =>
  vi.waitFor(check, { timeout: 15_000, interval: 25 });

async function chatWithVisitor(text: string): Promise<Conversation> {
  const { services } = env.relay;
  const { visitor } = await services.visitors.mint(env.site.id);
  const actor = { kind: 'visitor' as const, visitorId: visitor.id, siteId: env.site.id };
  const { conversation } = await services.conversations.start(actor, `start-${visitor.id}`);
  const sent = await services.conversations.send(actor, {
    conversationId: conversation.id,
    clientMsgId: `first-${visitor.id}`,
    body: text,
  });
  expect(sent.ok).toBe(true);
  return conversation;
}

/** Queries over the whole page (the DOM exists only once relay-dom has run, so not `screen`). */
const page = () => within(document.body);
const timeline = (id: string): Promise<Message[]> => env.relay.services.conversations.timeline(id);

describe('Continue by email, on a conversation', () => {
  it('asks for the address the visitor never gave, shows the relay’s refusal, then the channel and "Back to chat"', async () => {
    const conversation = await chatWithVisitor('Can you put that in writing?');
    const changed: Conversation[] = [];
    const view = render(
      <EmailChannel conversation={conversation} visitorEmail={null} onChanged={(c) => changed.push(c)} />,
    );
    fireEvent.click(page().getByRole('button', { name: '✉ Continue by email' }));
    const field = page().getByLabelText("Visitor's email");

    // Parley's own inbound domain would loop: the relay refuses and the console says why.
    fireEvent.input(field, { target: { value: `someone@${DOMAIN}` } });
    fireEvent.submit(field.closest('form')!);
    expect((await page().findByRole('alert')).textContent).toBe(
      'that address would send Parley mail to itself',
    );
    expect(changed).toHaveLength(0);

    fireEvent.input(field, { target: { value: 'Jane.Console@Example.com' } });
    fireEvent.submit(field.closest('form')!);
    await eventually(() =>
      expect(changed.at(-1)).toMatchObject({ channel: 'email', emailTo: 'j***@example.com' }),
    );

    view.rerender(
      <EmailChannel
        conversation={changed.at(-1)!}
        visitorEmail="jane.console@example.com"
        onChanged={(c) => changed.push(c)}
      />,
    );
    expect(page().getByRole('status').textContent).toContain('Continuing by email at j***@example.com');
    fireEvent.click(page().getByRole('button', { name: 'Back to chat' }));
    await eventually(() => expect(changed.at(-1)).toMatchObject({ channel: 'chat' }));
    const events = (await timeline(conversation.id)).filter((m) => m.data?.name === 'channel_changed');
    expect(events.map((m) => m.body)).toEqual([
      'Continuing by email at j***@example.com',
      'Continuing in the chat',
    ]);
  });
});

describe('the Mailbox, a reply as the visitor, and the original', () => {
  it('lists the email sent, replies over SMTP as the visitor, and the reply opens sandboxed', async () => {
    const conversation = await chatWithVisitor('Where is my order #1042?');
    await env.relay.services.email.continueByEmail(
      { kind: 'agent', agentId: env.admin.agent.id, name: 'Ada Admin', siteIds: null },
      conversation.id,
      'mo@example.com',
    );
    render(<Mailbox />);
    expect((await page().findByRole('note')).textContent).toMatch(/^Development mail catcher/);
    const list = await page().findByRole('complementary', { name: 'Emails sent' });
    const row = await within(list).findByRole('button', { name: /mo@example\.com/ }, { timeout: 15_000 });
    fireEvent.click(row);
    const email = page().getByRole('article', { name: 'Email' });
    expect(email.textContent).toContain('Where is my order #1042?');
    expect(email.textContent).toMatch(/reply\+[^@]+@parley\.test/);

    const box = within(email).getByLabelText('Reply as visitor');
    const send = within(email).getByRole('button', { name: 'Reply as visitor' }) as HTMLButtonElement;
    expect(send.disabled).toBe(true);
    fireEvent.input(box, { target: { value: 'It has not arrived yet.' } });
    fireEvent.click(send);
    await within(email).findByText('Reply sent as the visitor');

    let reply: Message | undefined;
    await eventually(async () => {
      reply = (await timeline(conversation.id)).find(
        (m) => m.author.kind === 'visitor' && m.channel === 'email',
      );
      expect(reply?.body).toBe('It has not arrived yet.');
    });
    const emailId = String(reply?.data?.emailId);
    render(<ViewOriginal emailId={emailId} />);
    fireEvent.click(page().getByRole('button', { name: 'View original' }));
    const dialog = await page().findByRole('dialog', { name: 'Original email' });
    await within(dialog).findByText('mo@example.com', { exact: false });
    // The whole original, quoted history included, where the timeline shows only the new text.
    const original = within(dialog).getByText(/It has not arrived yet\./);
    expect(original.textContent).toContain('> ');
    fireEvent.keyDown(window, { key: 'Escape' });
    await waitFor(() => expect(page().queryByRole('dialog')).toBeNull());
  });

  it('shows inbound HTML only in a frame that can run and load nothing', async () => {
    const conversation = await chatWithVisitor('Sending you a photo');
    const { thread } = (await env.relay.services.email.continueByEmail(
      { kind: 'agent', agentId: env.admin.agent.id, name: 'Ada Admin', siteIds: null },
      conversation.id,
      'pix@example.com',
    )) as { thread: { address: string } };
    expect(thread.address).toBe('pix@example.com');
    let replyTo = '';
    await eventually(async () => {
      const caught = await env.relay.services.email.mailbox({
        kind: 'agent',
        agentId: 'admin',
        name: 'Admin',
        siteIds: null,
      });
      replyTo = caught.find((m) => m.to.includes('pix@example.com'))?.replyTo ?? '';
      expect(replyTo).not.toBe('');
    });
    const raw = [
      'From: pix@example.com',
      `To: ${replyTo}`,
      'Subject: photo',
      'Message-ID: <pix-1@example.com>',
      'MIME-Version: 1.0',
      'Content-Type: text/html; charset=utf-8',
      '',
      '<p>Here it is</p><script>parent.hacked=1</script><img src="https://tracker.example/p.gif" onerror="parent.hacked=2">',
      '',
    ].join('\r\n');
    await env.relay.services.email.receive(Buffer.from(raw), {
      envelopeFrom: 'pix@example.com',
      recipients: [replyTo],
    });
    let emailId = '';
    await eventually(async () => {
      const entry = (await timeline(conversation.id)).find(
        (m) => m.channel === 'email' && m.author.kind === 'visitor',
      );
      emailId = String(entry?.data?.emailId ?? '');
      expect(emailId).not.toBe('');
    });
    render(<ViewOriginal emailId={emailId} />);
    fireEvent.click(page().getByRole('button', { name: 'View original' }));
    const frame = (await page().findByTitle('Email content')) as HTMLIFrameElement;
    expect(frame.getAttribute('sandbox')).toBe('');
    const doc = frame.getAttribute('srcdoc') ?? '';
    expect(doc).toContain(`content="${ORIGINAL_CSP}"`);
    expect(doc).toContain('Here it is');
    expect(doc).not.toMatch(/<script|onerror|tracker\.example/i);
  });
});

describe('held mail and settings, for admins', () => {
  it('holds mail with an unknown token and lets the admin discard it', async () => {
    const raw = [
      'From: stranger@example.com',
      `To: reply+forgedtoken123@${DOMAIN}`,
      'Subject: let me in',
      'Message-ID: <forged-1@example.com>',
      '',
      'Hello?',
      '',
    ].join('\r\n');
    const outcome = await env.relay.services.email.receive(Buffer.from(raw), {
      envelopeFrom: null,
      recipients: null,
    });
    expect(outcome).toMatchObject({ disposition: 'held' });
    render(<HeldMail />);
    const row = (await page().findByText('stranger@example.com')).closest('tr')!;
    // No well-formed reply token in the address: the reason says so.
    expect(row.textContent).toContain('No reply address');
    // Nothing to release it into: only discarding is offered.
    expect((within(row).getByRole('button', { name: 'Release' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(within(row).getByRole('button', { name: 'Discard' }));
    await waitFor(() => expect(page().queryByText('stranger@example.com')).toBeNull());
    expect(await env.relay.services.email.held()).toEqual([]);
  });

  it('turns "email transcript on resolve" on for a site', async () => {
    render(<EmailSettings sites={[{ id: env.site.id, name: 'Test Shop', firstResponseTargetSec: 60 }]} />);
    const box = (await page().findByRole('checkbox')) as HTMLInputElement;
    await waitFor(() => expect(box.disabled).toBe(false));
    expect(box.checked).toBe(false);
    fireEvent.click(box);
    await page().findByText('Saved');
    expect(await env.relay.services.email.siteSettings(env.site.id)).toEqual({ transcriptOnResolve: true });
  });
});
