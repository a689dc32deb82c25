// The messages host.js (on the host page) and the app (in the iframe) exchange. Both sides
// post with an explicit target origin and check `event.origin` and `event.source`; nothing here
// ever carries the visitor's token.

import type { Availability } from '@parley/protocol';

/** Where the visitor is on the host page; the app adds what its own window knows (language, screen). */
export interface PageInfo {
  url: string;
  title: string;
  referrer: string;
}

/** `identify` as a site calls it: `id` + `hash` verify a signed-in user; name/email alone are a profile. */
export interface Identity {
  id?: string;
  hash?: string;
  name?: string;
  email?: string;
}

/** How host.js draws the launcher; the app sends it once it knows the site's settings. */
export interface LauncherLook {
  color: string;
  /** Classes for the launcher's box: `L` on the left, `h` hidden (nobody available, the site hides it). */
  cls: string;
  /** The launcher's distance from the window's bottom and side, in px (the site's settings). */
  offset?: [bottom: number, side: number];
  text: string;
  /** The launcher's accessible names in the widget's language: open chat, close chat, chat unavailable. */
  labels: [string, string, string];
}

/** JS API calls host.js passes on as they are; the app checks their arguments. */
export type ApiCommand = 'identify' | 'setAttributes' | 'showMessage' | 'setLanguage';

/**
 * host.js → app, as short tuples (the host page's scripts count their bytes): a page view (URL,
 * title, referrer, ms since the page loaded), the panel opened or closed (and whether on a phone),
 * a JS API call, the token of a "continue in the browser" link the page was opened with, or
 * "the views this page stashed are all sent" (answered with `kept`).
 */
export type HostMessage =
  | [type: 'page', url: string, title: string, referrer: string, since: number]
  | [type: 'views']
  | [type: 'open', open: boolean, phone: boolean]
  | [type: 'api', command: ApiCommand, arg: unknown]
  | [type: 'continue', token: string];

/** What the host page's `Parley.on('message', fn)` receives. */
export interface MessageDetail {
  conversationId: string;
  body: string;
  author: { kind: string; name?: string };
  createdAt: string;
}

/** App → host.js, as tuples too. */
export type FrameMessage =
  | [type: 'ready', look: LauncherLook]
  /** The page views sent before `views` are in the app's own storage: the host may drop its stash. */
  | [type: 'kept']
  | [type: 'look', look: LauncherLook]
  | [type: 'close']
  | [type: 'unread', count: number]
  | [type: 'greet', text: string]
  | [type: 'message', detail: MessageDetail]
  | [type: 'conversation', detail: { id: string; status: string }]
  /** Whether anyone can answer now; again each time that changes. */
  | [type: 'availability', detail: Availability];

/** Every bridge message travels as `{ parley: tuple }`, so unrelated postMessage traffic is ignored. */
export const BRIDGE = 'parley';
