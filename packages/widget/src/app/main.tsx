// The iframe app's entry: reads what the relay put in the page, connects the visitor, talks to
// host.js on the host page, and renders the panel. The visitor's token lives only in this
// frame's storage (the relay's origin), never on the host page.
import {
  connectVisitor,
  type KeyValueStore,
  memoryStore,
  newClientId,
  type VisitorChatClient,
} from '@parley/client';
import type {
  AckedEvent,
  Availability,
  EventPayload,
  Result,
  VisitorAttributes,
  VisitorClientToServerEvents,
  WidgetLanguage,
  WidgetSite,
} from '@parley/protocol';
import { render } from 'preact';
import type { Identity, LauncherLook, PageInfo } from '../bridge';
import { agentName, currentConversation, matchesPage, unreadCount } from './conversation';
import { connectHost } from './host';
import { direction, en, format, loadStrings, pickLanguage, type Strings } from './i18n';
import { Widget, type WidgetActions } from './widget';
import './styles.css';

interface Boot {
  siteKey: string;
  hostOrigin: string;
  site: WidgetSite;
}

const boot = JSON.parse(document.getElementById('parley-boot')?.textContent ?? '{}') as Boot;
const { site, siteKey } = boot;
const prefix = `parley:${siteKey}`;
const store = storage();

/** localStorage when the browser allows it in a third-party frame; memory (this page only) when not. */
function storage(): KeyValueStore {
  try {
    const probe = `${prefix}:probe`;
    localStorage.setItem(probe, '1');
    localStorage.removeItem(probe);
    return localStorage;
  } catch {
    return memoryStore();
  }
}

const state = {
  open: false,
  language: 'en' as WidgetLanguage,
  apiLanguage: null as string | null,
  strings: en as Strings,
  availability: null as Availability | null,
  typing: null as string | null,
  greeting: null as string | null,
  announcement: '',
  prefill: '',
  focusKey: 0,
  offlineSent: false,
  page: null as PageInfo | null,
  /** A history entry was pushed for the phone sheet. */
  sheet: false,
  attributes: null as VisitorAttributes | null,
  identity: null as Identity | null,
  unread: -1,
  look: '',
};

/** Counts the relay's availability pushes: an answer asked for before the latest push is older than it. */
let availabilityPushes = 0;

let client: VisitorChatClient = connect();
let typingTimer = 0;
let proactiveTimer = 0;

const host = connectHost(boot.hostOrigin, (message) => {
  if (message[0] === 'page') {
    const [, url, title, referrer, since] = message;
    state.page = { url: String(url), title: String(title), referrer: String(referrer) };
    emitPage(state.page);
    scheduleProactive(state.page, Number(since) || 0);
  } else if (message[0] === 'views') {
    // The views before this one are stored (emitPage): the host page may forget them.
    host.send(['kept']);
  } else if (message[0] === 'open') {
    setOpen(message[1] === true, message[2] === true);
  } else if (message[0] === 'api') {
    runApi(message[1], message[2]);
  } else if (message[0] === 'continue') {
    void import('./continue-link').then(async (m) => {
      const outcome = await m.continueByLink(String(message[1]), client, store, `${prefix}:token`);
      if (outcome === 'switched') reconnect();
      else if (outcome !== 'same') state.greeting = outcome;
      update();
    });
  }
  update();
});

function setOpen(open: boolean, phone: boolean): void {
  if (open === state.open) return;
  state.open = open;
  if (open) {
    state.focusKey++;
    void askAvailability();
    // On a phone the panel is a full-screen sheet: the back button should close it, so it gets
    // a history entry of its own (an iframe's entries join the page's session history).
    if (phone) {
      history.pushState({ parleySheet: true }, '');
      state.sheet = true;
    }
  } else if (state.sheet) {
    state.sheet = false;
    history.back();
  }
}

window.addEventListener('popstate', () => {
  if (!state.sheet) return;
  state.sheet = false;
  host.send(['close']);
});

