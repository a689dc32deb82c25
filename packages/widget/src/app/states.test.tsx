// The panel's states as a visitor meets them, rendered into a DOM and driven by role and label.
import type { TimelineEntry } from '@parley/client';
import type { Conversation, SiteSettings, WidgetSite } from '@parley/protocol';
import { siteSettingsSchema } from '@parley/protocol/schemas';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { en } from './i18n';
import { OfflineForm } from './offline-form';
import { PreChat } from './pre-chat';
import { Rating } from './rating';
import { Transcript } from './transcript';
import { Widget, type WidgetActions, type WidgetProps } from './widget';

afterEach(cleanup);

const at = '2026-11-23T10:00:00.000Z';
const stored = (
  seq: number,
  body: string,
  kind: 'visitor' | 'agent',
  status: 'sent' | 'seen',
): TimelineEntry => ({
  id: `m${seq}`,
  conversationId: 'c1',
  seq,
  clientMsgId: `client-${seq}`,
  type: 'message',
  visibility: 'all',
  author: kind === 'agent' ? { kind, id: 'a1', name: 'Ana' } : { kind, id: 'v1' },
  body,
  channel: 'chat',
  createdAt: at,
  status,
});

function actions(): WidgetActions {
  return {
    close: vi.fn(),
    send: vi.fn(),
    typing: vi.fn(),
    retry: vi.fn(),
    discard: vi.fn(),
    submitProfile: vi.fn(async () => null),
    submitOffline: vi.fn(async () => null),
    giveEmail: vi.fn(async () => null),
    rate: vi.fn(async () => null),
    newConversation: vi.fn(),
    download: vi.fn(),
    ask: vi.fn(async () => ({ ok: true as const })),
  };
}

const settings = (change: Record<string, unknown> = {}): SiteSettings => siteSettingsSchema.parse(change);
const site = (change: Record<string, unknown> = {}): WidgetSite => ({
  name: 'Hearth & Co.',
  settings: settings(change),
});
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

function props(change: Partial<WidgetProps> = {}): WidgetProps {
  return {
    site: site(),
    strings: en,
    conversation: null,
    entries: [],
    availability: { available: true, withinHours: true, agentsOnline: true },
    agent: null,
    typing: null,
    greeting: null,
    announcement: '',
    prefill: '',
    focusKey: 0,
    profileDone: false,
    emailGiven: null,
    offlineSent: false,
    actions: actions(),
    ...change,
  };
}

describe('message states', () => {
  it('shows sending, sent, seen and failed messages, and retries or deletes a failed one', () => {
    const onRetry = vi.fn();
    const onDiscard = vi.fn();
    const entries: TimelineEntry[] = [
      stored(1, 'Is the blue mug in stock?', 'visitor', 'seen'),
      stored(2, 'Yes, 5 left: https://shop.test/products/blue-mug', 'agent', 'sent'),
      stored(3, 'Great', 'visitor', 'sent'),
      {
        status: 'sending',
        clientMsgId: 'pending-1',
        conversationId: 'c1',
        body: 'I will take two',
        createdAt: at,
      },
      {
        status: 'failed',
        clientMsgId: 'failed-1',
        conversationId: 'c1',
        body: 'And a tote',
        createdAt: at,
        error: { code: 'too_large', message: 'messages are limited to 4000 characters' },
      },
    ];
    render(
      <Transcript
        entries={entries}
        strings={en}
        greeting="Hi!"
        typing="Ana"
        onRetry={onRetry}
        onDiscard={onDiscard}
        ask={async () => ({ ok: true })}
      />,
    );
    const items = screen.getAllByRole('listitem');
    expect(items.map((li) => li.querySelector('.bubble')?.textContent ?? li.textContent)).toEqual([
      'Hi!',
      'Is the blue mug in stock?',
      'Yes, 5 left: https://shop.test/products/blue-mug',
      'Great',
      'I will take two',
      'And a tote',
    ]);
    // Typing is a visual hint only: screen readers hear messages, not keystrokes.
    expect(screen.getByText('Ana is typing…').getAttribute('aria-hidden')).toBe('true');
    expect(items[1]?.textContent).toContain('Seen');
    expect(items[2]?.textContent).toContain('Ana');
    expect(items[3]?.textContent).toContain('Sent');
    expect(items[4]?.textContent).toContain('Sending…');
    expect(screen.getByRole('alert').textContent).toBe('Not sent. messages are limited to 4000 characters');

    const link = screen.getByRole('link', { name: 'https://shop.test/products/blue-mug' });
    expect(link.getAttribute('href')).toBe('https://shop.test/products/blue-mug');
    expect(link.getAttribute('rel')).toContain('noopener');

    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(onRetry).toHaveBeenCalledWith('failed-1');
    fireEvent.click(screen.getByRole('button', { name: 'Delete' }));
    expect(onDiscard).toHaveBeenCalledWith('failed-1');
  });

  it('renders message text as text, never as HTML', () => {
    const { container } = render(
      <Transcript
        entries={[
          stored(1, '<img src=x onerror="alert(1)"><b>bold</b> javascript:alert(1)', 'agent', 'sent'),
        ]}
        strings={en}
        greeting="Hi!"
        typing={null}
        onRetry={() => {}}
        onDiscard={() => {}}
        ask={async () => ({ ok: true })}
      />,
    );
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('b')).toBeNull();
    expect(container.querySelector('a')).toBeNull();
    expect(container.textContent).toContain('<img src=x onerror="alert(1)"><b>bold</b>');
  });

  it('sends from a labelled textbox with Enter or the Send button, not empty text', () => {
    const p = props({ conversation: conversation(), entries: [stored(1, 'Hi', 'visitor', 'sent')] });
    render(<Widget {...p} />);
    const box = screen.getByRole('textbox', { name: 'Message' });
    const send = screen.getByRole('button', { name: 'Send' });
    expect((send as HTMLButtonElement).disabled).toBe(true);
    fireEvent.input(box, { target: { value: '  Where is my order?  ' } });
    fireEvent.click(send);
    expect(p.actions.send).toHaveBeenCalledWith('Where is my order?');
    fireEvent.input(box, { target: { value: 'Second' } });
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(p.actions.send).toHaveBeenLastCalledWith('Second');
    fireEvent.input(box, { target: { value: 'line one' } });
    fireEvent.keyDown(box, { key: 'Enter', shiftKey: true });
    expect(p.actions.send).toHaveBeenCalledTimes(2);
    expect(p.actions.typing).toHaveBeenCalledWith(true);
  });

  it('announces new messages in a live region', () => {
    const p = props({ announcement: 'New message from Ana: Hello' });
    render(<Widget {...p} />);
    const live = document.querySelector('[aria-live="polite"]');
    expect(live?.textContent).toBe('New message from Ana: Hello');
  });
});

