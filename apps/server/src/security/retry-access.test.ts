// Issue 12, item 2 (the writer's part): a retry's lookup of a stored copy answers only callers
// who reach the conversation; anyone else hears what a send to a missing conversation hears.
import type { SendMessagePayload } from '@parley/protocol';
import { ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRelay } from '../testing';
import { agentClient, ready, visitorClient } from '../testing/clients';

let env: Awaited<ReturnType<typeof startTestRelay>>;
const open: { close(): void }[] = [];
let victim: { conversationId: string; clientMsgId: string };
const SECRET = 'the safe code is 3141';

beforeAll(async () => {
  env = await startTestRelay();
  const client = await ready(visitorClient(env.relay.url, env.site.publicKey));
  open.push(client);
  const started = await client.start('victim-start');
  if (!started.ok) throw new Error(started.message);
  const clientMsgId = 'mtg-guessable-offered';
  const sent = await client.socket.emitWithAck('message:send', {
    conversationId: started.conversation.id,
    clientMsgId,
    body: SECRET,
  });
  expect(sent.ok).toBe(true);
  victim = { conversationId: started.conversation.id, clientMsgId };
});
afterAll(async () => {
  for (const c of open) c.close();
  await env.relay.close();
});

async function attackers() {
  const visitor = await ready(
    visitorClient(env.relay.url, env.otherSite.publicKey, { extraHeaders: { origin: 'http://other.test' } }),
  );
  const agent = await ready(agentClient(env.relay.url, env.outsider.token));
  open.push(visitor, agent);
  // Each namespace's own socket, so the send is typed by that namespace's map.
  return {
    'a visitor of another site': (payload: SendMessagePayload) =>
      visitor.socket.emitWithAck('message:send', payload),
    'an agent of another site': (payload: SendMessagePayload) =>
      agent.socket.emitWithAck('message:send', payload),
  };
}

describe('message:send with retry: true', () => {
  it.each([
    ['remembered', false],
    ['read again', true],
  ])('refuses a stranger like a missing conversation, with the conversation %s', async (_how, forget) => {
    for (const [who, send] of Object.entries(await attackers())) {
      if (forget) env.relay.services.conversations.forget(victim.conversationId);
      const retry = { clientMsgId: victim.clientMsgId, body: 'hello?', retry: true };
      const answer = await send({
        ...retry,
        conversationId: victim.conversationId,
      });
      const missing = await send({
        ...retry,
        conversationId: new ObjectId().toHexString(),
      });
      expect(answer, who).toEqual(missing);
      expect(answer, who).toMatchObject({ ok: false, code: 'not_found' });
      expect(JSON.stringify(answer)).not.toContain(SECRET);
    }
    const timeline = await env.relay.services.conversations.timeline(victim.conversationId);
    expect(timeline.map((m) => m.body)).toEqual([SECRET]);
  });

  it('still answers the sender, and an agent of the site, with the stored copy', async () => {
    const agent = await ready(agentClient(env.relay.url, env.agent.token));
    open.push(agent);
    env.relay.services.conversations.forget(victim.conversationId);
    const answer = await agent.socket.emitWithAck('message:send', {
      conversationId: victim.conversationId,
      clientMsgId: victim.clientMsgId,
      body: 'ignored: the stored copy wins',
      retry: true,
    });
    expect(answer).toMatchObject({ ok: true, message: { body: SECRET } });
  });
});