/** The JS API calls host.js passes on; their arguments come from the site's page, so each is checked. */
function runApi(command: string, arg: unknown): void {
  if (command === 'identify' && typeof arg === 'object' && arg !== null) identify(arg as Identity);
  else if (command === 'setAttributes' && typeof arg === 'object' && arg !== null) {
    // The page's object goes as it came: the relay checks every value.
    state.attributes = arg as VisitorAttributes;
    client.socket.emit('visitor:attributes', { attributes: arg as VisitorAttributes }, () => {});
  } else if (command === 'showMessage' && typeof arg === 'string') state.prefill = arg.slice(0, 4000);
  else if (command === 'setLanguage' && typeof arg === 'string') {
    state.apiLanguage = arg;
    void applyLanguage();
  }
}

function connect(identity?: {
  userId: string;
  hash: string;
  name?: string;
  email?: string;
}): VisitorChatClient {
  const next = connectVisitor({
    url: location.origin,
    siteKey,
    store,
    storageKey: prefix,
    ...(identity ? { identity } : {}),
  });
  next.on('change', update);
  // An identity the relay cannot verify is not worth a dead chat: carry on as an anonymous visitor.
  if (identity) {
    next.on('refused', (refusal) => {
      if (refusal.code !== 'unauthorized' || client !== next) return;
      state.identity = null;
      reconnect();
    });
  }
  next.socket.on('connect', () => void askAvailability());
  next.socket.on('availability', (availability) => {
    availabilityPushes++;
    setAvailability(availability);
    update();
  });
  // Live pushes only (replays arrive through sync acks): what the host page hears as `message`.
  next.socket.on('message', (message) => {
    if (message.type !== 'message' || message.visibility !== 'all') return;
    host.send([
      'message',
      {
        conversationId: message.conversationId,
        body: message.body,
        author: { kind: message.author.kind, ...(message.author.name ? { name: message.author.name } : {}) },
        createdAt: message.createdAt,
      },
    ]);
    if (message.author.kind === 'agent') {
      state.typing = null;
      state.announcement = `${format(state.strings.newMessage, { name: message.author.name ?? state.strings.someone })}: ${message.body}`;
    }
  });
  next.on('conversation', (conversation) =>
    host.send(['conversation', { id: conversation.id, status: conversation.status }]),
  );
  next.on('typing', (event) => {
    if (event.author.kind !== 'agent') return;
    clearTimeout(typingTimer);
    state.typing = event.typing ? (event.author.name ?? state.strings.someone) : null;
    // Typing hints are volatile: one lost "stopped" must not leave the dots forever.
    if (event.typing) {
      typingTimer = window.setTimeout(() => {
        state.typing = null;
        update();
      }, 6000);
    }
    update();
  });
  return next;
}

/** A new connection (another identity, or none): it hears where the visitor is and what the site said. */
function reconnect(identity?: Parameters<typeof connect>[0]): void {
  client.close();
  client = connect(identity);
  if (state.page) emitPage(state.page);
  if (state.attributes) client.socket.emit('visitor:attributes', { attributes: state.attributes }, () => {});
  update();
}

function identify(identity: Identity): void {
  const { id, hash, name, email } = identity;
  if (typeof id === 'string' && typeof hash === 'string') {
    const current = state.identity;
    if (current?.id === id && current.hash === hash) return;
    state.identity = identity;
    reconnect({
      userId: id,
      hash,
      ...(typeof name === 'string' ? { name } : {}),
      ...(typeof email === 'string' ? { email } : {}),
    });
  } else if (typeof name === 'string' || typeof email === 'string') {
    client.socket.emit(
      'visitor:profile',
      { ...(typeof name === 'string' ? { name } : {}), ...(typeof email === 'string' ? { email } : {}) },
      () => {},
    );
  }
}

type PageContext = { viewId?: string; url: string; title: string; referrer: string };
const pagesKey = `${prefix}:pages`;

/** Page views not yet acked by the relay, kept in the frame's storage across the host's page loads. */
function unsentPages(): PageContext[] {
  try {
    return JSON.parse(store.getItem(pagesKey) ?? '[]');
  } catch {
    return [];
  }
}

