// For meeting tests: an SMTP server on a free loopback port that keeps what it is sent, parsed,
// and the iCalendar part of a mail read back with a real parser (ical.js).
import type { AddressInfo } from 'node:net';
import ICAL from 'ical.js';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { vi } from 'vitest';

export interface Mailbox {
  url: string;
  mail: ParsedMail[];
  /** Recipients the server turns away for now (450, try again later), like a greylisting host. */
  refused: Set<string>;
  /** Resolves once `count` mails matching `filter` have arrived, and answers them. */
  waitFor(count: number, filter?: (mail: ParsedMail) => boolean): Promise<ParsedMail[]>;
  close(): Promise<void>;
}

export async function startMailbox(): Promise<Mailbox> {
  const mail: ParsedMail[] = [];
  const refused = new Set<string>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (!refused.has(address.address.toLowerCase())) return callback();
      callback(Object.assign(new Error('Greylisted, try again later'), { responseCode: 450 }));
    },
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        (parsed) => {
          mail.push(parsed);
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mail,
    refused,
    async waitFor(count, filter = () => true) {
      await vi.waitFor(
        () => {
          if (mail.filter(filter).length < count)
            throw new Error(`${mail.filter(filter).length} of ${count} mails so far`);
        },
        { timeout: 15_000, interval: 20 },
      );
      return mail.filter(filter);
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export const to = (address: string) => (mail: ParsedMail) =>
  [mail.to ?? []].flat().some((a) => a.value.some((v) => v.address === address));

/** The text/calendar part of a mail, as nodemailer's `icalEvent` puts it there. */
export function calendarPart(mail: ParsedMail): string {
  const part = mail.attachments.find((a) => a.contentType.startsWith('text/calendar'));
  if (!part) throw new Error(`no text/calendar part in "${mail.subject}"`);
  return part.content.toString('utf8');
}

export interface ParsedInvite {
  method: string;
  uid: string;
  sequence: number;
  start: Date;
  end: Date;
  startIsUtc: boolean;
  status: string;
  summary: string;
  description: string;
  location: string;
  organizer: string;
  attendees: string[];
}

/** A cal-address with its scheme in lower case: "MAILTO:" and "mailto:" are the same URI. */
const address = (value: unknown) => String(value).replace(/^mailto:/i, 'mailto:');

/** Reads an iCalendar object back with ical.js: what a calendar client would see. */
export function readInvite(text: string): ParsedInvite {
  const calendar = new ICAL.Component(ICAL.parse(text));
  const vevent = calendar.getFirstSubcomponent('vevent');
  if (!vevent) throw new Error('no VEVENT');
  const event = new ICAL.Event(vevent);
  return {
    method: String(calendar.getFirstPropertyValue('method')),
    uid: event.uid,
    sequence: event.sequence,
    start: event.startDate.toJSDate(),
    end: event.endDate.toJSDate(),
    startIsUtc: event.startDate.zone?.tzid === 'UTC',
    status: String(vevent.getFirstPropertyValue('status')),
    summary: event.summary,
    description: event.description,
    location: event.location,
    organizer: address(vevent.getFirstPropertyValue('organizer')),
    attendees: vevent.getAllProperties('attendee').map((p) => address(p.getFirstValue())),
  };
}
