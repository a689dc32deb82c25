// A verified identity vouches only for what the site signed: the user id, and the email when the
// hash covers `userId + "\n" + email`. A name, or an email the hash does not cover, is the
// visitor's own say and is shown as such; a malformed email is refused before it is stored.
import { newClientId } from '@parley/client';
import type { ConversationDetails } from '@parley/protocol';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identityHash } from '../sites/service';
import { SHOP_ORIGIN, startTestRelay } from '../testing';
import { outcome, rawSocket } from '../testing/clients';
import { ConsoleHttp } from '../testing/console-http';

let env: Awaited<ReturnType<typeof startTestRelay>>;
const open: Socket[] = [];
let counter = 0;

beforeAll(async () => {
  env = await startTestRelay();
});
afterAll(async () => {
  for (const socket of open) socket.close();
  await env.relay.close();
});

type Identity = { userId: string; hash: string; name?: string; email?: string };

/** A widget handshake with this identity: connected with its visitor id, or the refusal. */
async function handshake(identity: Identity) {
  const socket = rawSocket(env.relay.url, '/visitor', {
    auth: { siteKey: env.site.publicKey, identity },
    siteKey: env.site.publicKey,
    origin: SHOP_ORIGIN,
  });
  open.push(socket);
  const session = new Promise<{ visitorId: string }>((resolve) => socket.once('session', resolve));
  const result = await outcome(socket);
  return result.connected ? { ...result, socket, visitorId: (await session).visitorId } : result;
}

async function connected(identity: Identity) {
  const result = await handshake(identity);
  if (!result.connected) throw new Error(`refused: ${result.message}`);
  return result as Extract<typeof result, { socket: Socket }>;
}

const secret = () => env.site.identitySecret;
const newUser = () => `user-${++counter}`;
const stored = async (visitorId: string) => {
  const visitor = await env.relay.services.visitors.byId(visitorId);
  return { name: visitor?.name, email: visitor?.email, emailVerified: visitor?.emailVerified };
};

describe('what a verified identity vouches for', () => {
  it('marks the email verified only when the hash covers it, and the name never', async () => {
    const idOnly = newUser();
    const { visitorId: unsignedEmail } = await connected({
      userId: idOnly,
      hash: identityHash(secret(), idOnly),
      name: 'Maria',
      email: 'maria@shop.example',
    });
    expect(await stored(unsignedEmail)).toEqual({
      name: 'Maria',
      email: 'maria@shop.example',
      emailVerified: false,
    });

    const both = newUser();
    const { visitorId: signedEmail } = await connected({
      userId: both,
      // The site signs the address as it has it; the relay compares it trimmed and in lower case.
      hash: identityHash(secret(), both, 'Ion@Shop.example'),
      name: 'Ion',
      email: ' Ion@Shop.example',
    });
    expect(await stored(signedEmail)).toEqual({
      name: 'Ion',
      email: 'ion@shop.example',
      emailVerified: true,
    });
  });

  it('shows the console which fields were signed', async () => {
    const userId = newUser();
    const { socket, visitorId } = await connected({
      userId,
      hash: identityHash(secret(), userId),
      name: 'Ana',
      email: 'ana@shop.example',
    });
    const started = (await socket.emitWithAck('conversation:start', { startKey: newClientId() })) as {
      conversation: { id: string };
    };
    const http = new ConsoleHttp(env.relay.url);
    const details = await http.request<ConversationDetails>(
      'GET',
      `/api/conversations/${started.conversation.id}`,
      undefined,
      { authorization: `Bearer ${env.agent.token}` },
    );
    expect(details.body.visitor).toMatchObject({
      id: visitorId,
      name: 'Ana',
      email: 'ana@shop.example',
      emailVerified: false,
      verified: true,
      userId,
    });
  });

  it('refuses a hash over another email, or over an email that was not sent', async () => {
    const userId = newUser();
    const signedFor = identityHash(secret(), userId, 'owner@shop.example');
    for (const identity of [
      { userId, hash: signedFor, email: 'intruder@evil.example' },
      { userId, hash: signedFor },
      {
        userId,
        hash: identityHash('not the secret', userId, 'owner@shop.example'),
        email: 'owner@shop.example',
      },
    ]) {
      expect(await handshake(identity)).toMatchObject({ connected: false, code: 'unauthorized' });
    }
    expect(await env.relay.connection.collection('visitors').countDocuments({ userId })).toBe(0);
  });

  it('refuses a malformed or oversized email and a user id with a line break', async () => {
    const userId = newUser();
    const hash = identityHash(secret(), userId);
    for (const email of [
      'not an email',
      'two@a.example, three@b.example',
      `${'a.'.repeat(25_000)}a@x.example`,
    ]) {
      const started = Date.now();
      expect(await handshake({ userId, hash, email })).toMatchObject({
        connected: false,
        code: 'bad_request',
      });
      expect(Date.now() - started).toBeLessThan(1_000);
    }
    // A user id with a line break could be read as "id\nemail": such ids are refused, so a site
    // that has them finds out before one of them can pass for another user with a verified email.
    const crafted = 'victim\nx@evil.example';
    expect(await handshake({ userId: crafted, hash: identityHash(secret(), crafted) })).toMatchObject({
      connected: false,
      code: 'bad_request',
    });
    expect(await env.relay.connection.collection('visitors').countDocuments({ userId })).toBe(0);
  });

  it('keeps a signed email verified only while it stays the same address', async () => {
    const userId = newUser();
    const signed = {
      userId,
      hash: identityHash(secret(), userId, 'lia@shop.example'),
      email: 'lia@shop.example',
    };
    const { visitorId } = await connected(signed);
    expect((await stored(visitorId)).emailVerified).toBe(true);

    // The same address again without the site's signature is still the one the site vouched for.
    await connected({ userId, hash: identityHash(secret(), userId), email: 'lia@shop.example' });
    expect(await stored(visitorId)).toMatchObject({ email: 'lia@shop.example', emailVerified: true });

    // Another address, typed into the widget or sent unsigned, is the visitor's say.
    const { socket } = await connected(signed);
    expect(await socket.emitWithAck('visitor:email', { email: 'other@else.example' })).toEqual({ ok: true });
    expect(await stored(visitorId)).toMatchObject({ email: 'other@else.example', emailVerified: false });
    await connected(signed);
    expect(await stored(visitorId)).toMatchObject({ email: 'lia@shop.example', emailVerified: true });
    await connected({ userId, hash: identityHash(secret(), userId), email: 'new@else.example' });
    expect(await stored(visitorId)).toMatchObject({ email: 'new@else.example', emailVerified: false });
  });
});