/**
 * Where the visitor is (from the host page) and what their browser is (the same here in the
 * frame). Like a message in the outbox, a view stays stored until the relay acks it, so a page
 * the visitor leaves a moment after the chat loaded still joins the trail on the next page.
 */
function emitPage(page: PageInfo): void {
  const view = {
    viewId: newClientId(),
    url: page.url,
    title: page.title.slice(0, 300),
    referrer: page.referrer,
  };
  store.setItem(pagesKey, JSON.stringify([...unsentPages(), view].slice(-20)));
  sendPage(view);
}

function sendPage(view: PageContext): void {
  client.socket.emit(
    'visitor:context',
    {
      ...view,
      language: navigator.language,
      timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
      screen: { width: screen.width, height: screen.height },
    },
    (result) => {
      if (!result.ok) return;
      const unsent = unsentPages();
      const at = unsent.findIndex((v) =>
        view.viewId ? v.viewId === view.viewId : v.url === view.url && v.title === view.title,
      );
      if (at >= 0) unsent.splice(at, 1);
      store.setItem(pagesKey, JSON.stringify(unsent));
    },
  );
}

// Views an earlier page of this site could not deliver go first.
for (const view of unsentPages()) sendPage(view);

/** The current client's request (it is replaced on reconnect), with the widget's patience. */
const ask = <E extends AckedEvent<VisitorClientToServerEvents>>(
  event: E,
  payload: EventPayload<VisitorClientToServerEvents, E>,
) => client.request(event, payload, 10_000);

/** Keeps what the relay says of availability, and tells the host page when it changed. */
function setAvailability(availability: Availability): void {
  const before = state.availability;
  state.availability = availability;
  if (
    before?.available !== availability.available ||
    before.withinHours !== availability.withinHours ||
    before.agentsOnline !== availability.agentsOnline
  )
    host.send(['availability', availability]);
}

async function askAvailability(): Promise<void> {
  const pushesBefore = availabilityPushes;
  const result = await ask('availability', {});
  if (result.ok && availabilityPushes === pushesBefore) {
    setAvailability(result.availability);
    update();
  }
}

function scheduleProactive(page: PageInfo, since: number): void {
  clearTimeout(proactiveTimer);
  const message = site.settings.proactive.find((m) => matchesPage(m.urlPattern, page.url));
  if (!message) return;
  const shownKey = `${prefix}:greeted:${message.id}`;
  if (sessionStorageGet(shownKey)) return;
  proactiveTimer = window.setTimeout(
    () => {
      if (state.open || client.timeline(currentConversation(client, freshSince())?.id ?? null).length > 0)
        return;
      sessionStorageSet(shownKey);
      state.greeting = message.text;
      host.send(['greet', message.text]);
      update();
    },
    Math.max(0, message.delaySec * 1000 - since),
  );
}

function sessionStorageGet(key: string): boolean {
  try {
    return sessionStorage.getItem(key) !== null;
  } catch {
    return false;
  }
}
function sessionStorageSet(key: string): void {
  try {
    sessionStorage.setItem(key, '1');
  } catch {
    // Blocked storage: the greeting may show again on the next page, which is harmless.
  }
}

const freshSince = () => store.getItem(`${prefix}:fresh`);
const startKeyName = `${prefix}:start`;

const failed = (result: Result) => (result.ok ? null : result.message);

