// The one script a site embeds, and all that runs on its page at load: it draws the launcher in a
// shadow root (the host page's CSS cannot reach in) and, on first interaction or when the
// browser is idle, loads host.js, which opens the chat iframe and runs the JS API. Calls made
// before then wait in the `Parley` queue. No framework: every byte counts.
import { MAX_LAUNCHER_OFFSET } from '@parley/protocol';
import type { Launcher, ParleyGlobal } from './launcher';
import { CSS } from './style';

const w = window as unknown as Window & { Parley?: ParleyGlobal };
const doc = document;
const script = doc.currentScript as HTMLScriptElement | null;
const site = script?.dataset.site;

if (script && site && !w.Parley?.$) {
  // A "continue in the browser" token leaves the address bar first, before the page's other
  // scripts (and the page view below) can read it; host.js gets it from the loader alone.
  const link = /parley-continue=([\w.-]{1,512})/.exec(location.hash)?.[1];
  if (link) history.replaceState(history.state, '', location.href.split('#')[0]);
  // Pages viewed before the chat loads still join the visitor's trail: this tab keeps them (the
  // shop's own URLs, nothing secret) until host.js sends them on.
  try {
    const views = JSON.parse(sessionStorage.parleyViews || '[]');
    views.push([location.href, doc.title, doc.referrer]);
    sessionStorage.parleyViews = JSON.stringify(views.slice(-20));
  } catch {}
  const queue = w.Parley?.q ?? [];
  const host = doc.createElement('parley-widget');
  const root = host.attachShadow({ mode: 'open' });
  // A constructed stylesheet: allowed under a strict style-src, unlike a <style> element.
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(CSS);
  root.adoptedStyleSheets = [sheet];
  const box = doc.createElement('div');
  const button = doc.createElement('button');
  const label = doc.createElement('span');
  const badge = doc.createElement('b');
  button.ariaLabel = 'Open chat';
  // A page's own launcher offset (data-offset-bottom, data-offset-side, in px) wins over the
  // site's: set on the box, it hides what host.js later sets on the host element. A value that
  // is not a number is ignored; a large one is clamped as the site's settings are.
  const data = script.dataset;
  [data.offsetBottom, data.offsetSide].forEach((value, i) => {
    const px = parseInt(`${value}`, 10);
    if (px >= 0) box.style.setProperty(i ? '--s' : '--b', `${Math.min(px, MAX_LAUNCHER_OFFSET)}px`);
  });
  button.append(label, badge);
  box.append(button);
  root.append(box);

  let loading = false;
  const load = () => {
    if (loading) return;
    loading = true;
    const next = doc.createElement('script');
    next.src = new URL('host.js', script.src).href;
    // The page stays usable and the launcher says why nothing opens.
    next.onerror = () => {
      box.className = 'x';
      label.textContent = button.ariaLabel = 'Chat unavailable';
    };
    doc.head.append(next);
  };
  const parts: Launcher = { site, relay: new URL(script.src).origin, host, box, button, label, badge, link };
  const parley = ((...args: unknown[]) => queue.push(args)) as ParleyGlobal;
  parley.q = queue;
  parley.$ = parts;
  // `Parley.open()` queues like `Parley('open')`.
  w.Parley = new Proxy(parley, {
    get: (target, command: string) =>
      command in target ? target[command as 'q'] : (...args: unknown[]) => queue.push([command, ...args]),
  });

  button.onclick = () => {
    queue.push(['toggle']);
    load();
  };
  button.onpointerenter = button.onfocus = button.ontouchstart = load;
  if (link) load();
  else (w.requestIdleCallback ?? setTimeout)(load, { timeout: 4000 });
  (doc.body ?? doc.documentElement).append(host);
}
