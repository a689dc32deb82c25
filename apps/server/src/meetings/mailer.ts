// How meetings send email: a small interface the service depends on, and an adapter over any
// nodemailer-style sender. An invite travels as nodemailer's `icalEvent` (a text/calendar part
// with its METHOD), which is what calendar clients act on.
import type { SendMailOptions } from 'nodemailer';

export interface MeetingMail {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** An iCalendar object with its METHOD: REQUEST for invites and updates, CANCEL for cancellations. */
  icalEvent?: { method: 'REQUEST' | 'CANCEL'; content: string };
}

export interface Mailer {
  /** Sends a meeting's email; `siteId` is the meeting's site (the dev Mailbox shows it to that site). */
  send(mail: MeetingMail, siteId: string): Promise<void>;
}

/** Anything that sends a nodemailer message: the email channel's sender, or a transport. */
export type SendMail = (mail: SendMailOptions, siteId: string) => Promise<unknown>;

/**
 * A Mailer over `send`, from `from`. The relay passes the email channel's sender, so meeting mail
 * takes the same SMTP path (and, in development, lands in the same Mailbox) as every other email.
 * @example mailerOver((mail) => createTransport('smtp://127.0.0.1:2525').sendMail(mail), 'parley@example.com')
 */
export function mailerOver(send: SendMail, from: string): Mailer {
  return {
    async send(mail, siteId) {
      await send(
        {
          from,
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
          ...(mail.html ? { html: mail.html } : {}),
          ...(mail.icalEvent
            ? {
                icalEvent: {
                  method: mail.icalEvent.method,
                  content: mail.icalEvent.content,
                  filename: 'invite.ics',
                },
              }
            : {}),
        },
        siteId,
      );
    },
  };
}
