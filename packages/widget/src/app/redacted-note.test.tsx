// The note under a visitor's message whose number the relay masked, in the widget's languages.
import type { TimelineEntry } from '@parley/client';
import { cleanup, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { en } from './i18n';
import { Transcript } from './transcript';

afterEach(() => {
  cleanup();
  document.documentElement.lang = '';
});

const entry = (seq: number, body: string, redacted = false): TimelineEntry =>
  ({
    id: `m${seq}`,
    conversationId: 'c1',
    seq,
    clientMsgId: `client-${seq}`,
    type: 'message',
    visibility: 'all',
    author: { kind: 'visitor', id: 'v1' },
    body,
    channel: 'chat',
    createdAt: '2026-12-04T10:00:00.000Z',
    status: 'sent',
    ...(redacted ? { redacted: ['card'] } : {}),
  }) as TimelineEntry;

function show(entries: TimelineEntry[]) {
  render(
    <Transcript
      entries={entries}
      strings={en}
      greeting="Hi"
      typing={null}
      onRetry={() => {}}
      onDiscard={() => {}}
      ask={async () => ({ ok: true })}
    />,
  );
}

describe('a masked number in the transcript', () => {
  it.each([
    ['en', 'For your safety, we hid the card, account or ID number.'],
    ['ro', 'Pentru siguranța ta, am ascuns numărul de card, de cont sau CNP-ul.'],
    ['pl', 'Dla Twojego bezpieczeństwa ukryliśmy numer karty, konta lub PESEL.'],
  ])('says why under that message only (%s)', async (lang, note) => {
    document.documentElement.lang = lang;
    show([entry(1, 'Cardul meu: •••• •••• •••• 4242', true), entry(2, 'Mulțumesc, fără număr')]);
    const shown = await screen.findAllByRole('note');
    expect(shown.map((n) => n.textContent)).toEqual([note]);
    expect(shown[0]!.previousElementSibling?.textContent).toBe('Cardul meu: •••• •••• •••• 4242');
  });
});
