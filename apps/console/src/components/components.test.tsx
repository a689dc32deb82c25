import type { TimelineEntry } from '@parley/client';
import type {
  CannedResponse,
  Conversation,
  ConversationDetails,
  InboxItem,
  Message,
  VisitorPanel as VisitorPanelData,
} from '@parley/protocol';
import { siteSettingsSchema } from '@parley/protocol/schemas';
import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Composer } from './Composer';
import { InboxList } from './InboxList';
import { Timeline } from './Timeline';
import { VisitorPanel } from './VisitorPanel';
import { WidgetSettingsForm } from './WidgetSettingsForm';

afterEach(cleanup);

const NOW = Date.parse('2026-05-04T10:00:00Z');

function conversation(id: string, change: Partial<Conversation> = {}): Conversation {
  return {
    id,
    siteId: 'site1',
    visitorId: `visitor-${id}`,
    status: 'open',
    channel: 'chat',
    assigneeId: null,
    priority: 'none',
    tags: [],
    seq: 1,
    visitorSeenSeq: 0,
    agentSeenSeq: 0,
    createdAt: '2026-05-04T09:00:00Z',
    lastMessageAt: '2026-05-04T09:58:00Z',
    firstResponseAt: null,
    resolvedAt: null,
    teamId: null,
    snoozedUntil: null,
    waitingSince: null,
    ...change,
  };
}

function message(seq: number, change: Partial<Message> = {}): Message {
  return {
    id: `m${seq}`,
    conversationId: 'c1',
    seq,
    clientMsgId: `client-${seq}`,
    type: 'message',
    visibility: 'all',
    author: { kind: 'visitor', id: 'v1' },
    body: `message ${seq}`,
    channel: 'chat',
    createdAt: '2026-05-04T09:59:00Z',
    ...change,
  };
}

describe('InboxList', () => {
  const items: InboxItem[] = [
    {
      conversation: conversation('c1', {
        waitingSince: '2026-05-04T09:50:00Z',
        priority: 'urgent',
        tags: ['refund'],
      }),
      visitorName: 'Jo Buyer',
      preview: {
        body: 'Where is my parcel?',
        author: { kind: 'visitor', id: 'v' },
        createdAt: '2026-05-04T09:50:00Z',
        type: 'message',
      },
    },
    {
      conversation: conversation('c2', { assigneeId: 'agent1', waitingSince: '2026-05-04T09:59:00Z' }),
      visitorName: 'Visitor 3F2A',
      preview: {
        body: 'Thanks!',
        author: { kind: 'agent', id: 'agent1', name: 'Ana' },
        createdAt: '2026-05-04T09:59:00Z',
        type: 'message',
      },
    },
    {
      conversation: conversation('c3'),
      visitorName: 'Searcher',
      preview: null,
      match: { id: 'm9', seq: 9, body: 'the invoice for order 1234', createdAt: '2026-05-04T09:00:00Z' },
    },
  ];
  const props = {
    items,
    selectedId: 'c2',
    unread: new Set(['c1']),
    targets: new Map([['site1', 300]]),
    agentNames: new Map([['agent1', 'Ana Agent']]),
    now: NOW,
  };

  it('shows who, the last or matching message, waits past the target, unread and assignee', () => {
    render(<InboxList {...props} onSelect={() => {}} />);
    const rows = screen.getAllByRole('button');
    expect(rows).toHaveLength(3);
    expect(rows[0]!.textContent).toContain('Jo Buyer');
    expect(rows[0]!.textContent).toContain('Where is my parcel?');
    expect(rows[0]!.textContent).toContain('Overdue · 10 min');
    expect(rows[0]!.textContent).toContain('urgent');
    expect(rows[0]!.textContent).toContain('#refund');
    expect(rows[0]!.textContent).toContain('Unassigned');
    expect(rows[0]!.className).toContain('unread');
    expect(rows[1]!.textContent).toContain('Waiting 1 min');
    expect(rows[1]!.textContent).toContain('Ana: Thanks!');
    expect(rows[1]!.textContent).toContain('Ana Agent');
    expect(rows[1]!.getAttribute('aria-current')).toBe('true');
    expect(rows[2]!.textContent).toContain('the invoice for order 1234');
  });

  it('opens the conversation that was clicked', () => {
    const onSelect = vi.fn();
    render(<InboxList {...props} onSelect={onSelect} />);
    fireEvent.click(screen.getByText('Searcher'));
    expect(onSelect).toHaveBeenCalledWith('c3');
  });

  it('says so when a view is empty', () => {
    render(
      <InboxList {...props} items={[]} onSelect={() => {}} emptyText="No transcript matches that search." />,
    );
    expect(screen.getByRole('status').textContent).toBe('No transcript matches that search.');
  });
});

