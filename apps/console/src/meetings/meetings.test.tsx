import type { TimelineEntry } from '@parley/client';
import type { AgentProfile, Message } from '@parley/protocol';
import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { Timeline } from '../components/Timeline';
import { meetingTime } from './api';
import { MeetingEvent, outcomeInput } from './MeetingEvent';
import { hostsOf } from './OfferMeeting';
import { scheduleProblem } from './ScheduleForm';
import { settingsInput } from './SiteRules';
import { localDate, shiftDate } from './Upcoming';

afterEach(cleanup);

function event(seq: number, data: Message['data']): Message & { status: 'sent' } {
  return {
    id: `m${seq}`,
    conversationId: 'c1',
    seq,
    clientMsgId: `client-${seq}`,
    type: 'event',
    visibility: 'all',
    author: { kind: 'agent', id: 'a1', name: 'Ana' },
    body: String(data?.name),
    channel: 'chat',
    createdAt: '2026-03-27T10:00:00Z',
    data,
    status: 'sent',
  };
}

const booked = event(2, {
  name: 'meeting.booked',
  meetingId: 'mtg1',
  title: 'Import limits',
  start: '2026-03-30T07:00:00.000Z',
  end: '2026-03-30T07:30:00.000Z',
  link: 'https://meet.test/room/abc',
  by: 'visitor',
});

describe('times', () => {
  it('shows a meeting in the zone asked for, across a DST change', () => {
    // Warsaw moved to summer time on 29 March 2026: 07:00 UTC is 08:00 before and 09:00 after.
    expect(meetingTime('2026-03-27T07:00:00Z', '2026-03-27T07:30:00Z', 'Europe/Warsaw')).toBe(
      'Fri 27 Mar, 08:00–08:30',
    );
    expect(meetingTime('2026-03-30T07:00:00Z', '2026-03-30T07:30:00Z', 'Europe/Warsaw')).toBe(
      'Mon 30 Mar, 09:00–09:30',
    );
    expect(meetingTime('2026-03-30T07:00:00Z', '2026-03-30T07:30:00Z', 'America/New_York')).toBe(
      'Mon 30 Mar, 03:00–03:30',
    );
  });

  it('moves calendar dates by whole days over month, year and DST boundaries', () => {
    expect(shiftDate('2026-03-28', 7)).toBe('2026-04-04');
    expect(shiftDate('2026-12-29', 7)).toBe('2027-01-05');
    expect(shiftDate('2026-03-01', -1)).toBe('2026-02-28');
    expect(localDate(new Date('2026-03-29T23:30:00Z'), 'Europe/Bucharest')).toBe('2026-03-30');
    expect(localDate(new Date('2026-03-29T23:30:00Z'), 'America/New_York')).toBe('2026-03-29');
  });
});

