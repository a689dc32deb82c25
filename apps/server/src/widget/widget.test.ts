import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChatClient } from '@parley/client';
import { newClientId } from '@parley/client';
import type { Availability, Conversation, Message, Result } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { agentModel } from '../agents/model';
import { resolveConversation, SHOP_ORIGIN, startTestRelay } from '../testing';
import { agentClient, ready, visitorClient } from '../testing/clients';

// A built widget as the relay expects to find it: the router reads these files as they are.
const widgetDir = mkdtempSync(join(tmpdir(), 'parley-widget-'));
mkdirSync(join(widgetDir, 'app', '.vite'), { recursive: true });
writeFileSync(join(widgetDir, 'loader.js'), '/* loader */');
writeFileSync(join(widgetDir, 'host.js'), '/* host */');
writeFileSync(join(widgetDir, 'app', 'main-abc.js'), 'import "./first-open-def.js";');
writeFileSync(
  join(widgetDir, 'app', '.vite', 'manifest.json'),
  JSON.stringify({
    'src/app/main.tsx': { file: 'main-abc.js', isEntry: true, imports: ['_first-open-def.js'] },
    '_first-open-def.js': { file: 'first-open-def.js' },
    'style.css': { file: 'main-ghi.css' },
  }),
);

let env: Awaited<ReturnType<typeof startTestRelay>>;
const open: { close(): void }[] = [];
const track = <T extends { close(): void }>(c: T) => {
  open.push(c);
  return c;
};

beforeAll(async () => {
  env = await startTestRelay({ widgetDir, socketRatePerSec: 50, socketBurst: 100 });
});
afterAll(async () => {
  for (const c of open) c.close();
  await env.relay.close();
  rmSync(widgetDir, { recursive: true, force: true });
});

const eventually = (check: () => void | Promise<void>) =>
  vi.waitFor(check, { timeout: 10_000, interval: 20 });

function ask<T extends object = object>(
  client: ChatClient,
  event: string,
  payload: unknown,
): Promise<Result<T>> {
  return (
    client.socket.timeout(5000) as unknown as { emitWithAck(e: string, p: unknown): Promise<Result<T>> }
  ).emitWithAck(event, payload);
}

async function visitor(siteKey = env.site.publicKey) {
  const client = track(await ready(visitorClient(env.relay.url, siteKey)));
  return { client, visitorId: client.session?.visitorId ?? '' };
}

describe('widget HTTP routes', () => {
  it('serves the iframe page framed only by the asking origin, under a strict CSP, without secrets', async () => {
    const response = await fetch(
      `${env.relay.url}/widget/frame?site=${env.site.publicKey}&origin=${encodeURIComponent(SHOP_ORIGIN)}`,
    );
    expect(response.status).toBe(200);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain(`frame-ancestors ${SHOP_ORIGIN}`);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('unsafe-inline');
    const html = await response.text();
    expect(html).toContain('<script type="module" src="/widget/app/main-abc.js">');
    expect(html).toContain('<link rel="modulepreload" href="/widget/app/first-open-def.js">');
    expect(html).toContain('<link rel="stylesheet" href="/widget/app/main-ghi.css">');
    const boot = JSON.parse(
      /<script type="application\/json" id="parley-boot">(.*?)<\/script>/.exec(html)?.[1] ?? '{}',
    );
    expect(boot).toMatchObject({
      siteKey: env.site.publicKey,
      hostOrigin: SHOP_ORIGIN,
      site: { name: 'Test Shop' },
    });
    expect(boot.site.settings.theme.color).toBe('#4f46e5');
    expect(html).not.toContain(env.site.identitySecret);
  });

  it('refuses to be framed for an origin the site does not allow, an unknown site or a malformed key', async () => {
    const cases: [string, number, string][] = [
      [
        `site=${env.site.publicKey}&origin=${encodeURIComponent('http://evil.test')}`,
        403,
        'origin_not_allowed',
      ],
      [`site=${env.site.publicKey}`, 403, 'origin_not_allowed'],
      [`site=nosuchsite123&origin=${encodeURIComponent(SHOP_ORIGIN)}`, 404, 'not_found'],
      [`site=%3Cscript%3E&origin=${encodeURIComponent(SHOP_ORIGIN)}`, 400, 'bad_request'],
    ];
    for (const [query, status, code] of cases) {
      const response = await fetch(`${env.relay.url}/widget/frame?${query}`);
      expect(response.status).toBe(status);
      expect(await response.json()).toMatchObject({ ok: false, code });
    }
  });

  it('escapes site text in the page so a site name cannot inject markup', async () => {
    const site = await env.relay.services.sites.create({
      name: 'Evil </script><script>alert(1)</script>',
      allowedOrigins: [SHOP_ORIGIN],
    });
    const html = await (
      await fetch(
        `${env.relay.url}/widget/frame?site=${site.publicKey}&origin=${encodeURIComponent(SHOP_ORIGIN)}`,
      )
    ).text();
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html.match(/<script/g)).toHaveLength(2);
  });

  it('serves the host-page scripts and the public site settings', async () => {
    const loader = await fetch(`${env.relay.url}/widget/loader.js`);
    expect(loader.status).toBe(200);
    expect(loader.headers.get('content-type')).toContain('javascript');
    expect(await loader.text()).toBe('/* loader */');
    expect((await fetch(`${env.relay.url}/widget/host.js`)).status).toBe(200);

    const settings = await fetch(`${env.relay.url}/widget/api/sites/${env.site.publicKey}`);
    expect(settings.headers.get('access-control-allow-origin')).toBe('*');
    const body = await settings.json();
    expect(body).toMatchObject({
      ok: true,
      site: { name: 'Test Shop', settings: { offline: { behaviour: 'chat' } } },
    });
    expect(JSON.stringify(body)).not.toContain(env.site.identitySecret);
    expect((await fetch(`${env.relay.url}/widget/api/sites/unknownsite1`)).status).toBe(404);
  });
});

