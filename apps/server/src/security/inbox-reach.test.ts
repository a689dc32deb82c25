// Found in review (issue 12): transcript search keeps to the agent's sites inside the text query,
// so a busy site's hits never crowd out a small site's; a filtered export pages past the inbox's
// page size up to its own limit.
import { ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageModel } from '../conversations/model';
import { startTestRelay } from '../testing';
import { ConsoleHttp } from '../testing/console-http';

let env: Awaited<ReturnType<typeof startTestRelay>>;

const asAgent = (token: string) => {
  const http = new ConsoleHttp(env.relay.url);
  return (path: string) => http.request('GET', path, undefined, { authorization: `Bearer ${token}` });
};

async function conversationOn(siteId: string, key: string, bodies: string[]): Promise<string> {
  const { services } = env.relay;
  const { visitor } = await services.visitors.mint(siteId);
  const actor = { kind: 'visitor' as const, visitorId: visitor.id, siteId };
  const { conversation } = await services.conversations.start(actor, key);
  const sent = await Promise.all(
    bodies.map((body, i) =>
      services.conversations.send(actor, {
        conversationId: conversation.id,
        clientMsgId: `${key}-${i}`,
        body,
      }),
    ),
  );
  expect(sent.every((r) => r.ok)).toBe(true);
  return conversation.id;
}

beforeAll(async () => {
  env = await startTestRelay();
});
afterAll(async () => {
  await env.relay.close();
});

describe('transcript search', () => {
  it("finds a small site's match behind a busy site's 300 better ones", async () => {
    await conversationOn(
      env.otherSite.id,
      'busy',
      Array.from({ length: 320 }, () => 'parcel parcel parcel'),
    );
    const small = await conversationOn(env.site.id, 'small', [
      'my parcel has not moved for days, and the tracking page shows nothing at all since Monday',
    ]);
    const search = asAgent(env.agent.token);
    const found = await search('/api/inbox?q=parcel');
    expect((found.body.items as { conversation: { id: string } }[]).map((i) => i.conversation.id)).toEqual([
      small,
    ]);
  });

  it('still finds entries stored before messages carried their site', async () => {
    const old = await conversationOn(env.site.id, 'legacy', ['an heirloom teapot arrived chipped']);
    await messageModel(env.relay.connection).collection.updateMany(
      { conversationId: new ObjectId(old) },
      { $unset: { siteId: 1 } },
    );
    const found = await asAgent(env.agent.token)('/api/inbox?q=heirloom');
    expect((found.body.items as { conversation: { id: string } }[]).map((i) => i.conversation.id)).toEqual([
      old,
    ]);
    const stranger = await asAgent(env.outsider.token)('/api/inbox?q=heirloom');
    expect(stranger.body.items).toEqual([]);
  });
});

describe('a filtered export', () => {
  it('holds every matching conversation past the inbox page of 100, up to its limit', async () => {
    const ids = await Promise.all(
      Array.from({ length: 130 }, (_, i) => conversationOn(env.site.id, `export-${i}`, [`order ${i}`])),
    );
    await Promise.all(
      ids.map((id) => env.relay.services.actions.apply(env.agent.agent, id, { action: 'tag', tag: 'bulk' })),
    );
    const exported = await asAgent(env.agent.token)('/api/export?format=json&view=open&tag=bulk');
    expect(exported.status).toBe(200);
    const conversations = exported.body.conversations as { conversationId: string }[];
    expect(conversations.map((c) => c.conversationId).sort()).toEqual([...ids].sort());
    expect(exported.body.truncated).toBe(false);
  });
});
