// The built-in SMTP server: takes visitors' replies for self-hosters whose MX points at Parley
// and, in development, catches every outbound email for the Mailbox page.
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';
import { MAX_EMAIL_BYTES } from './inbound';
import type { EmailService } from './service';

/** Connections served at once; the next ones are told to come back (421). */
export const MAX_SMTP_CLIENTS = 20;
/**
 * Bytes of messages held in memory across all connections: past it a message is discarded as it
 * streams and answered 452, so many senders at once cannot grow the relay by clients × size.
 */
const MAX_BUFFERED_BYTES = 4 * MAX_EMAIL_BYTES;

const smtpError = (code: number, message: string) =>
  Object.assign(new Error(message), { responseCode: code });

/** mailparser's refusal of a message past its structure limits (MIME parts, header length). */
const isMalformed = (error: unknown) => (error as { code?: string }).code === 'EMAXLEN';

/**
 * An SMTP server that hands each message to the email service; a temporary failure answers 451
 * so the sending server tries again later, and nothing is lost. Recipients are checked at RCPT
 * (a reply address must name a thread), a message stops being buffered at the size limit (552),
 * and one the parser cannot take (too many parts) is refused for good (554). Given a
 * certificate, it offers STARTTLS (senders that want encryption get it; the others may still
 * deliver in plain text).
 * @example const server = inboundSmtpServer(services.email, 'parley.localhost', null); server.listen(2525)
 */
export function inboundSmtpServer(
  email: EmailService,
  domain: string,
  tls: { key: string; cert: string } | null,
): SMTPServer {
  let buffered = 0;
  const server = new SMTPServer({
    name: domain,
    banner: 'Parley',
    authOptional: true,
    ...(tls
      ? { key: tls.key, cert: tls.cert, disabledCommands: ['AUTH'] }
      : { disabledCommands: ['AUTH', 'STARTTLS'] }),
    size: MAX_EMAIL_BYTES,
    maxClients: MAX_SMTP_CLIENTS,
    logger: false,
    onRcptTo(address: SMTPServerAddress, _session, callback) {
      email.acceptsRecipient(address.address).then(
        (accepted) => (accepted ? callback() : callback(smtpError(550, 'no such recipient here'))),
        (error) => {
          console.error('parley: inbound recipient check failed', error);
          callback(smtpError(451, 'temporary failure, try again later'));
        },
      );
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      let held = 0;
      let overflow: 'size' | 'memory' | null = null;
      const release = () => {
        buffered -= held;
        held = 0;
        chunks.length = 0;
      };
      stream.on('data', (chunk: Buffer) => {
        if (overflow) return;
        if (stream.sizeExceeded) overflow = 'size';
        else if (buffered + chunk.length > MAX_BUFFERED_BYTES) overflow = 'memory';
        if (overflow) return release();
        chunks.push(chunk);
        held += chunk.length;
        buffered += chunk.length;
      });
      stream.on('error', (error) => {
        release();
        callback(error);
      });
      stream.on('end', () => {
        if (overflow === 'size' || stream.sizeExceeded) {
          release();
          return callback(smtpError(552, 'message too large'));
        }
        if (overflow === 'memory') return callback(smtpError(452, 'too much mail at once, try again later'));
        const raw = Buffer.concat(chunks);
        // The bytes stay counted against the memory cap until the message is parsed and stored.
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
        Promise.all(work)
          .finally(release)
          .then(
            (outcomes) => {
              const refused = outcomes.find(
                (o): o is { disposition: 'refused'; message: string } =>
                  (o as { disposition?: string } | undefined)?.disposition === 'refused',
              );
              callback(refused ? smtpError(552, refused.message) : null);
            },
            (error) => {
              if (isMalformed(error)) return callback(smtpError(554, 'message structure not accepted'));
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
