// The built-in SMTP server: takes visitors' replies for self-hosters whose MX points at Parley
// and, in development, catches every outbound email for the Mailbox page.
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';
import type { EmailService } from './service';
import { MAX_EMAIL_BYTES } from './service';

const smtpError = (code: number, message: string) =>
  Object.assign(new Error(message), { responseCode: code });

/**
 * An SMTP server that hands each message to the email service; a temporary failure answers 451
 * so the sending server tries again later, and nothing is lost. Given a certificate, it offers
 * STARTTLS (senders that want encryption get it; the others may still deliver in plain text).
 * @example const server = inboundSmtpServer(services.email, 'parley.localhost', null); server.listen(2525)
 */
export function inboundSmtpServer(
  email: EmailService,
  domain: string,
  tls: { key: string; cert: string } | null,
): SMTPServer {
  const server = new SMTPServer({
    name: domain,
    banner: 'Parley',
    authOptional: true,
    ...(tls
      ? { key: tls.key, cert: tls.cert, disabledCommands: ['AUTH'] }
      : { disabledCommands: ['AUTH', 'STARTTLS'] }),
    size: MAX_EMAIL_BYTES,
    logger: false,
    onRcptTo(address: SMTPServerAddress, _session, callback) {
      if (email.acceptsRecipient(address.address)) return callback();
      callback(smtpError(550, 'no such recipient here'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', (error) => callback(error));
      stream.on('end', () => {
        if (stream.sizeExceeded) return callback(smtpError(552, 'message too large'));
        const raw = Buffer.concat(chunks);
        const recipients = session.envelope.rcptTo.map((r) => r.address);
        const inbound = recipients.filter((r) => email.isInbound(r));
        const envelopeFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        const work: Promise<unknown>[] = [];
        if (inbound.length > 0) {
          work.push(
            email.receive(raw, {
              envelopeFrom,
              recipients: inbound,
              ip: session.remoteAddress,
              helo: session.hostNameAppearsAs,
            }),
          );
        }
        if (inbound.length < recipients.length) work.push(email.catchMail(raw));
        Promise.all(work).then(
          () => callback(),
          (error) => {
            console.error('parley: inbound email failed', error);
            callback(smtpError(451, 'temporary failure, try again later'));
          },
        );
      });
    },
  });
  // A client that drops its connection must not take the relay down with an unhandled 'error'.
  server.on('error', (error) => console.error('parley: inbound SMTP connection failed', error.message));
  return server;
}
