// The widget on pages it does not control: a strict CSP, hostile CSS, a phone, a failed load,
// foreign frames posting messages, and the site's choices for when nobody is there.
import { createHmac } from 'node:crypto';
import { agentClient, ready } from '@parley/server/testing/clients';
import { type HostPages, type Stack, startStack } from '@parley/server/testing/stack';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});

const eventually = <T>(check: () => Promise<T> | T, timeout = 20_000) =>
  expect.poll(check, { timeout, interval: 100 });
const STUB = 'window.Parley=window.Parley||function(){(Parley.q=Parley.q||[]).push(arguments)};';

/** A page that embeds the widget the way the snippet says, with the stub in a file of its own. */
function pages(
  siteKey: () => string,
  extra: { head?: string; body?: string; csp?: string; script?: string } = {},
): HostPages {
  return {
    '/stub.js': { html: STUB, type: 'text/javascript' },
    '/page.js': {
      html: "document.querySelector('#count').onclick = (e) => { e.target.textContent = String(Number(e.target.textContent) + 1); };",
      type: 'text/javascript',
    },
    '/': {
      get html() {
        return `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Host page</title>${extra.head ?? ''}
<script src="/stub.js"></script>
<script async src="${stack.relay.url}/widget/loader.js" data-site="${siteKey()}"${extra.script ?? ''}></script>
<script defer src="/page.js"></script></head>
<body><h1>A page of the site</h1><button id="count">0</button><div class="box">Some content</div>${extra.body ?? ''}</body></html>`;
      },
      headers: extra.csp ? { 'Content-Security-Policy': extra.csp } : {},
    },
  };
}

async function host(
  extra: Parameters<typeof pages>[1] = {},
  settings?: Record<string, unknown>,
  hostname?: string,
) {
  let key = '';
  const served = await stack.hostPages(
    pages(() => key, extra),
    hostname,
  );
  key = served.site.publicKey;
  if (settings) {
    const updated = await stack.relay.services.sites.updateSettings(served.site.id, settings);
    if (!updated.ok) throw new Error(updated.message);
  }
  return served;
}

const launcher = (page: Page) => page.locator('parley-widget').getByRole('button');
const chat = (page: Page) => page.frameLocator('iframe[title="Chat"]');

async function openAndSend(page: Page, text: string): Promise<void> {
  await launcher(page).click();
  await chat(page).getByRole('textbox', { name: 'Message' }).fill(text);
  await chat(page).getByRole('button', { name: 'Send' }).click();
  await eventually(() => chat(page).locator('.entry.me .status').last().textContent()).toContain('Sent');
}