describe('site settings', () => {
  it('stores valid settings and refuses invalid ones without changing anything', async () => {
    const site = await env.relay.services.sites.create({
      name: 'Settings Shop',
      allowedOrigins: [SHOP_ORIGIN],
    });
    const bad = await env.relay.services.sites.updateSettings(site.id, {
      ...site.widget,
      theme: { ...site.widget.theme, color: 'red' },
    });
    expect(bad).toMatchObject({ ok: false, code: 'bad_request' });
    expect((bad as { message: string }).message).toContain('theme.color');
    const badZone = await env.relay.services.sites.updateSettings(site.id, {
      businessHours: { enabled: true, timeZone: 'Mars/Olympus', intervals: [] },
    });
    expect(badZone).toMatchObject({ ok: false, code: 'bad_request' });
    expect((await env.relay.services.sites.byPublicKey(site.publicKey))?.widget.theme.color).toBe('#4f46e5');

    const good = await env.relay.services.sites.updateSettings(site.id, {
      theme: { color: '#0a7d3b', position: 'left', offset: { bottom: 90 }, launcherText: 'Ask us' },
      offline: { behaviour: 'form' },
    });
    expect(good.ok).toBe(true);
    const stored = await env.relay.services.sites.byPublicKey(site.publicKey);
    expect(stored?.widget.theme).toEqual({
      color: '#0a7d3b',
      position: 'left',
      offset: { bottom: 90, side: 20 },
      launcherText: 'Ask us',
      logoUrl: null,
    });
    expect(stored?.widget.offline).toEqual({ behaviour: 'form', expectedReplyMinutes: 60 });
  });
});

