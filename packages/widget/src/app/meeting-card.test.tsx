import type { TimelineEntry } from '@parley/client';
import type { MeetingLinks, Result, Slot } from '@parley/protocol';
import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { en } from './i18n';
import { byDay, MeetingCard, meetingTime, visitorZone } from './meeting-card';
import { Transcript } from './transcript';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

/** The visitor's socket as the cards use it: `meeting:links` answers these links. */
const relayWith = (links: MeetingLinks) =>
  vi.fn(async (_event: string, _payload: unknown): Promise<Result<object>> => {
    const answer: Result<{ links: MeetingLinks }> = { ok: true, links };
    return answer;
  });

const slot = (start: string, date: string, label: string): Slot => ({ start, end: start, date, label });

describe('meeting cards', () => {
  it('groups slots by the local day the relay gave, labelled in the zone and language', () => {
    const slots = [
      slot('2026-03-07T14:00:00Z', '2026-03-07', 'Sat 7 Mar, 09:00'),
      slot('2026-03-07T15:00:00Z', '2026-03-07', 'Sat 7 Mar, 10:00'),
      // After New York's change to summer time on 8 March, 13:00 UTC is 09:00 again.
      slot('2026-03-09T13:00:00Z', '2026-03-09', 'Mon 9 Mar, 09:00'),
    ];
    const days = byDay(slots, 'America/New_York');
    expect(days.map((d) => [d.date, d.label, d.slots.map((s) => s.time)])).toEqual([
      ['2026-03-07', 'Sat 7 Mar', ['09:00', '10:00']],
      ['2026-03-09', 'Mon 9 Mar', ['09:00']],
    ]);
    const polish = byDay(slots, 'Europe/Warsaw', 'pl');
    expect(polish.map((d) => d.slots.map((s) => s.time))).toEqual([['15:00', '16:00'], ['14:00']]);
    expect(polish[0]!.label).toMatch(/sob/);
  });

  it("shows times in the visitor's zone on both sides of a DST change", () => {
    // New York moved to summer time on 8 March 2026: 14:00 UTC is 09:00 before and 10:00 after.
    expect(meetingTime('2026-03-06T14:00:00Z', '2026-03-06T14:30:00Z', 'America/New_York')).toBe(
      'Fri 6 Mar, 09:00–09:30',
    );
    expect(meetingTime('2026-03-09T14:00:00Z', '2026-03-09T14:30:00Z', 'America/New_York')).toBe(
      'Mon 9 Mar, 10:00–10:30',
    );
  });

  const booked = {
    name: 'meeting.booked',
    meetingId: 'abc123',
    title: 'Import limits',
    start: '2026-03-09T14:00:00.000Z',
    end: '2026-03-09T14:30:00.000Z',
    link: 'https://meet.test/room/xyz',
  };

  it('links a booked meeting to the reschedule and cancel pages its visitor is given over the socket', async () => {
    const ask = relayWith({ reschedule: 'r.token', cancel: 'c.token' });
    render(<MeetingCard data={booked} superseded={false} ask={ask} />);
    const zone = encodeURIComponent(visitorZone());
    expect(screen.getByText('Import limits')).toBeTruthy();
    expect((await screen.findByRole('link', { name: 'Reschedule' })).getAttribute('href')).toBe(
      `/meetings/abc123/reschedule?t=r.token&tz=${zone}`,
    );
    expect(ask).toHaveBeenCalledWith('meeting:links', { meetingId: 'abc123' });
    expect(screen.getByRole('link', { name: 'Cancel' }).getAttribute('href')).toBe(
      `/meetings/abc123/cancel?t=c.token&tz=${zone}`,
    );
    expect(screen.getByRole('link', { name: 'https://meet.test/room/xyz' })).toBeTruthy();
  });

  it('drops stale links once the meeting moved on, and never links a phone number', () => {
    const ask = relayWith({ reschedule: 'r.token', cancel: 'c.token' });
    render(<MeetingCard data={{ ...booked, link: '+40 21 123 4567' }} superseded={true} ask={ask} />);
    expect(screen.queryByRole('link')).toBeNull();
    expect(screen.getByText('+40 21 123 4567')).toBeTruthy();
    expect(ask).not.toHaveBeenCalled();
  });

  it('offers no links the relay did not give', async () => {
    const ask = vi.fn(
      async (): Promise<Result<object>> => ({ ok: false, code: 'not_found', message: 'no such meeting' }),
    );
    render(<MeetingCard data={booked} superseded={false} ask={ask} />);
    await vi.waitFor(() => expect(ask).toHaveBeenCalled());
    expect(screen.queryByRole('link', { name: 'Reschedule' })).toBeNull();
  });

  it('says the times could not be loaded when the relay gives no links', async () => {
    const ask = vi.fn(
      async (): Promise<Result<object>> => ({ ok: false, code: 'unavailable', message: 'no answer' }),
    );
    render(
      <MeetingCard
        data={{ name: 'meeting.offered', meetingId: 'abc123', title: 'Import limits', lengthMinutes: 30 }}
        superseded={false}
        ask={ask}
      />,
    );
    expect((await screen.findByRole('alert')).textContent).toBe(
      'The times could not be loaded. Check your connection.',
    );
  });

  it('lists the free times with the booking link the socket gave, and books with it', async () => {
    const requests: { url: string; body?: string }[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string, init?: RequestInit) => {
        requests.push({ url, ...(init?.body ? { body: String(init.body) } : {}) });
        const body = init?.body
          ? { ok: true }
          : { ok: true, slots: [slot('2026-03-09T14:00:00.000Z', '2026-03-09', 'Mon 9 Mar, 10:00')] };
        return new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } });
      }),
    );
    const ask = relayWith({ book: 'b.token' });
    render(
      <MeetingCard
        data={{ name: 'meeting.offered', meetingId: 'abc123', title: 'Import limits', lengthMinutes: 30 }}
        superseded={false}
        ask={ask}
      />,
    );
    fireEvent.click(await screen.findByRole('button', { name: /^\d\d:\d\d$/ }));
    expect(new URL(requests[0]!.url, 'http://relay.test').searchParams.get('token')).toBe('b.token');
    fireEvent.input(screen.getByLabelText('Your name'), { target: { value: 'Vera' } });
    fireEvent.input(screen.getByLabelText('Email for the invite'), { target: { value: 'vera@example.com' } });
    fireEvent.submit(screen.getByRole('button', { name: /^Book/ }).closest('form')!);
    await screen.findByRole('status');
    expect(JSON.parse(requests[1]!.body!)).toMatchObject({
      token: 'b.token',
      start: '2026-03-09T14:00:00.000Z',
    });
  });

  it('shows a cancellation and a summary', () => {
    render(
      <MeetingCard
        data={{ name: 'meeting.cancelled', title: 'Import limits', by: 'visitor', reason: 'Solved' }}
        superseded={false}
        ask={relayWith({})}
      />,
    );
    expect(screen.getByText('Meeting cancelled by you')).toBeTruthy();
    expect(screen.getByText('Solved')).toBeTruthy();
    cleanup();
    render(
      <MeetingCard
        data={{
          name: 'meeting.outcome',
          notes: 'Capped at 1000 rows.',
          decisions: ['Split the file'],
          actionItems: [{ text: 'Send the script', owner: 'Ana', due: '2026-12-01' }],
        }}
        superseded={false}
        ask={relayWith({})}
      />,
    );
    expect(screen.getByText('Split the file')).toBeTruthy();
    expect(screen.getByText('(Ana, due 2026-12-01)')).toBeTruthy();
  });

  it("speaks the frame's language", async () => {
    document.documentElement.lang = 'ro';
    try {
      render(
        <MeetingCard data={booked} superseded={false} ask={relayWith({ reschedule: 'r', cancel: 'c' })} />,
      );
      expect(screen.getByText('Întâlnire rezervată')).toBeTruthy();
      expect(await screen.findByRole('link', { name: 'Anulează' })).toBeTruthy();
    } finally {
      document.documentElement.lang = '';
    }
  });
});