describe('pages the widget does not control', () => {
  it("works on a page with a strict CSP (default-src 'self', no unsafe-inline)", async () => {
    const csp = `default-src 'self'; script-src 'self' ${stack.relay.url}; frame-src ${stack.relay.url}`;
    const { url } = await host({ csp });
    const page = await stack.newPage();
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
    await page.goto(url);
    await openAndSend(page, 'Hello from a strict page');
    expect(violations).toEqual([]);
    await page.context().close();
  });

  it('keeps its look on a page whose CSS restyles button, div and * aggressively', async () => {
    const hostile = `<style>
      * { font-family: "Comic Sans MS", cursive !important; color: red !important; letter-spacing: 6px !important;
          line-height: 3 !important; box-sizing: content-box !important; transition: none !important; }
      button { background: lime !important; padding: 40px !important; border: 8px dashed blue !important;
               border-radius: 0 !important; font-size: 40px !important; width: 500px !important; }
      div { display: block !important; position: static !important; border: 5px solid red !important;
            margin: 30px !important; opacity: 0.5 !important; transform: rotate(3deg) !important; }
      iframe { width: 10px !important; height: 10px !important; display: none !important; }
      parley-widget { display: none !important; }
    </style>`;
    const clean = await host();
    const dirty = await host({ head: hostile });
    const dirtyUrl = dirty.url;
    const measure = async (url: string) => {
      const page = await stack.newPage({ viewport: { width: 1280, height: 800 } });
      await page.goto(url);
      // Measured once the app has sent the site's look (its launcher text).
      await eventually(() => launcher(page).textContent()).toBe('Chat with us');
      const closed = await launcher(page).evaluate((el) => {
        const style = getComputedStyle(el);
        const box = el.getBoundingClientRect();
        return {
          box: [box.x, box.y, box.width, box.height].map(Math.round),
          background: style.backgroundColor,
          font: style.fontFamily,
          color: style.color,
          padding: style.padding,
          border: style.borderStyle,
        };
      });
      await launcher(page).click();
      await chat(page).getByText('We are away right now').waitFor();
      // The chat itself is a separate document the host's CSS cannot reach; what it could touch is
      // the iframe element and its box, so those are compared.
      const panel = await page.locator('parley-widget iframe').evaluate((el) => {
        const style = getComputedStyle(el);
        const box = el.getBoundingClientRect();
        return {
          box: [box.x, box.y, box.width, box.height].map(Math.round),
          display: style.display,
          visibility: style.visibility,
          opacity: style.opacity,
          transform: style.transform,
          border: style.borderStyle,
        };
      });
      const heading = await chat(page)
        .getByText('We are away right now')
        .evaluate((el) => [
          getComputedStyle(el).fontFamily,
          getComputedStyle(el).color,
          getComputedStyle(el).letterSpacing,
        ]);
      await page.screenshot({ path: `/tmp/parley-${url === dirtyUrl ? 'hostile' : 'clean'}-page.png` });
      await page.context().close();
      return { closed, panel, heading };
    };
    const a = await measure(clean.url);
    const b = await measure(dirty.url);
    expect(b.closed).toEqual(a.closed);
    expect(b.panel).toEqual(a.panel);
    expect(b.heading).toEqual(a.heading);
  });

  it('gives a phone a full-screen sheet that the back button closes', async () => {
    const { url } = await host();
    const page = await stack.newPage({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    await page.goto(url);
    await launcher(page).click();
    await chat(page).getByRole('textbox', { name: 'Message' }).waitFor();
    const frame = page.locator('parley-widget iframe');
    await eventually(async () => (await frame.boundingBox())?.width).toBe(390);
    expect(await frame.boundingBox()).toEqual({ x: 0, y: 0, width: 390, height: 844 });
    expect(await launcher(page).isVisible()).toBe(false);
    const fontSize = await chat(page)
      .getByRole('textbox', { name: 'Message' })
      .evaluate((el) => Number.parseFloat(getComputedStyle(el).fontSize));
    expect(fontSize).toBeGreaterThanOrEqual(16);
    await page.screenshot({ path: '/tmp/parley-mobile-sheet.png' });

    // What the phone's back button does: one step back in the joint session history.
    await page.evaluate(() => history.back());
    await eventually(() => frame.isVisible()).toBe(false);
    expect(page.url()).toBe(`${url}/`);
    expect(await launcher(page).isVisible()).toBe(true);
    await page.context().close();
  });

  it('leaves the page usable and says so when the chat cannot load', async () => {
    const served = await stack.hostPages(pages(() => 'no-such-site-key'));
    const page = await stack.newPage();
    await page.goto(served.url);
    await launcher(page).click();
    await eventually(() => launcher(page).getAttribute('aria-label'), 30_000).toBe('Chat unavailable');
    expect(await launcher(page).textContent()).toContain('Chat unavailable');
    expect(await page.locator('parley-widget iframe').count()).toBe(0);
    await page.locator('#count').click();
    await page.locator('#count').click();
    expect(await page.locator('#count').textContent()).toBe('2');
    await page.context().close();
  });
});

describe('secrets and messages', () => {
  it('keeps the visitor token inside the iframe, out of reach of the host page', async () => {
    const { url, site } = await host();
    const page = await stack.newPage();
    await page.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { seenMessages: string[] }).seenMessages = seen;
      window.addEventListener('message', (event) => seen.push(JSON.stringify(event.data)));
    });
    await page.goto(url);
    await openAndSend(page, 'Is my token safe?');
    const frame = page.frames().find((f) => f.url().includes('/widget/frame'));
    const token = await frame?.evaluate((key) => localStorage.getItem(key), `parley:${site.publicKey}:token`);
    expect(token).toMatch(/^[A-Za-z0-9_-]{20,}$/);

    const hostView = await page.evaluate(() => {
      const iframe = document.querySelector('parley-widget')?.shadowRoot?.querySelector('iframe');
      let frameStorage = 'readable';
      try {
        void iframe?.contentWindow?.localStorage.length;
      } catch (error) {
        frameStorage = (error as Error).name;
      }
      return {
        everything: [
          JSON.stringify({ ...localStorage }),
          JSON.stringify({ ...sessionStorage }),
          document.cookie,
          document.documentElement.outerHTML,
          JSON.stringify((window as unknown as { seenMessages: string[] }).seenMessages),
        ].join('\n'),
        frameStorage,
        messages: (window as unknown as { seenMessages: string[] }).seenMessages.length,
      };
    });
    expect(hostView.frameStorage).toBe('SecurityError');
    expect(hostView.messages).toBeGreaterThan(0);
    expect(hostView.everything).not.toContain(token);
    await page.context().close();
  });

  it('takes a continue link out of the address bar in the loader, before the page’s scripts look', async () => {
    const { url } = await host({
      head: `<script>addEventListener('load', () => { window.hashAtLoad = location.hash; });</script>`,
    });
    const page = await stack.newPage();
    await page.goto(`${url}#parley-continue=eyJjIjoiYSJ9.c2lnbmF0dXJl`);
    await page.waitForFunction(() => 'hashAtLoad' in window);
    expect(await page.evaluate(() => (window as unknown as { hashAtLoad: string }).hashAtLoad)).toBe('');
    expect(page.url()).not.toContain('parley-continue');
    await page.context().close();
  });

  it('ignores messages from foreign origins, and from the host page pretending to be the app', async () => {
    const foreign = await stack.hostPages(
      { '/evil.html': { html: '<!doctype html><p>evil</p>' } },
      'localhost',
    );
    const { url } = await host({ body: `<iframe id="evil" src="${foreign.url}/evil.html"></iframe>` });
    const page = await stack.newPage();
    await page.goto(url);
    await launcher(page).click();
    await chat(page).getByRole('textbox', { name: 'Message' }).waitFor();
    await launcher(page).click();
    await eventually(() => launcher(page).getAttribute('aria-expanded')).toBe('false');

    const evil = page.frames().find((f) => f.url().includes('/evil.html'));
    await evil?.evaluate(() => {
      parent.postMessage({ parley: ['unread', 99] }, '*');
      parent.postMessage({ parley: ['look', { cls: ' h', text: 'pwned', labels: ['x', 'x', 'x'] }] }, '*');
      for (let i = 0; i < parent.frames.length; i++) {
        parent.frames[i]?.postMessage({ parley: ['api', 'showMessage', 'from a foreign origin'] }, '*');
        parent.frames[i]?.postMessage({ parley: ['open', true, false] }, '*');
      }
    });
    await page.evaluate(() => window.postMessage({ parley: ['unread', 42] }, '*'));
    // A legitimate call through the same channel, so the ones above had every chance to land.
    await page.evaluate(() =>
      (window as unknown as { Parley: (...a: unknown[]) => void }).Parley('showMessage', 'From the site'),
    );
    await eventually(() => chat(page).getByRole('textbox', { name: 'Message' }).inputValue()).toBe(
      'From the site',
    );
    expect(await launcher(page).getAttribute('aria-label')).toBe('Close chat');
    expect(await page.locator('parley-widget b').textContent()).toBe('');
    expect(await launcher(page).isVisible()).toBe(true);
    await page.context().close();
  });

  it('runs the JS API: events on window and through Parley.on, attributes reach the relay', async () => {
    const { url, site } = await host();
    const page = await stack.newPage();
    await page.goto(url);
    await page.evaluate(() => {
      const w = window as unknown as {
        Parley: ((...a: unknown[]) => void) & { on(event: string, fn: () => void): void };
        events: string[];
      };
      w.events = [];
      w.Parley('on', 'ready', () => w.events.push('ready'));
      w.Parley.on('open', () => w.events.push('open'));
      window.addEventListener('parley:close', () => w.events.push('close'));
      w.Parley('setAttributes', { plan: 'pro', seats: 3 });
    });
    await page.evaluate(() => (window as unknown as { Parley: { open(): void } }).Parley.open());
    await chat(page).getByRole('textbox', { name: 'Message' }).waitFor();
    // Escape in the panel closes it, as the host page hears.
    await chat(page).getByRole('textbox', { name: 'Message' }).press('Escape');
    await eventually(() => page.evaluate(() => (window as unknown as { events: string[] }).events)).toEqual([
      'open',
      'ready',
      'close',
    ]);
    await eventually(async () => {
      const docs = await stack.relay.connection
        .collection('visitors')
        .find({ 'attributes.plan': 'pro' })
        .toArray();
      return docs.filter((d) => String(d.siteId) === site.id).map((d) => d.attributes);
    }).toEqual([{ plan: 'pro', seats: 3 }]);
    await page.context().close();
  });
  it('keeps the view of a page left before the chat was ready for the next page to hand on', async () => {
    let key = '';
    const first = pages(() => key);
    const served = await stack.hostPages({
      ...first,
      '/second': {
        get html() {
          return first['/']!.html.replace('<title>Host page</title>', '<title>Second page</title>');
        },
      },
    });
    key = served.site.publicKey;
    const page = await stack.newPage();
    // The chat app does not come up on the first page: the loader's script has the view, the
    // app has not taken it yet when the visitor moves on.
    const frameRequested = page.waitForRequest(/\/widget\/frame/);
    await page.route(/\/widget\/frame/, () => {});
    await page.goto(served.url);
    await frameRequested;
    await page.unroute(/\/widget\/frame/);
    await page.goto(`${served.url}/second`);
    await openAndSend(page, 'Hello from the second page');
    await eventually(async () => {
      const visitors = await stack.relay.connection.collection('visitors').find().toArray();
      const visitor = visitors.find((v) => String(v.siteId) === served.site.id);
      return ((visitor?.pages ?? []) as { title: string }[]).map((p) => p.title);
    }).toEqual(['Host page', 'Second page']);
    await page.context().close();
  });
});