describe('visitor context and attributes', () => {
  it('records where the visitor is and the trail of pages, with the browser it uses', async () => {
    const client = track(
      await ready(
        visitorClient(env.relay.url, env.site.publicKey, {
          extraHeaders: { origin: SHOP_ORIGIN, 'user-agent': 'ParleyTest/1.0' },
        }),
      ),
    );
    const visitorId = client.session?.visitorId ?? '';
    for (const [url, title] of [
      ['http://shop.test/', 'Shop'],
      ['http://shop.test/products/blue-mug', 'Blue mug'],
      ['http://shop.test/cart', 'Cart'],
    ]) {
      expect(
        await ask(client, 'visitor:context', {
          url,
          title,
          referrer: 'https://search.test/?q=mugs',
          language: 'ro-RO',
          timeZone: 'Europe/Bucharest',
          screen: { width: 390, height: 844 },
        }),
      ).toEqual({ ok: true });
    }
    const details = await env.relay.services.visitors.details(visitorId);
    expect(details?.context).toMatchObject({
      url: 'http://shop.test/cart',
      title: 'Cart',
      language: 'ro-RO',
      timeZone: 'Europe/Bucharest',
      screen: { width: 390, height: 844 },
    });
    expect(details?.context.userAgent).toBe('ParleyTest/1.0');
    expect(details?.pages.map((p) => p.title)).toEqual(['Shop', 'Blue mug', 'Cart']);
  });

  it('records a page view sent again once, and leaves the current page where a later view put it', async () => {
    const { client, visitorId } = await visitor();
    const mug = { viewId: 'view-mug-1', url: 'http://shop.test/products/blue-mug', title: 'Blue mug' };
    const cart = { viewId: 'view-cart-2', url: 'http://shop.test/cart', title: 'Cart' };
    expect(await ask(client, 'visitor:context', mug)).toEqual({ ok: true });
    expect(await ask(client, 'visitor:context', cart)).toEqual({ ok: true });
    // The mug page's ack was lost: the widget sends it again from its storage.
    expect(await ask(client, 'visitor:context', mug)).toEqual({ ok: true });
    const details = await env.relay.services.visitors.details(visitorId);
    expect(details?.pages.map((p) => p.title)).toEqual(['Blue mug', 'Cart']);
    expect(details?.context.url).toBe('http://shop.test/cart');
    const refused = await ask(client, 'visitor:context', { ...cart, viewId: '../../etc' });
    expect(refused).toMatchObject({ ok: false, code: 'bad_request' });
    expect((refused as { message: string }).message).toContain('viewId');
  });

  it('refuses bad context with a clear error and records nothing', async () => {
    const { client, visitorId } = await visitor();
    const cases: [unknown, string][] = [
      [{ url: 'javascript:alert(1)' }, 'url'],
      [{ url: 'http://shop.test/', timeZone: 'Nowhere/Else' }, 'timeZone'],
      [{ url: 'http://shop.test/', extra: 1 }, 'extra'],
      [{ url: 'http://shop.test/', screen: { width: -1, height: 2 } }, 'screen.width'],
    ];
    for (const [payload, field] of cases) {
      const result = await ask(client, 'visitor:context', payload);
      expect(result).toMatchObject({ ok: false, code: 'bad_request' });
      expect((result as { message: string }).message).toContain(field);
    }
    // Refused events store nothing, not even the visitor (made on first real use).
    expect(await env.relay.services.visitors.details(visitorId)).toBeNull();
  });

  it('merges attributes, removes one given null, and refuses bad names or too many', async () => {
    const { client, visitorId } = await visitor();
    expect(
      await ask(client, 'visitor:attributes', { attributes: { cartValue: 53, plan: 'pro', vip: true } }),
    ).toEqual({
      ok: true,
    });
    expect(await ask(client, 'visitor:attributes', { attributes: { plan: null, cartItems: 2 } })).toEqual({
      ok: true,
    });
    expect((await env.relay.services.visitors.details(visitorId))?.attributes).toEqual({
      cartValue: 53,
      vip: true,
      cartItems: 2,
    });

    for (const attributes of [{ $where: 1 }, { 'a.b': 1 }, { nested: { x: 1 } }, { long: 'x'.repeat(501) }]) {
      expect(await ask(client, 'visitor:attributes', { attributes })).toMatchObject({
        ok: false,
        code: 'bad_request',
      });
    }
    const fifty = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`a${i}`, i]));
    expect(await ask(client, 'visitor:attributes', { attributes: fifty })).toEqual({ ok: true });
    const more = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`b${i}`, i]));
    expect(await ask(client, 'visitor:attributes', { attributes: more })).toMatchObject({
      ok: false,
      code: 'too_large',
    });
    const stored = (await env.relay.services.visitors.details(visitorId))?.attributes ?? {};
    expect(Object.keys(stored)).toHaveLength(53);
    expect(stored.b0).toBeUndefined();
  });
});

