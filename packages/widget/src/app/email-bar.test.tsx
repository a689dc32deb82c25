// The widget's email channel as a visitor meets it: "Email me instead" with one field when the
// relay has no address, the "continuing at" banner with "switch back to chat", relay refusals
// shown as they come, and email turns marked in the transcript.
import type { TimelineEntry } from '@parley/client';
import type { Conversation, Result } from '@parley/protocol';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Ask, EmailBar } from './email-bar';
import { en } from './i18n';
import { Transcript } from './transcript';

afterEach(() => {
  cleanup();
  document.documentElement.lang = '';
});

const at = '2026-11-23T10:00:00.000Z';
const conversation = (change: Partial<Conversation> = {}): Conversation => ({
  id: 'c1',
  siteId: 's1',
  visitorId: 'v1',
  status: 'open',
  channel: 'chat',
  assigneeId: null,
  priority: 'none',
  tags: [],
  seq: 3,
  visitorSeenSeq: 3,
  agentSeenSeq: 1,
  createdAt: at,
  lastMessageAt: at,
  firstResponseAt: at,
  resolvedAt: null,
  rating: null,
  ...change,
});

/** A relay stand-in that answers each call with the next scripted ack and records the calls. */
function relay(...answers: Result<object>[]) {
  const calls: [string, unknown][] = [];
  const ask: Ask = vi.fn(async (event: string, payload: unknown) => {
    calls.push([event, payload]);
    return answers.shift() ?? ({ ok: true } as const);
  });
  return { ask, calls };
}

describe('Email me instead', () => {
  it('asks the relay at once, and for an address with one field when it has none', async () => {
    const { ask, calls } = relay(
      { ok: false, code: 'bad_request', message: 'the visitor has not given a usable email address' },
      { ok: true },
    );
    render(<EmailBar conversation={conversation()} ask={ask} />);
    fireEvent.click(screen.getByRole('button', { name: '✉ Email me instead' }));
    const field = await screen.findByRole('textbox', { name: 'Your email' });
    expect(calls).toEqual([['conversation:email', { conversationId: 'c1' }]]);

    fireEvent.input(field, { target: { value: 'not an address' } });
    fireEvent.click(screen.getByRole('button', { name: 'Email me' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Please enter a valid email address.');
    expect(calls).toHaveLength(1);

    fireEvent.input(field, { target: { value: ' jane@example.com ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Email me' }));
    await waitFor(() =>
      expect(calls[1]).toEqual(['conversation:email', { conversationId: 'c1', email: 'jane@example.com' }]),
    );
    await waitFor(() => expect(screen.queryByRole('textbox', { name: 'Your email' })).toBeNull());
  });

  it('shows what the relay says when it refuses for another reason', async () => {
    const { ask } = relay({ ok: false, code: 'unavailable', message: 'email is not set up on this relay' });
    render(<EmailBar conversation={conversation()} ask={ask} />);
    fireEvent.click(screen.getByRole('button', { name: '✉ Email me instead' }));
    expect((await screen.findByRole('alert')).textContent).toBe('email is not set up on this relay');
    expect(screen.queryByRole('textbox')).toBeNull();
  });

  it('is not offered on a resolved conversation', () => {
    const { container } = render(
      <EmailBar conversation={conversation({ status: 'resolved' })} ask={relay().ask} />,
    );
    expect(container.textContent).toBe('');
  });
});

describe('continuing by email', () => {
  it('says where mail goes and switches back to chat', async () => {
    const { ask, calls } = relay({
      ok: false,
      code: 'rate_limited',
      message: 'too many requests, slow down',
    });
    render(
      <EmailBar conversation={conversation({ channel: 'email', emailTo: 'j***@example.com' })} ask={ask} />,
    );
    expect(screen.getByRole('status').textContent).toContain(
      'Continuing by email at j***@example.com: check your inbox and reply to our email. Replies also show here.',
    );
    fireEvent.click(screen.getByRole('button', { name: 'Switch back to chat' }));
    await waitFor(() => expect(calls).toEqual([['conversation:chat', { conversationId: 'c1' }]]));
    expect((await screen.findByRole('alert')).textContent).toBe('too many requests, slow down');
  });

  it('speaks the widget’s language', () => {
    document.documentElement.lang = 'pl';
    render(
      <EmailBar
        conversation={conversation({ channel: 'email', emailTo: 'j***@example.com' })}
        ask={relay().ask}
      />,
    );
    expect(screen.getByRole('button', { name: 'Wróć do czatu' })).toBeTruthy();
  });
});

describe('email turns in the transcript', () => {
  it('marks the turns that came or went by email, and only those', async () => {
    const entry = (seq: number, body: string, channel: 'chat' | 'email'): TimelineEntry => ({
      id: `m${seq}`,
      conversationId: 'c1',
      seq,
      clientMsgId: `client-${seq}`,
      type: 'message',
      visibility: 'all',
      author: seq % 2 ? { kind: 'visitor', id: 'v1' } : { kind: 'agent', id: 'a1', name: 'Ana' },
      body,
      channel,
      createdAt: at,
      status: 'sent',
    });
    render(
      <Transcript
        entries={[
          entry(1, 'In chat', 'chat'),
          entry(2, 'Your invoice is attached', 'email'),
          entry(3, 'Thanks, got it', 'email'),
        ]}
        strings={en}
        greeting="Hi"
        typing={null}
        onRetry={() => {}}
        onDiscard={() => {}}
        ask={async () => ({ ok: true })}
      />,
    );
    await waitFor(() => expect(screen.getAllByText('· ✉ by email', { exact: false })).toHaveLength(2));
    const items = screen.getAllByRole('listitem');
    expect(items.find((li) => li.textContent?.includes('In chat'))?.textContent).not.toContain('✉');
    expect(items.find((li) => li.textContent?.includes('Thanks, got it'))?.textContent).toContain(
      '✉ by email',
    );
  });
});