describe('Timeline', () => {
  const entries: TimelineEntry[] = [
    { ...message(1, { body: 'Hi, is the blue mug in stock?' }), status: 'seen' },
    {
      ...message(2, {
        type: 'event',
        visibility: 'agents',
        author: { kind: 'agent', id: 'a1', name: 'Ana' },
        body: 'Ana took this conversation',
        data: { name: 'assigned' },
      }),
      status: 'sent',
    },
    {
      ...message(3, { author: { kind: 'agent', id: 'a1', name: 'Ana' }, body: 'Yes, 5 left!' }),
      status: 'seen',
    },
    {
      ...message(4, {
        type: 'note',
        visibility: 'agents',
        author: { kind: 'agent', id: 'a1', name: 'Ana' },
        body: 'VIP, @Bob Builder please follow up',
      }),
      status: 'sent',
    },
    {
      ...message(5, {
        type: 'event',
        visibility: 'agents',
        author: { kind: 'agent', id: 'a1', name: 'Ana' },
        body: 'Ana transferred this to Bob: refund over 200',
        data: { name: 'transferred', note: 'refund over 200' },
      }),
      status: 'sent',
    },
    {
      status: 'failed',
      clientMsgId: 'pending-1',
      conversationId: 'c1',
      body: 'Can I help further?',
      createdAt: '2026-05-04T10:00:00Z',
      error: { code: 'too_large', message: 'too long' },
    },
  ];

  it('shows messages by side, notes with mentions, events, the transfer note and delivery states', () => {
    const { container } = render(
      <Timeline
        entries={entries}
        visitorName="Jo"
        typing
        agentNames={['Ana', 'Bob Builder']}
        onRetry={() => {}}
      />,
    );
    expect(container.querySelector('.bubble-row.visitor')?.textContent).toContain(
      'Hi, is the blue mug in stock?',
    );
    expect(container.querySelector('.bubble-row.visitor')?.textContent).toContain('Jo');
    expect(container.querySelector('.bubble-row.agent .bubble')?.textContent).toBe('Yes, 5 left!');
    expect(container.querySelector('.bubble-row.agent .bubble-meta')?.textContent).toBe('Seen');
    expect(container.querySelector('.timeline-event')?.textContent).toContain('Ana took this conversation');
    expect(container.querySelector('.note')?.textContent).toContain('private note');
    expect(container.querySelector('mark.mention')?.textContent).toBe('@Bob Builder');
    expect(container.querySelector('.transfer-note')?.textContent).toBe('refund over 200');
    expect(screen.getByText(/Jo is typing/)).toBeTruthy();
    expect(container.querySelector('.bubble-row.failed')?.textContent).toContain('Not sent');
  });

  it('retries a failed message with its client id', () => {
    const onRetry = vi.fn();
    render(<Timeline entries={entries} visitorName="Jo" typing={false} agentNames={[]} onRetry={onRetry} />);
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(onRetry).toHaveBeenCalledWith('pending-1');
    expect(screen.queryByText(/is typing/)).toBeNull();
  });
});