describe('form checks', () => {
  it('refuses an outcome without notes or with half an action item, and tidies the rest', () => {
    expect(outcomeInput('  ', '', [])).toEqual({
      ok: false,
      message: 'Write the notes: they go to the visitor as the summary.',
    });
    expect(outcomeInput('Notes', '', [{ key: 1, text: 'Send it', owner: '', due: '2026-12-01' }])).toEqual({
      ok: false,
      message: 'Action item 1 needs what, who and a due date.',
    });
    expect(
      outcomeInput(' Notes ', 'One\n\n Two ', [
        { key: 1, text: '', owner: '', due: '' },
        { key: 2, text: ' Send it ', owner: 'Ana', due: '2026-12-01' },
      ]),
    ).toEqual({
      ok: true,
      value: {
        notes: 'Notes',
        decisions: ['One', 'Two'],
        actionItems: [{ text: 'Send it', owner: 'Ana', due: '2026-12-01' }],
      },
    });
  });

  const rules = {
    minNoticeMinutes: '60',
    horizonDays: '14',
    bufferMinutes: '15',
    slotStepMinutes: '30',
    reminders: '1440, 60',
    kind: 'video' as const,
    target: 'https://meet.test/{room}',
  };

  it('reads site rules, and says which field is wrong', () => {
    expect(settingsInput(rules)).toEqual({
      ok: true,
      value: {
        minNoticeMinutes: 60,
        horizonDays: 14,
        bufferMinutes: 15,
        slotStepMinutes: 30,
        reminderMinutes: [1440, 60],
        link: { kind: 'video', pattern: 'https://meet.test/{room}' },
      },
    });
    expect(settingsInput({ ...rules, horizonDays: '0' })).toMatchObject({
      ok: false,
      message: 'Booking horizon must be a whole number from 1 to 365.',
    });
    expect(settingsInput({ ...rules, bufferMinutes: '7.5' })).toMatchObject({ ok: false });
    expect(settingsInput({ ...rules, reminders: '60, soon' })).toMatchObject({
      ok: false,
      message: 'Each reminder must be a whole number from 1 to 20160.',
    });
    expect(settingsInput({ ...rules, target: 'https://meet.test/fixed' })).toMatchObject({
      ok: false,
      message: 'The video room pattern must be an http(s) URL containing {room}.',
    });
    expect(settingsInput({ ...rules, kind: 'phone', target: 'call me' })).toMatchObject({ ok: false });
    expect(settingsInput({ ...rules, kind: 'phone', target: '+40 21 123 4567' })).toMatchObject({
      ok: true,
      value: { link: { kind: 'phone', number: '+40 21 123 4567' } },
    });
  });

  it('finds what is wrong with a schedule before it is sent', () => {
    const schedule = {
      timeZone: 'Europe/Warsaw',
      weekly: [{ day: 1 as const, start: '09:00', end: '17:00' }],
      exceptions: [],
      lengths: [30],
    };
    expect(scheduleProblem(schedule)).toBeNull();
    expect(scheduleProblem({ ...schedule, weekly: [{ day: 2, start: '17:00', end: '09:00' }] })).toBe(
      'Tuesday: the hours must end after they start.',
    );
    expect(
      scheduleProblem({
        ...schedule,
        exceptions: [
          { date: '2026-12-24', hours: [] },
          { date: '2026-12-24', hours: [] },
        ],
      }),
    ).toBe('Only one exception per date.');
    expect(scheduleProblem({ ...schedule, exceptions: [{ date: '', hours: [] }] })).toBe(
      'Each exception needs a date.',
    );
    expect(scheduleProblem({ ...schedule, lengths: [] })).toBe('Offer at least one meeting length.');
  });

  it('books a team through its active members who may work on the site', () => {
    const agent = (id: string, change: Partial<AgentProfile> = {}): AgentProfile => ({
      id,
      email: `${id}@t.test`,
      name: id,
      role: 'agent',
      siteIds: ['s1'],
      teamIds: ['t1'],
      presence: 'online',
      active: true,
      invited: false,
      ...change,
    });
    const agents = [
      agent('a'),
      agent('b', { active: false }),
      agent('c', { invited: true }),
      agent('d', { siteIds: ['s2'] }),
      agent('e', { siteIds: null }),
      agent('f', { teamIds: [] }),
    ];
    expect(hostsOf('team:t1', agents, 's1')).toEqual(['a', 'e']);
    expect(hostsOf('agent:f', agents, 's1')).toEqual(['f']);
  });
});

describe('meeting events on the timeline', () => {
  it("offers reschedule, cancel and the outcome only on a meeting's latest event", () => {
    const moved = event(3, {
      ...booked.data!,
      name: 'meeting.rescheduled',
      start: '2026-03-30T09:00:00.000Z',
      end: '2026-03-30T09:30:00.000Z',
      previousStart: '2026-03-30T07:00:00.000Z',
    });
    render(
      <Timeline
        entries={[booked, moved] as TimelineEntry[]}
        visitorName="Vera"
        typing={false}
        agentNames={[]}
        onRetry={() => {}}
      />,
    );
    expect(screen.getByText('Meeting booked by the visitor')).toBeTruthy();
    expect(screen.getByText('Meeting moved by the visitor')).toBeTruthy();
    expect(screen.getAllByRole('button', { name: 'Record outcome' })).toHaveLength(1);
    expect(screen.getAllByRole('button', { name: 'Cancel meeting' })).toHaveLength(1);
    expect(screen.getAllByRole('link', { name: 'https://meet.test/room/abc' })).toHaveLength(2);
  });

  it('refuses an outcome without notes in words, before anything is sent', async () => {
    render(<MeetingEvent message={booked} superseded={false} />);
    fireEvent.click(screen.getByRole('button', { name: 'Record outcome' }));
    fireEvent.click(screen.getByRole('button', { name: 'Save and resolve' }));
    expect((await screen.findByRole('alert')).textContent).toBe(
      'Write the notes: they go to the visitor as the summary.',
    );
  });

  it('shows an outcome with its decisions and action items', () => {
    render(
      <MeetingEvent
        message={event(4, {
          name: 'meeting.outcome',
          meetingId: 'mtg1',
          notes: 'Capped at 1000 rows.',
          decisions: ['Split the file'],
          actionItems: [{ text: 'Send the script', owner: 'Ana', due: '2026-12-01' }],
        })}
        superseded={false}
      />,
    );
    expect(screen.getByText('Capped at 1000 rows.')).toBeTruthy();
    expect(screen.getByText('Split the file')).toBeTruthy();
    expect(screen.getByText('Send the script')).toBeTruthy();
    expect(screen.getByText('· Ana · due 2026-12-01')).toBeTruthy();
    expect(screen.queryByRole('button')).toBeNull();
  });
});