describe('attribute order', () => {
  it('applies quick successive updates in the order they were sent', async () => {
    const { client, visitorId } = await visitor();
    const sent = Array.from({ length: 20 }, (_, i) =>
      ask(client, 'visitor:attributes', { attributes: { cartItems: i } }),
    );
    expect(new Set((await Promise.all(sent)).map((r) => r.ok))).toEqual(new Set([true]));
    expect((await env.relay.services.visitors.details(visitorId))?.attributes).toMatchObject({
      cartItems: 19,
    });
  });
});

describe('live visitor updates', () => {
  it("tells the site's agents when a visitor's page, attributes or profile change, and nobody else", async () => {
    const agent = track(await ready(agentClient(env.relay.url, env.agent.token)));
    const outsider = track(await ready(agentClient(env.relay.url, env.outsider.token)));
    const heard: string[] = [];
    const overheard: string[] = [];
    agent.socket.on('visitor', ({ visitorId }) => heard.push(visitorId));
    outsider.socket.on('visitor', ({ visitorId }) => overheard.push(visitorId));
    const { client, visitorId } = await visitor();
    expect(await ask(client, 'visitor:context', { url: 'http://shop.test/cart', title: 'Cart' })).toEqual({
      ok: true,
    });
    expect(await ask(client, 'visitor:attributes', { attributes: { cartItems: 1 } })).toEqual({ ok: true });
    expect(await ask(client, 'visitor:email', { email: 'ana@example.com' })).toEqual({ ok: true });
    await eventually(() => expect(heard).toEqual([visitorId, visitorId, visitorId]));
    // A refused update changes nothing, so nobody is told.
    expect(await ask(client, 'visitor:attributes', { attributes: { 'a.b': 1 } })).toMatchObject({
      ok: false,
    });
    await ask(client, 'visitor:context', { url: 'http://shop.test/', title: 'Shop' });
    // The relay emitted everything above before this ack; the agent's socket delivers in order.
    await ask(agent, 'sync', { conversations: [] });
    expect(heard).toEqual([visitorId, visitorId, visitorId, visitorId]);
    expect(overheard).toEqual([]);
  });
});

describe('pre-chat form', () => {
  it("checks the form against the site's fields and consent, then stores the profile", async () => {
    const site = await env.relay.services.sites.create({ name: 'Form Shop', allowedOrigins: [SHOP_ORIGIN] });
    await env.relay.services.sites.updateSettings(site.id, {
      preChat: {
        enabled: true,
        fields: [
          { key: 'name', label: 'Name', type: 'text', required: true },
          { key: 'email', label: 'Email', type: 'email', required: false },
          { key: 'order', label: 'Order number', type: 'text', required: true },
        ],
        consentText: 'I agree to the processing of my data.',
        privacyUrl: 'https://shop.test/privacy',
      },
    });
    const { client, visitorId } = await visitor(site.publicKey);
    const refusals: [unknown, string][] = [
      [{ name: 'Ana', fields: { order: 'A-1' } }, 'consent'],
      [{ name: 'Ana', consent: true }, 'Order number is required'],
      [{ fields: { order: 'A-1' }, consent: true }, 'Name is required'],
      [{ name: 'Ana', fields: { order: 'A-1', shoe: '42' }, consent: true }, 'fields.shoe'],
      [{ name: 'Ana', email: 'not-an-email', fields: { order: 'A-1' }, consent: true }, 'email'],
    ];
    for (const [form, message] of refusals) {
      const result = await ask(client, 'visitor:profile', form);
      expect(result).toMatchObject({ ok: false, code: 'bad_request' });
      expect((result as { message: string }).message).toContain(message);
    }
    expect((await env.relay.services.visitors.details(visitorId))?.name ?? null).toBeNull();

    expect(
      await ask(client, 'visitor:profile', {
        name: 'Ana Pop',
        email: 'ana@example.test',
        fields: { order: 'A-1' },
        consent: true,
      }),
    ).toEqual({ ok: true });
    const details = await env.relay.services.visitors.details(visitorId);
    expect(details).toMatchObject({ name: 'Ana Pop', email: 'ana@example.test', fields: { order: 'A-1' } });
    expect(details?.consentAt).not.toBeNull();
  });
});