describe('where the launcher sits', () => {
  // A cookie banner of the kind consent tools draw: across the bottom, at the highest z-index.
  const banner =
    '<div id="cookies" style="position:fixed;left:0;right:0;bottom:0;height:100px;z-index:2147483647;background:#222;color:#fff">We use cookies</div>';

  /** The launcher's distance from the window's edges, and what a click at its centre would hit. */
  const placement = (page: Page) =>
    launcher(page).evaluate((el) => {
      const box = el.getBoundingClientRect();
      const hit = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
      return {
        bottom: Math.round(innerHeight - box.bottom),
        left: Math.round(box.left),
        right: Math.round(innerWidth - box.right),
        hit: hit?.id || hit?.localName,
        zIndex: getComputedStyle(el.parentElement as Element).zIndex,
      };
    });

  it('stays above a cookie banner at the highest z-index', async () => {
    const { url } = await host({ body: banner });
    const page = await stack.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(url);
    await eventually(() => launcher(page).textContent()).toBe('Chat with us');
    expect(await placement(page)).toMatchObject({
      bottom: 20,
      right: 20,
      hit: 'parley-widget',
      zIndex: '2147483647',
    });
    await page.context().close();
  });

  it("moves by the site's offset, and by the page's own from the script tag", async () => {
    const offset = { theme: { offset: { bottom: 120, side: 32 } } };
    const { url } = await host({ body: banner }, offset);
    const page = await stack.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(url);
    await eventually(() => launcher(page).textContent()).toBe('Chat with us');
    expect(await placement(page)).toMatchObject({ bottom: 120, right: 32, hit: 'parley-widget' });
    // The open panel still fits above it.
    await launcher(page).click();
    const panel = await page.locator('parley-widget iframe').evaluate((el) => el.getBoundingClientRect().top);
    expect(panel).toBeGreaterThanOrEqual(0);
    await page.context().close();

    // The page's own, on the left: there from the first paint, and kept once the site's look arrives.
    const left = { theme: { position: 'left', offset: { bottom: 120, side: 32 } } };
    const own = await host({ body: banner, script: ' data-offset-bottom="150" data-offset-side="8"' }, left);
    const ownPage = await stack.newPage({ viewport: { width: 1280, height: 800 } });
    await ownPage.goto(own.url);
    expect((await placement(ownPage)).bottom).toBe(150);
    await eventually(() => launcher(ownPage).textContent()).toBe('Chat with us');
    expect(await placement(ownPage)).toMatchObject({ bottom: 150, left: 8, hit: 'parley-widget' });
    await ownPage.context().close();

    // Something that is not a number is ignored, and too much is clamped.
    const odd = await host({ script: ' data-offset-bottom="lots" data-offset-side="90000"' }, offset);
    const oddPage = await stack.newPage({ viewport: { width: 1280, height: 800 } });
    await oddPage.goto(odd.url);
    await eventually(() => launcher(oddPage).textContent()).toBe('Chat with us');
    expect(await placement(oddPage)).toMatchObject({ bottom: 120, right: 500 });
    await oddPage.context().close();
  });
});

