// The built-in SMTP server over STARTTLS: a mail server that insists on encryption delivers to
// it and can check its certificate; with no certificate set, it is not offered.
import { createTransport } from 'nodemailer';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRelay } from '../testing';

const DOMAIN = 'mx.parley.test';
const certificate = (name: string) =>
  generate([{ name: 'commonName', value: name }], {
    algorithm: 'sha256',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: name }] }],
  });

let pems: Awaited<ReturnType<typeof certificate>>;
let secured: Awaited<ReturnType<typeof startTestRelay>>;
let plain: Awaited<ReturnType<typeof startTestRelay>>;
beforeAll(async () => {
  pems = await certificate(DOMAIN);
  const email = { inboundSmtpPort: 0, devMailbox: true, emailVerify: false, inboundDomain: DOMAIN };
  secured = await startTestRelay({ ...email, inboundTls: { key: pems.private, cert: pems.cert } });
  plain = await startTestRelay(email);
});
afterAll(async () => {
  await secured?.relay.close();
  await plain?.relay.close();
});

/** Sends one mail as a server that will only talk over TLS, trusting `ca` for `DOMAIN`. */
async function sendRequiringTls(port: number, ca: string, subject: string): Promise<void> {
  const transport = createTransport({
    host: '127.0.0.1',
    port,
    secure: false,
    requireTLS: true,
    tls: { ca: [ca], servername: DOMAIN },
  });
  try {
    await transport.sendMail({ from: 'jane@example.com', to: 'shop@elsewhere.test', subject, text: 'Hello' });
  } finally {
    transport.close();
  }
}

/** How many mails with this subject the relay's Mailbox caught. */
const stored = async (relay: typeof secured, subject: string) =>
  (
    await relay.relay.services.email.mailbox({
      kind: 'agent',
      agentId: 'admin',
      name: 'Admin',
      siteIds: null,
    })
  ).filter((mail) => mail.subject === subject).length;

describe('the built-in SMTP server with a certificate', () => {
  it('takes mail over STARTTLS, under the certificate it was given', async () => {
    await sendRequiringTls(secured.relay.services.email.inboundPort!, pems.cert, 'Over TLS');
    expect(await stored(secured, 'Over TLS')).toBe(1);
  });

  it('is refused by a sender that trusts another certificate, and stores nothing', async () => {
    const other = await certificate(DOMAIN);
    await expect(
      sendRequiringTls(secured.relay.services.email.inboundPort!, other.cert, 'Wrong certificate'),
    ).rejects.toThrow(/certificate/i);
    expect(await stored(secured, 'Wrong certificate')).toBe(0);
  });

  it('is not offered without a certificate: a sender that requires it gives up, and nothing is stored', async () => {
    await expect(
      sendRequiringTls(plain.relay.services.email.inboundPort!, pems.cert, 'No TLS here'),
    ).rejects.toThrow(/STARTTLS/i);
    expect(await stored(plain, 'No TLS here')).toBe(0);
  });
});