describe('offline contact form and availability', () => {
  it('turns the offline form into a conversation agents see, with the email on the visitor', async () => {
    const agent = track(await ready(agentClient(env.relay.url, env.agent.token)));
    const seen: Message[] = [];
    agent.on('message', (m) => seen.push(m));
    const { client, visitorId } = await visitor();
    const result = await ask<{ conversation: Conversation }>(client, 'offline:submit', {
      startKey: newClientId(),
      clientMsgId: newClientId(),
      name: 'Ion',
      email: 'ion@example.test',
      body: 'Do you ship to Iasi?',
    });
    expect(result.ok).toBe(true);
    await eventually(() => expect(seen.map((m) => m.body)).toContain('Do you ship to Iasi?'));
    expect(seen.find((m) => m.body === 'Do you ship to Iasi?')?.author).toMatchObject({
      kind: 'visitor',
      name: 'Ion',
    });
    expect(await env.relay.services.visitors.details(visitorId)).toMatchObject({
      name: 'Ion',
      email: 'ion@example.test',
    });
  });

  it('refuses an offline form without a valid email or message, creating nothing', async () => {
    const { client, visitorId } = await visitor();
    const base = { startKey: newClientId(), clientMsgId: newClientId(), body: 'Hello' };
    for (const payload of [
      { ...base, email: 'nope' },
      { ...base, email: 'a@b.test', body: '   ' },
      { ...base, email: 'a@b.test', body: 'x'.repeat(4001) },
      { ...base },
    ]) {
      expect(await ask(client, 'offline:submit', payload)).toMatchObject({ ok: false, code: 'bad_request' });
    }
    const sync = await env.relay.services.conversations.sync(
      { kind: 'visitor', visitorId, siteId: env.site.id },
      [],
    );
    expect(sync.conversations).toEqual([]);
  });

  it('says whether anyone can answer: agents online and business hours', async () => {
    const site = await env.relay.services.sites.create({ name: 'Hours Shop', allowedOrigins: [SHOP_ORIGIN] });
    const { client } = await visitor(site.publicKey);
    expect(await ask(client, 'availability', {})).toEqual({
      ok: true,
      availability: { available: false, withinHours: true, agentsOnline: false },
    });
    // Someone can answer: presence online, and the console open.
    await env.relay.services.agents.setPresence(env.admin.agent.id, 'online');
    expect(await ask(client, 'availability', {})).toMatchObject({
      availability: { available: false, agentsOnline: false },
    });
    const admin = track(await ready(agentClient(env.relay.url, env.admin.token)));
    expect(await ask(client, 'availability', {})).toMatchObject({
      availability: { available: true, agentsOnline: true },
    });
    // An agent who set themselves away is connected but not there to answer.
    await env.relay.services.agents.setPresence(env.admin.agent.id, 'away');
    expect(await ask(client, 'availability', {})).toMatchObject({
      availability: { available: false, agentsOnline: false },
    });
    await env.relay.services.agents.setPresence(env.admin.agent.id, 'online');

    // Closed every day: hours end before they could start.
    await env.relay.services.sites.updateSettings(site.id, {
      businessHours: { enabled: true, timeZone: 'Europe/Bucharest', intervals: [] },
    });
    const later = track(await ready(visitorClient(env.relay.url, site.publicKey)));
    expect(await ask(later, 'availability', {})).toMatchObject({
      availability: { available: false, withinHours: false, agentsOnline: true },
    });
    expect(await ask(later, 'availability', { now: 'tomorrow' })).toMatchObject({
      ok: false,
      code: 'bad_request',
    });
    admin.close();
  });
});