/** A site that shows its offline form when nobody is there, open on a desktop page. */
async function openOfflineForm(extra: Parameters<typeof pages>[1] = {}) {
  const { url, site } = await host(extra, { offline: { behaviour: 'form' } });
  const page = await stack.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(url);
  await launcher(page).click();
  const frame = chat(page);
  await frame.getByRole('heading', { name: 'Leave us a message' }).waitFor();
  return { page, frame, site };
}

describe('when nobody is there', () => {
  it('shows the offline form and turns it into a conversation', async () => {
    const { page, frame, site } = await openOfflineForm();
    await frame.getByLabel('Name').fill('Ion Popescu');
    await frame.getByLabel(/^Email/).fill('ion@example.test');
    await frame.getByLabel(/^Message/).fill('Do you ship to Iasi?');
    await page.screenshot({ path: '/tmp/parley-offline-form.png' });
    await frame.getByRole('button', { name: 'Send' }).click();
    await frame.getByText('Thanks! We got your message and will reply by email.').waitFor();
    const conversations = (await stack.relay.connection.collection('conversations').find().toArray()).filter(
      (c) => String(c.siteId) === site.id,
    );
    expect(conversations).toHaveLength(1);
    expect(
      (await stack.relay.services.conversations.timeline(String(conversations[0]?._id))).map((m) => m.body),
    ).toEqual(['Do you ship to Iasi?']);
    await page.context().close();
  });

  it('turns from the offline form to the chat, without a reload, when an agent comes online', async () => {
    // The host page follows it too, through the JS API.
    const { page, frame, site } = await openOfflineForm({
      body: '<script>window.heard=[];Parley("on","availability",function(a){window.heard.push(a.available)})</script>',
    });
    const { agent: lia, token } = await stack.relay.services.agents.create({
      email: `live-${site.id}@t.test`,
      name: 'Lia Live',
      role: 'agent',
      siteIds: [site.id],
    });
    // Online since last time; opening the console makes her someone who can take the chat.
    await stack.relay.services.agents.setPresence(lia.id, 'online');
    const agent = await ready(agentClient(stack.relay.url, token));
    await frame.getByRole('textbox', { name: 'Message' }).waitFor();
    await eventually(() => frame.locator('.presence').textContent()).toContain('online');
    await page.screenshot({ path: '/tmp/parley-live-online.png' });
    agent.close();
    await frame.getByRole('heading', { name: 'Leave us a message' }).waitFor();
    await eventually(() => page.evaluate(() => (window as unknown as { heard: boolean[] }).heard)).toEqual([
      false,
      true,
      false,
    ]);
    await page.context().close();
  });

  it('hides the launcher when the site chose to', async () => {
    const { url } = await host(undefined, { offline: { behaviour: 'hide' } });
    const page = await stack.newPage();
    await page.goto(url);
    await eventually(() => page.locator('parley-widget div').getAttribute('class')).toContain('h');
    expect(await launcher(page).isVisible()).toBe(false);
    await page.context().close();
  });

  it('greets visitors on matching pages after the delay the site set', async () => {
    const { url } = await host(undefined, {
      proactive: [{ id: 'hello', text: 'Need help choosing a gift?', delaySec: 1, urlPattern: '/' }],
    });
    const page = await stack.newPage();
    await page.goto(url);
    await eventually(() => launcher(page).textContent()).toContain('Need help choosing a gift?');
    await launcher(page).click();
    await eventually(() => chat(page).locator('.entry.them .bubble').first().textContent()).toBe(
      'Need help choosing a gift?',
    );
    await page.context().close();
  });
});

