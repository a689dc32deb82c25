// host.js: the host page's side of the widget once loader.js asks for it. It opens the chat iframe,
// keeps the launcher in step with the app (colour, text, labels, unread badge), passes the JS API
// on by postMessage to the relay's origin only, and hears only the iframe's own window.
import { type ApiCommand, BRIDGE, type FrameMessage, type HostMessage, type LauncherLook } from '../bridge';
import type { ParleyGlobal } from './launcher';

type Api = (command: string, ...args: unknown[]) => void;

const w = window as unknown as Window & { Parley?: ParleyGlobal };
const doc = document;
const parts = w.Parley?.$;
if (parts) start(parts, w.Parley?.q ?? []);

function start(
  { site, relay, host, box, button, label, badge, link }: NonNullable<ParleyGlobal['$']>,
  queued: ArrayLike<unknown>[],
): void {
  const pending: HostMessage[] = [];
  // English and the default colour (in the stylesheet) until the app, which knows the site's
  // settings and language, sends its own.
  let look = { cls: '', text: '', labels: ['Open chat', 'Close chat', 'Chat unavailable'] } as LauncherLook;
  let frame: HTMLIFrameElement | null = null;
  let ready = false;
  let failed = false;
  let open = false;
  let greeting = '';
  let failTimer = 0;
  let url = '';

  // Every event is a DOM CustomEvent on window; `Parley.on` listens to the same.
  const emit = (name: string, detail?: unknown) =>
    w.dispatchEvent(new CustomEvent(`parley:${name}`, { detail }));

  const post = (message: HostMessage) => {
    if (ready) frame?.contentWindow?.postMessage({ [BRIDGE]: message }, relay);
    else pending.push(message);
  };

  const draw = () => {
    box.className = `${look.cls}${open ? ' o' : ''}${failed ? ' x' : ''}`;
    if (look.color) host.style.setProperty('--c', look.color);
    look.offset?.map((px, i) => host.style.setProperty(i ? '--s' : '--b', `${px}px`));
    label.textContent = failed ? look.labels[2] : greeting || look.text;
    button.ariaLabel = look.labels[failed ? 2 : open ? 1 : 0];
    button.ariaExpanded = `${open}`;
    // On phones the sheet follows the visual viewport, so an open keyboard never hides the composer.
    const viewport = open && innerWidth < 480 && w.visualViewport;
    if (frame) frame.style.height = viewport ? `${viewport.height}px` : '';
  };

  // No answer from the app: remove the frame so nothing invisible covers the page, and say so.
  const fail = () => {
    failed = true;
    ready = false;
    frame?.remove();
    frame = null;
    setOpen(false);
  };

  const load = () => {
    if (frame) return;
    failed = false;
    frame = doc.createElement('iframe');
    frame.title = 'Chat';
    frame.src = `${relay}/widget/frame?site=${encodeURIComponent(site)}&origin=${encodeURIComponent(location.origin)}`;
    failTimer = setTimeout(fail, 10_000);
    box.prepend(frame);
    draw();
  };

  const setOpen = (next: boolean) => {
    if (next) load();
    if (next !== open) {
      open = next;
      greeting = '';
      post(['open', open, innerWidth < 480]);
      if (open) frame?.focus();
      emit(open ? 'open' : 'close');
    }
    draw();
  };

  // Page views, including a single-page app's route changes, join the visitor's trail.
  const page = () => {
    if (location.href === url) return;
    url = location.href;
    post(['page', url, doc.title, doc.referrer, performance.now()]);
  };
  // Pages the loader saw before this script ran go first, in the order they were viewed.
  try {
    for (const [viewed, title, referrer] of JSON.parse(sessionStorage.parleyViews || '[]') as [
      string,
      string,
      string,
    ][]) {
      if (viewed !== location.href) post(['page', viewed, title, referrer, 0]);
    }
  } catch {}
  setInterval(page, 1000);

  w.addEventListener('message', (event) => {
    const data = (event.data as { [BRIDGE]?: FrameMessage } | null)?.[BRIDGE];
    if (event.origin !== relay || !frame || event.source !== frame.contentWindow || !Array.isArray(data))
      return;
    const [type, value] = data;
    if (type === 'ready' || type === 'look') look = value;
    if (type === 'ready') {
      clearTimeout(failTimer);
      ready = true;
      for (const message of pending.splice(0)) post(message);
      // Until the app says it holds them, a page left early hands its views to the next one.
      post(['views']);
      emit(type);
    } else if (type === 'close') setOpen(false);
    else if (type === 'kept') {
      try {
        sessionStorage.removeItem('parleyViews');
      } catch {}
    } else if (type === 'unread') {
      badge.textContent = value ? `${value}` : '';
      emit(type, { count: value });
    } else if (type === 'greet') greeting = open ? '' : value;
    else if (type !== 'look') emit(type, value);
    draw();
  });
  w.visualViewport?.addEventListener('resize', draw);

  const api: Api = (command, arg, fn) => {
    if (command === 'on')
      w.addEventListener(`parley:${arg}`, (event) => (fn as Api)((event as CustomEvent).detail));
    else if (command === 'open' || command === 'close') setOpen(command === 'open');
    else if (command === 'toggle') setOpen(!open);
    else if (['identify', 'setAttributes', 'showMessage', 'setLanguage'].includes(command)) {
      post(['api', command as ApiCommand, arg]);
      if (command === 'showMessage') setOpen(true);
    }
  };
  button.onclick = () => setOpen(!open);
  button.onpointerenter = button.onfocus = button.ontouchstart = null;

  // `Parley('open')` and `Parley.open()` both work: any property is the command of that name.
  w.Parley = new Proxy(api, {
    get: (_, command: string) => (command === '$' ? parts : (...args: unknown[]) => api(command, ...args)),
  });

  // A "continue in the browser" link from an email, which the loader already took out of the
  // address bar: the app takes the token over.
  if (link) post(['continue', link]);
  page();
  load();
  for (const args of Array.from(queued)) api(...(Array.from(args as ArrayLike<unknown>) as [string]));
  if (link) setOpen(true);
}
