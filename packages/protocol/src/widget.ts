// Events and types only the widget (visitor side) uses, beyond the shared timeline events:
// a site's widget settings, what the widget tells the relay about its visitor, and ratings.

import type { VisitorConversation } from './domain';
import type { Ack } from './events';

export const WIDGET_LANGUAGES = ['en', 'ro', 'pl'] as const;
export type WidgetLanguage = (typeof WIDGET_LANGUAGES)[number];

/** One field of the pre-chat form. `name` and `email` keys fill the visitor's profile. */
export interface PreChatField {
  key: string;
  label: string;
  type: 'text' | 'email' | 'tel';
  required: boolean;
}

/** A weekly opening interval in the site's time zone; `day` 0 is Sunday, times are "HH:MM". */
export interface BusinessHoursInterval {
  day: number;
  from: string;
  to: string;
}

/** A greeting the widget shows by itself: after `delaySec` on a page, on pages whose URL matches. */
export interface ProactiveMessage {
  id: string;
  text: string;
  delaySec: number;
  /** `*` matches anything, e.g. "/products/*"; matched against the path (or the whole URL if it has a scheme). null: every page. */
  urlPattern: string | null;
}

/** How a site's widget looks and behaves. Every field has a default, so `{}` is a valid stored value. */
export interface SiteSettings {
  theme: {
    /** "#rrggbb" */
    color: string;
    position: 'left' | 'right';
    /**
     * The launcher's distance in px from the bottom of the window and from its side, e.g. to
     * clear a cookie banner or a sticky cart bar. A page can set its own with the script tag's
     * `data-offset-bottom` and `data-offset-side`.
     */
    offset: { bottom: number; side: number };
    launcherText: string;
    /** https URL of a square logo, shown in the panel header. */
    logoUrl: string | null;
  };
  /** `auto`: the visitor's browser language. */
  language: 'auto' | WidgetLanguage;
  preChat: {
    enabled: boolean;
    fields: PreChatField[];
    /** When set, the visitor must tick a box with this text before chatting. */
    consentText: string | null;
    privacyUrl: string | null;
  };
  businessHours: {
    /** false: always open. */
    enabled: boolean;
    /** IANA time zone, e.g. "Europe/Bucharest". */
    timeZone: string;
    intervals: BusinessHoursInterval[];
  };
  /** What the visitor sees when nobody is available. */
  offline: {
    behaviour: 'hide' | 'form' | 'chat';
    /** Shown as the expected reply time when behaviour is `chat`. */
    expectedReplyMinutes: number;
  };
  proactive: ProactiveMessage[];
}

/** Whether someone can answer now. `available` is what the widget acts on. */
export interface Availability {
  available: boolean;
  withinHours: boolean;
  agentsOnline: boolean;
}

/** What the widget page is handed about its site; public, no secrets. */
export interface WidgetSite {
  name: string;
  settings: SiteSettings;
}

/** Where the visitor is and what browser they use; sent on connect and on every page change. */
export interface VisitorContextPayload {
  /** The widget's id for this page view, so a view it sends again is recorded once. */
  viewId?: string;
  url: string;
  title?: string;
  referrer?: string;
  language?: string;
  timeZone?: string;
  screen?: { width: number; height: number };
}

/** Values a site passes with `Parley('setAttributes', {...})`, shown to agents. */
export type VisitorAttributes = Record<string, string | number | boolean | null>;

export interface VisitorAttributesPayload {
  attributes: VisitorAttributes;
}

/** The pre-chat form as submitted: `fields` by PreChatField key. */
export interface VisitorProfilePayload {
  name?: string;
  email?: string;
  fields?: Record<string, string>;
  consent?: boolean;
}

/** The offline contact form: becomes a conversation with the message as its first entry. */
export interface OfflineMessagePayload {
  startKey: string;
  clientMsgId: string;
  name?: string;
  email: string;
  body: string;
}

export interface ConversationRating {
  /** 1 (bad) to 5 (great); the widget offers 1, 3 and 5 as three faces. */
  score: number;
  comment: string | null;
  ratedAt: string;
}

export interface RatePayload {
  conversationId: string;
  score: number;
  comment?: string;
}

/** Visitor → relay events the widget adds. Merged into VisitorClientToServerEvents. */
export type WidgetClientToServerEvents = {
  'visitor:context': (payload: VisitorContextPayload, ack: Ack) => void;
  'visitor:attributes': (payload: VisitorAttributesPayload, ack: Ack) => void;
  'visitor:profile': (payload: VisitorProfilePayload, ack: Ack) => void;
  /** The address a visitor leaves while nobody is online, so the reply can reach them. */
  'visitor:email': (payload: { email: string }, ack: Ack) => void;
  availability: (payload: Record<string, never>, ack: Ack<{ availability: Availability }>) => void;
  'offline:submit': (payload: OfflineMessagePayload, ack: Ack<{ conversation: VisitorConversation }>) => void;
  'conversation:rate': (payload: RatePayload, ack: Ack<{ conversation: VisitorConversation }>) => void;
};