describe('live availability', () => {
  it("tells a site's visitors at once when an agent who can answer comes, steps away, comes back and goes", async () => {
    const site = await env.relay.services.sites.create({ name: 'Live Shop', allowedOrigins: [SHOP_ORIGIN] });
    const { agent: clerk, token } = await env.relay.services.agents.create({
      email: `clerk-${site.id}@t.test`,
      name: 'Cleo Clerk',
      role: 'agent',
      siteIds: [site.id],
    });
    const pushes: Availability[] = [];
    const elsewhere: Availability[] = [];
    const { client } = await visitor(site.publicKey);
    client.socket.on('availability', (a: Availability) => pushes.push(a));
    const neighbour = await env.relay.services.sites.create({
      name: 'Next Door',
      allowedOrigins: [SHOP_ORIGIN],
    });
    const { client: other } = await visitor(neighbour.publicKey);
    other.socket.on('availability', (a: Availability) => elsewhere.push(a));
    const latest = () => pushes.at(-1);

    // Online since last time (written as stored, so it is not itself announced): opening the console is the change.
    await agentModel(env.relay.connection).updateOne({ _id: clerk.id }, { $set: { presence: 'online' } });
    const agent = track(await ready(agentClient(env.relay.url, token)));
    await eventually(() =>
      expect(latest()).toEqual({ available: true, withinHours: true, agentsOnline: true }),
    );
    await env.relay.services.agents.setPresence(clerk.id, 'away');
    await eventually(() => expect(latest()).toMatchObject({ available: false, agentsOnline: false }));
    await env.relay.services.agents.setPresence(clerk.id, 'online');
    await eventually(() => expect(latest()).toMatchObject({ available: true, agentsOnline: true }));
    agent.close();
    await eventually(() => expect(latest()).toMatchObject({ available: false, agentsOnline: false }));
    // Each change is one announcement, and another site's visitors hear none of them.
    expect(pushes.map((a) => a.available)).toEqual([true, false, true, false]);
    expect(elsewhere).toEqual([]);
  });
});

describe('ratings', () => {
  it('lets the visitor rate a resolved conversation, tells both sides, and notes it for agents only', async () => {
    const agent = track(await ready(agentClient(env.relay.url, env.agent.token)));
    const agentSaw: Message[] = [];
    agent.on('message', (m) => agentSaw.push(m));
    const { client } = await visitor();
    const started = await client.start(newClientId());
    if (!started.ok) throw new Error(started.message);
    const conversationId = started.conversation.id;
    client.send(conversationId, 'Thanks for the help');
    await eventually(() => expect(client.pending()).toHaveLength(0));

    expect(await ask(client, 'conversation:rate', { conversationId, score: 5 })).toMatchObject({
      ok: false,
      code: 'conflict',
    });

    await resolveConversation(env.relay, env.admin.agent, conversationId);
    await eventually(() => expect(client.conversations.get(conversationId)?.status).toBe('resolved'));

    const rated = await ask<{ conversation: Conversation }>(client, 'conversation:rate', {
      conversationId,
      score: 5,
    });
    expect(rated.ok && rated.conversation.rating).toMatchObject({ score: 5, comment: null });
    const commented = await ask<{ conversation: Conversation }>(client, 'conversation:rate', {
      conversationId,
      score: 5,
      comment: 'Quick and kind',
    });
    expect(commented.ok && commented.conversation.rating).toMatchObject({
      score: 5,
      comment: 'Quick and kind',
    });
    await eventually(() =>
      expect(client.conversations.get(conversationId)?.rating?.comment).toBe('Quick and kind'),
    );

    await eventually(() =>
      expect(agentSaw.filter((m) => m.data?.name === 'rated').map((m) => m.body)).toEqual([
        'Rated 5/5',
        'Rated 5/5: Quick and kind',
      ]),
    );
    expect(agentSaw.find((m) => m.data?.name === 'rated')?.visibility).toBe('agents');
    expect(client.timeline(conversationId).some((m) => 'data' in m && m.data?.name === 'rated')).toBe(false);
  });

  it("refuses bad scores and other visitors' conversations, changing nothing", async () => {
    const { client } = await visitor();
    const started = await client.start(newClientId());
    if (!started.ok) throw new Error(started.message);
    const conversationId = started.conversation.id;
    await resolveConversation(env.relay, env.admin.agent, conversationId);
    for (const payload of [
      { conversationId, score: 0 },
      { conversationId, score: 6 },
      { conversationId, score: 4.5 },
      { conversationId, score: 5, comment: 'x'.repeat(1001) },
      { conversationId: 'not-an-id', score: 5 },
    ]) {
      expect(await ask(client, 'conversation:rate', payload)).toMatchObject({
        ok: false,
        code: 'bad_request',
      });
    }
    const { client: stranger } = await visitor();
    expect(await ask(stranger, 'conversation:rate', { conversationId, score: 1 })).toMatchObject({
      ok: false,
      code: 'not_found',
    });
    const stored = await env.relay.services.conversations.get(
      { kind: 'agent', agentId: env.admin.agent.id, name: 'x', siteIds: null },
      conversationId,
    );
    expect(stored?.rating).toBeNull();
  });
});