describe('Composer', () => {
  const canned: CannedResponse[] = [
    {
      id: '1',
      shortcut: 'hello',
      body: "Hi {{visitor.name}}, I'm {{agent.name}} from {{site.name}}.",
      ownerId: null,
    },
    { id: '2', shortcut: 'help', body: 'How can I help?', ownerId: 'me' },
    { id: '3', shortcut: 'shipping', body: 'Ships in a day.', ownerId: null },
  ];
  const variables = { 'visitor.name': 'Jo', 'agent.name': 'Ana', 'site.name': 'Demo Shop' };

  function setup() {
    const onSend = vi.fn();
    const onTyping = vi.fn();
    render(<Composer canned={canned} variables={variables} onSend={onSend} onTyping={onTyping} />);
    const box = screen.getByRole('textbox', { name: 'Reply' }) as HTMLTextAreaElement;
    const type = (value: string) => fireEvent.input(box, { target: { value } });
    return { onSend, onTyping, box, type };
  }

  it('sends with Enter, keeps Shift+Enter for a new line, and never sends blanks', () => {
    const { onSend, box, type } = setup();
    type('   ');
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(onSend).not.toHaveBeenCalled();
    type('line one');
    fireEvent.keyDown(box, { key: 'Enter', shiftKey: true });
    expect(onSend).not.toHaveBeenCalled();
    type('line one\nline two');
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(onSend).toHaveBeenCalledWith('line one\nline two', 'reply');
    expect(box.value).toBe('');
  });

  it('offers canned responses on "/" and inserts one with its variables filled', () => {
    const { onSend, box, type } = setup();
    type('/he');
    const options = screen.getAllByRole('option');
    expect(options.map((o) => o.querySelector('strong')?.textContent)).toEqual(['/hello', '/help']);
    expect(options[0]!.textContent).toContain("Hi Jo, I'm Ana from Demo Shop.");
    fireEvent.keyDown(box, { key: 'ArrowDown' });
    fireEvent.keyDown(box, { key: 'ArrowUp' });
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(box.value).toBe("Hi Jo, I'm Ana from Demo Shop.");
    expect(onSend).not.toHaveBeenCalled();
    expect(screen.queryByRole('listbox')).toBeNull();
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(onSend).toHaveBeenCalledWith("Hi Jo, I'm Ana from Demo Shop.", 'reply');
    type('/nothing-like-this');
    expect(screen.queryByRole('listbox')).toBeNull();
  });

  it('tells the visitor the agent is typing, and stops on send', () => {
    const { onTyping, box, type } = setup();
    type('H');
    type('Hi');
    expect(onTyping.mock.calls).toEqual([[true]]);
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(onTyping.mock.calls).toEqual([[true], [false]]);
  });

  it('writes private notes from the Note tab, without a typing indicator', () => {
    const { onSend, onTyping } = setup();
    fireEvent.click(screen.getByRole('tab', { name: 'Private note' }));
    const note = screen.getByRole('textbox', { name: 'Private note' });
    fireEvent.input(note, { target: { value: '@Bob can you check?' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add note' }));
    expect(onSend).toHaveBeenCalledWith('@Bob can you check?', 'note');
    expect(onTyping).not.toHaveBeenCalled();
  });

  it('refuses a message over the length limit, saying why', () => {
    const { onSend, box, type } = setup();
    type('x'.repeat(4001));
    expect(screen.getByText(/limited to 4000 characters/)).toBeTruthy();
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(onSend).not.toHaveBeenCalled();
  });
});

describe('VisitorPanel', () => {
  function details(visitor: Partial<VisitorPanelData>): ConversationDetails {
    return {
      conversation: conversation('c1'),
      site: { id: 'site1', name: 'Hearth & Co.' },
      visitor: {
        id: 'visitor-c1',
        name: 'Maria',
        named: true,
        email: 'maria@shop.example',
        emailVerified: false,
        verified: true,
        userId: 'user-42',
        context: {
          url: null,
          title: null,
          referrer: null,
          language: null,
          timeZone: null,
          userAgent: null,
          screen: null,
        },
        pages: [],
        attributes: {},
        fields: {},
        ...visitor,
      },
      past: [],
    };
  }
  const head = () => screen.getByRole('complementary', { name: 'Visitor' }).querySelector('header')!;
  const badges = () =>
    [...head().querySelectorAll('.badge')].map((b) => [b.parentElement?.textContent, b.className]);

  it('marks verified only what the site signed: the user id, and the email when the hash covered it', () => {
    render(<VisitorPanel details={details({})} now={NOW} onOpen={() => {}} />);
    expect(badges()).toEqual([
      ['maria@shop.example unverified', 'badge unverified'],
      ['✓ verified user user-42', 'badge verified'],
    ]);
    cleanup();
    render(<VisitorPanel details={details({ emailVerified: true })} now={NOW} onOpen={() => {}} />);
    expect(badges()).toEqual([
      ['maria@shop.example ✓ verified', 'badge verified'],
      ['✓ verified user user-42', 'badge verified'],
    ]);
  });

  it('shows an anonymous visitor’s typed email as unverified, and no email as anonymous', () => {
    render(<VisitorPanel details={details({ verified: false, userId: null })} now={NOW} onOpen={() => {}} />);
    expect(badges()).toEqual([['maria@shop.example unverified', 'badge unverified']]);
    cleanup();
    render(
      <VisitorPanel
        details={details({ verified: false, userId: null, email: null, named: false })}
        now={NOW}
        onOpen={() => {}}
      />,
    );
    expect(badges()).toEqual([]);
    expect(head().textContent).toContain('Anonymous visitor');
  });
});

describe('WidgetSettingsForm', () => {
  it("sets the launcher's room from the bottom and the side, keeping the other", () => {
    const onChange = vi.fn();
    const value = siteSettingsSchema.parse({});
    render(<WidgetSettingsForm value={value} onChange={onChange} />);
    const below = screen.getByLabelText('Space below (px)') as HTMLInputElement;
    expect(below.value).toBe('20');
    expect(below.max).toBe('500');
    fireEvent.input(below, { target: { value: '96' } });
    expect(onChange).toHaveBeenLastCalledWith({
      ...value,
      theme: { ...value.theme, offset: { bottom: 96, side: 20 } },
    });
    fireEvent.input(screen.getByLabelText('Space beside (px)'), { target: { value: '8' } });
    expect(onChange.mock.lastCall?.[0].theme.offset).toEqual({ bottom: 20, side: 8 });
  });
});