describe('pre-chat form', () => {
  const preChat = settings({
    preChat: {
      enabled: true,
      fields: [
        { key: 'name', label: 'Name', type: 'text', required: true },
        { key: 'email', label: 'Email', type: 'email', required: true },
        { key: 'order', label: 'Order number', type: 'text', required: false },
      ],
      consentText: 'I agree to the processing of my data.',
      privacyUrl: 'https://shop.test/privacy',
    },
  }).preChat;

  it('asks for required fields and consent before sending anything', async () => {
    const onSubmit = vi.fn(async () => null);
    render(<PreChat preChat={preChat} strings={en} onSubmit={onSubmit} />);
    expect(screen.getByRole('link', { name: 'Privacy policy' }).getAttribute('href')).toBe(
      'https://shop.test/privacy',
    );
    fireEvent.click(screen.getByRole('button', { name: 'Start chat' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Please fill in the required fields.');

    fireEvent.input(screen.getByLabelText(/^Name/), { target: { value: 'Ana' } });
    fireEvent.input(screen.getByLabelText(/^Email/), { target: { value: 'ana@' } });
    fireEvent.click(screen.getByRole('checkbox'));
    fireEvent.click(screen.getByRole('button', { name: 'Start chat' }));
    await waitFor(() =>
      expect(screen.getByRole('alert').textContent).toBe('Please enter a valid email address.'),
    );
    expect(onSubmit).not.toHaveBeenCalled();

    fireEvent.input(screen.getByLabelText(/^Email/), { target: { value: 'ana@example.test' } });
    fireEvent.input(screen.getByLabelText(/^Order number/), { target: { value: 'A-17' } });
    fireEvent.click(screen.getByRole('button', { name: 'Start chat' }));
    await waitFor(() =>
      expect(onSubmit).toHaveBeenCalledWith({
        name: 'Ana',
        email: 'ana@example.test',
        fields: { order: 'A-17' },
        consent: true,
      }),
    );
  });

  it("shows the relay's refusal", async () => {
    render(
      <PreChat
        preChat={preChat}
        strings={en}
        onSubmit={async () => 'consent: please accept before chatting'}
      />,
    );
    fireEvent.input(screen.getByLabelText(/^Name/), { target: { value: 'Ana' } });
    fireEvent.input(screen.getByLabelText(/^Email/), { target: { value: 'ana@example.test' } });
    fireEvent.click(screen.getByRole('checkbox'));
    fireEvent.click(screen.getByRole('button', { name: 'Start chat' }));
    expect((await screen.findByRole('alert')).textContent).toBe('consent: please accept before chatting');
  });

  it('comes before the chat when the site has one, and not once it is done', async () => {
    render(<Widget {...props({ site: site({ preChat }) })} />);
    expect(await screen.findByRole('heading', { name: 'Before we start' })).toBeTruthy();
    expect(screen.queryByRole('textbox', { name: 'Message' })).toBeNull();
    cleanup();
    render(<Widget {...props({ site: site({ preChat }), profileDone: true })} />);
    expect(screen.getByRole('textbox', { name: 'Message' })).toBeTruthy();
  });
});

describe('offline', () => {
  const away = { available: false, withinHours: false, agentsOnline: false };

  it('shows the contact form when nobody is there and the site chose a form', async () => {
    const p = props({ site: site({ offline: { behaviour: 'form' } }), availability: away });
    render(<Widget {...p} />);
    expect(await screen.findByRole('heading', { name: 'Leave us a message' })).toBeTruthy();
    expect(screen.queryByRole('textbox', { name: 'Message' })).toBeNull();
  });

  it('checks email and message, then submits', async () => {
    const onSubmit = vi.fn(async () => null);
    render(<OfflineForm strings={en} onSubmit={onSubmit} />);
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Please fill in the required fields.');
    fireEvent.input(screen.getByLabelText(/^Email/), { target: { value: 'nope' } });
    fireEvent.input(screen.getByLabelText(/^Message/), { target: { value: 'Do you ship to Iasi?' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    await waitFor(() =>
      expect(screen.getByRole('alert').textContent).toBe('Please enter a valid email address.'),
    );
    fireEvent.input(screen.getByLabelText(/^Email/), { target: { value: 'ion@example.test' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    await waitFor(() =>
      expect(onSubmit).toHaveBeenCalledWith({ email: 'ion@example.test', body: 'Do you ship to Iasi?' }),
    );
  });

  it('keeps the chat with an honest reply time and asks for an email when the site chose chat', async () => {
    const p = props({
      site: site({ offline: { behaviour: 'chat', expectedReplyMinutes: 240 } }),
      availability: away,
    });
    render(<Widget {...p} />);
    expect(screen.getByRole('textbox', { name: 'Message' })).toBeTruthy();
    expect(screen.getByText('We are away right now')).toBeTruthy();
    expect(
      await screen.findByText(
        'We are away. We usually reply within 4 hours: leave your email and we will write back.',
      ),
    ).toBeTruthy();
    fireEvent.input(screen.getByRole('textbox', { name: 'Your email' }), {
      target: { value: 'ana@example.test' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(p.actions.giveEmail).toHaveBeenCalledWith('ana@example.test'));
  });
});

describe('rating', () => {
  it('takes a one-tap rating, then an optional comment, and offers a new conversation', async () => {
    const onRate = vi.fn(async () => null);
    const onNew = vi.fn();
    const { rerender } = render(
      <Rating strings={en} rating={null} onRate={onRate} onNewConversation={onNew} />,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Great' }));
    await waitFor(() => expect(onRate).toHaveBeenCalledWith(5));

    rerender(
      <Rating
        strings={en}
        rating={{ score: 5, comment: null, ratedAt: at }}
        onRate={onRate}
        onNewConversation={onNew}
      />,
    );
    expect(screen.getByText('Thanks for your feedback!')).toBeTruthy();
    fireEvent.input(screen.getByLabelText('Anything to add? (optional)'), {
      target: { value: 'Quick and kind' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Send feedback' }));
    await waitFor(() => expect(onRate).toHaveBeenLastCalledWith(5, 'Quick and kind'));
    expect(screen.queryByRole('button', { name: 'Send feedback' })).toBeNull();

    fireEvent.click(screen.getByRole('button', { name: 'Start a new conversation' }));
    expect(onNew).toHaveBeenCalled();
  });

  it('replaces the composer once the agent closes the conversation', async () => {
    render(
      <Widget
        {...props({
          conversation: conversation({ status: 'resolved' }),
          entries: [stored(1, 'Hi', 'visitor', 'seen')],
        })}
      />,
    );
    expect(await screen.findByText('How was your conversation?')).toBeTruthy();
    expect(screen.queryByRole('textbox', { name: 'Message' })).toBeNull();
  });

  it('shows a refused rating', async () => {
    render(
      <Rating
        strings={en}
        rating={null}
        onRate={async () => 'only a resolved conversation can be rated'}
        onNewConversation={() => {}}
      />,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Bad' }));
    expect((await screen.findByRole('alert')).textContent).toBe('only a resolved conversation can be rated');
  });
});

describe('header', () => {
  it('names the site, the agent who answers, and whether anyone is there', () => {
    render(<Widget {...props({ agent: 'Ana Agent' })} />);
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Ana Agent · Hearth & Co.');
    expect(screen.getByText('We are online')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Close' })).toBeTruthy();
  });
});
