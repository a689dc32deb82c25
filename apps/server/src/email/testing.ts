// Test helpers for the email channel: a visitor's mail client talking SMTP to the relay's
// built-in server, and a separate mail catcher standing in for an outside SMTP_URL.
import { type AddressInfo, createConnection } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { createTransport, type SendMailOptions } from 'nodemailer';
import { SMTPServer } from 'smtp-server';

/** Sends one email over SMTP to the relay's inbound server, as a visitor's mail client would. */
export async function sendOverSmtp(port: number, mail: SendMailOptions): Promise<void> {
  const transport = createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
  try {
    await transport.sendMail(mail);
  } finally {
    transport.close();
  }
}

export interface CaughtMail {
  envelope: { from: string; to: string[] };
  raw: Buffer;
  parsed: ParsedMail;
}

/** An SMTP server on a free port that keeps everything it is sent: the outside world's mail server. */
export async function startCatcher(): Promise<{ url: string; mail: CaughtMail[]; close(): Promise<void> }> {
  const mail: CaughtMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', async () => {
        const raw = Buffer.concat(chunks);
        mail.push({
          envelope: {
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
          },
          raw,
          parsed: await simpleParser(raw),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mail,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A bare SMTP session, for what nodemailer will not do (stream past the limit, hold a connection). */
export async function smtpSession(port: number): Promise<{
  greeting: string;
  command(line: string): Promise<string>;
  write(data: Buffer | string): Promise<void>;
  reply(): Promise<string>;
  close(): void;
}> {
  const socket = createConnection({ host: '127.0.0.1', port });
  let buffer = '';
  const waiting: ((line: string) => void)[] = [];
  const lines: string[] = [];
  socket.on('data', (data) => {
    buffer += data.toString();
    for (let end = buffer.indexOf('\r\n'); end >= 0; end = buffer.indexOf('\r\n')) {
      const line = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      // A multi-line reply ("250-…") ends with the line whose code is followed by a space.
      if (/^\d{3}-/.test(line)) continue;
      const next = waiting.shift();
      if (next) next(line);
      else lines.push(line);
    }
  });
  socket.on('error', () => {});
  const reply = () =>
    new Promise<string>((done) => {
      const line = lines.shift();
      if (line !== undefined) done(line);
      else waiting.push(done);
    });
  const write = (data: Buffer | string) =>
    new Promise<void>((done) => {
      if (socket.write(data)) done();
      else socket.once('drain', () => done());
    });
  const greeting = await reply();
  return {
    greeting,
    reply,
    write,
    async command(line) {
      await write(`${line}\r\n`);
      return reply();
    },
    close: () => socket.destroy(),
  };
}