describe('language and identity', () => {
  it("speaks the visitor's language: Romanian for a Romanian browser", async () => {
    const { url } = await host();
    const page = await stack.newPage({ locale: 'ro-RO' });
    await page.goto(url);
    await eventually(() => launcher(page).getAttribute('aria-label')).toBe('Deschide chatul');
    await launcher(page).click();
    await chat(page).getByRole('textbox', { name: 'Mesaj' }).waitFor();
    expect(await chat(page).getByRole('button', { name: 'Trimite' }).isVisible()).toBe(true);
    expect(await launcher(page).getAttribute('aria-label')).toBe('Închide chatul');
    await page.context().close();
  });

  it('identifies a signed-in shop user verified by the site HMAC, and refuses a forged one', async () => {
    const { url, site } = await host();
    const page = await stack.newPage();
    await page.goto(url);
    const identify = (hash: string) =>
      page.evaluate(
        ([h]) =>
          (window as unknown as { Parley: (...a: unknown[]) => void }).Parley('identify', {
            id: 'user-42',
            hash: h,
            name: 'Maria',
          }),
        [hash],
      );
    await identify('0'.repeat(64));
    await launcher(page).click();
    await chat(page).getByRole('textbox', { name: 'Message' }).waitFor();
    const users = () => stack.relay.connection.collection('visitors').countDocuments({ userId: 'user-42' });
    // A forged identity is refused; the visitor still chats, anonymously.
    await chat(page).getByRole('textbox', { name: 'Message' }).fill('Still here');
    await chat(page).getByRole('button', { name: 'Send' }).click();
    await eventually(() => chat(page).locator('.entry.me .status').last().textContent()).toContain('Sent');
    expect(await users()).toBe(0);

    // What the site's backend computes for its signed-in user.
    await identify(createHmac('sha256', site.identitySecret).update('user-42').digest('hex'));
    await chat(page).getByRole('textbox', { name: 'Message' }).fill('Signed in now');
    await chat(page).getByRole('button', { name: 'Send' }).click();
    await eventually(async () => {
      const visitor = await stack.relay.connection.collection('visitors').findOne({ userId: 'user-42' });
      return visitor?.name;
    }).toBe('Maria');
    await page.context().close();
  });
});