const actions: WidgetActions = {
  close: () => host.send(['close']),
  send(text) {
    state.prefill = '';
    const conversation = currentConversation(client, freshSince());
    if (conversation) {
      client.send(conversation.id, text);
      return;
    }
    // A new conversation: one start key for every message sent before it exists.
    let startKey = store.getItem(startKeyName);
    if (!startKey || !client.pending().some((item) => item.startKey === startKey)) {
      startKey = newClientId();
      store.setItem(startKeyName, startKey);
    }
    client.send({ startKey }, text);
  },
  typing(typing) {
    const conversation = currentConversation(client, freshSince());
    if (conversation) client.setTyping(conversation.id, typing);
  },
  retry: (id) => client.retry(id),
  ask,
  discard: (id) => client.discard(id),
  async submitProfile(profile) {
    const problem = failed(await ask('visitor:profile', profile));
    if (!problem) store.setItem(`${prefix}:profile`, '1');
    update();
    return problem;
  },
  async submitOffline(form) {
    const result = await ask('offline:submit', {
      ...form,
      startKey: newClientId(),
      clientMsgId: newClientId(),
    });
    if (result.ok) state.offlineSent = true;
    update();
    return failed(result);
  },
  async giveEmail(email) {
    const problem = failed(await ask('visitor:email', { email }));
    if (!problem) store.setItem(`${prefix}:email`, email);
    update();
    return problem;
  },
  async rate(score, comment) {
    const conversation = currentConversation(client, freshSince());
    if (!conversation) return null;
    const result = await ask('conversation:rate', {
      conversationId: conversation.id,
      score,
      ...(comment ? { comment } : {}),
    });
    return failed(result);
  },
  newConversation() {
    const conversation = currentConversation(client, freshSince());
    if (conversation) store.setItem(`${prefix}:fresh`, conversation.createdAt);
    state.offlineSent = false;
    state.greeting = null;
    state.focusKey++;
    update();
  },
  download() {
    const conversation = currentConversation(client, freshSince());
    if (conversation) {
      void import('./transcript-file').then((m) =>
        m.downloadTranscript(site.name, state.strings, client.timeline(conversation.id)),
      );
    }
  },
};

async function applyLanguage(): Promise<void> {
  state.language = pickLanguage(site.settings.language, state.apiLanguage, navigator.language);
  state.strings = await loadStrings(state.language);
  document.documentElement.lang = state.language;
  document.documentElement.dir = direction(state.language);
  update();
}

function update(): void {
  const conversation = currentConversation(client, freshSince());
  const startKey = store.getItem(startKeyName) ?? undefined;
  const entries = client.timeline(conversation?.id ?? null, conversation ? undefined : startKey);
  const visible = state.open && document.visibilityState !== 'hidden';
  if (visible && conversation && client.lastSeq(conversation.id) > conversation.visitorSeenSeq) {
    void client.markSeen(conversation.id);
  }
  const unread = visible ? 0 : unreadCount(client, conversation);
  if (unread !== state.unread) {
    state.unread = unread;
    host.send(['unread', unread]);
  }
  const look = launcherLook(conversation ? conversation.status !== 'resolved' : entries.length > 0);
  const lookKey = JSON.stringify(look);
  if (lookKey !== state.look) {
    state.look = lookKey;
    host.send(['look', look]);
  }

  render(
    <Widget
      site={site}
      strings={state.strings}
      conversation={conversation}
      entries={entries}
      availability={state.availability}
      agent={agentName(client, conversation)}
      typing={state.typing}
      greeting={state.greeting}
      announcement={state.announcement}
      prefill={state.prefill}
      focusKey={state.focusKey}
      profileDone={store.getItem(`${prefix}:profile`) !== null}
      emailGiven={store.getItem(`${prefix}:email`)}
      offlineSent={state.offlineSent}
      actions={actions}
    />,
    document.body,
  );
}

function launcherLook(ongoing: boolean): LauncherLook {
  const { theme, offline } = site.settings;
  const { strings, availability } = state;
  const hidden = !ongoing && offline.behaviour === 'hide' && availability !== null && !availability.available;
  return {
    color: theme.color,
    cls: `${theme.position === 'left' ? 'L' : ''}${hidden ? ' h' : ''}`,
    offset: [theme.offset.bottom, theme.offset.side],
    text: theme.launcherText,
    labels: [strings.openChat, strings.closeChat, strings.unavailable],
  };
}

document.addEventListener('visibilitychange', update);
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && state.open) host.send(['close']);
});
document.documentElement.style.setProperty('--c', site.settings.theme.color);
await applyLanguage();
host.send(['ready', launcherLook(false)]);
state.look = JSON.stringify(launcherLook(false));
