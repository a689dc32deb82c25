import { describe, expect, it } from 'vitest';
import { type InviteInput, invite } from './invites';
import { readInvite } from './test-mailbox';

const base: InviteInput = {
  method: 'REQUEST',
  uid: 'meeting-65f1c0ffee0000000000abcd@relay.test',
  sequence: 0,
  stamp: new Date('2026-03-20T12:00:00Z'),
  // 09:00 in Bucharest on the first Monday after it moved to summer time.
  start: new Date('2026-03-30T06:00:00Z'),
  end: new Date('2026-03-30T06:30:00Z'),
  title: 'Set-up review',
  agenda: 'Question: why does the import stop at 1,000 rows?\nTopics so far: import, csv; limits',
  link: { url: 'https://meet.example/parley-r00m', label: 'https://meet.example/parley-r00m' },
  organizer: { name: 'Ana Agent', email: 'ana@shop.test' },
  attendee: { name: 'Vera Visitor', email: 'vera@example.com' },
};

describe('iCalendar invites, read back with ical.js', () => {
  it('makes a REQUEST with UID, organizer, attendee, agenda, link and UTC times', () => {
    const parsed = readInvite(invite(base));
    expect(parsed).toMatchObject({
      method: 'REQUEST',
      uid: base.uid,
      sequence: 0,
      status: 'CONFIRMED',
      summary: 'Set-up review',
      location: 'https://meet.example/parley-r00m',
      organizer: 'mailto:ana@shop.test',
      attendees: ['mailto:vera@example.com'],
      startIsUtc: true,
    });
    expect(parsed.start.toISOString()).toBe('2026-03-30T06:00:00.000Z');
    expect(parsed.end.toISOString()).toBe('2026-03-30T06:30:00.000Z');
    // Commas, semicolons and new lines survive RFC 5545 escaping.
    expect(parsed.description).toContain(base.agenda);
    expect(parsed.description).toContain('Join: https://meet.example/parley-r00m');
  });

  it('updates with the same UID and a higher SEQUENCE, and cancels with METHOD:CANCEL', () => {
    const update = readInvite(
      invite({
        ...base,
        sequence: 1,
        start: new Date('2026-03-31T07:00:00Z'),
        end: new Date('2026-03-31T07:30:00Z'),
      }),
    );
    expect(update).toMatchObject({ method: 'REQUEST', uid: base.uid, sequence: 1 });
    expect(update.start.toISOString()).toBe('2026-03-31T07:00:00.000Z');
    const cancel = readInvite(invite({ ...base, method: 'CANCEL', sequence: 2 }));
    expect(cancel).toMatchObject({ method: 'CANCEL', uid: base.uid, sequence: 2, status: 'CANCELLED' });
  });
});