describe('the transcript', () => {
  it('loads the meeting cards when a meeting event arrives, and retires a booked offer', async () => {
    const ask = relayWith({ reschedule: 'r', cancel: 'c' });
    const event = (seq: number, data: Record<string, unknown> & { name: string }): TimelineEntry => ({
      id: `m${seq}`,
      conversationId: 'c1',
      seq,
      clientMsgId: `client-${seq}`,
      type: 'event',
      visibility: 'all',
      author: { kind: 'agent', id: 'a1', name: 'Ana' },
      body: data.name,
      channel: 'chat',
      createdAt: '2026-03-09T10:00:00Z',
      data,
      status: 'sent',
    });
    render(
      <Transcript
        entries={[
          event(1, {
            name: 'meeting.offered',
            meetingId: 'abc123',
            title: 'Import limits',
            lengthMinutes: 30,
          }),
          event(2, {
            name: 'meeting.booked',
            meetingId: 'abc123',
            title: 'Import limits',
            start: '2026-03-09T14:00:00.000Z',
            end: '2026-03-09T14:30:00.000Z',
          }),
        ]}
        strings={en}
        greeting="Hi"
        typing={null}
        onRetry={() => {}}
        onDiscard={() => {}}
        ask={ask}
      />,
    );
    expect(await screen.findByText('Meeting booked')).toBeTruthy();
    expect(screen.getByText('Meeting offered · 30 min')).toBeTruthy();
    // The offer is booked: no slot picker, so nothing fetches slots.
    expect(screen.queryByRole('region', { name: 'Pick a time' })).toBeNull();
    expect(await screen.findByRole('link', { name: 'Reschedule' })).toBeTruthy();
    // Only the booked card, which is current, asked for links.
    expect(ask.mock.calls).toEqual([['meeting:links', { meetingId: 'abc123' }]]);
  });
});
