// The chat panel: header (site, agent, availability), then whichever body fits the moment:
// the offline form, the pre-chat form, or the transcript with a composer or the rating.
import type { TimelineEntry } from '@parley/client';
import type { Availability, VisitorConversation, VisitorProfilePayload, WidgetSite } from '@parley/protocol';
import type { JSX } from 'preact';
import { Composer } from './composer';
import type { Ask } from './email-bar';
import { format, type Strings } from './i18n';
import { lazy } from './lazy';
import { Transcript } from './transcript';

const PreChat = lazy(() => import('./pre-chat').then((m) => m.PreChat));
const OfflineForm = lazy(() => import('./offline-form').then((m) => m.OfflineForm));
const Rating = lazy(() => import('./rating').then((m) => m.Rating));
const AwayNotice = lazy(() => import('./away-notice').then((m) => m.AwayNotice));
const EmailBar = lazy(() => import('./email-bar').then((m) => m.EmailBar));

export interface WidgetActions {
  close(): void;
  send(text: string): void;
  typing(typing: boolean): void;
  retry(clientMsgId: string): void;
  discard(clientMsgId: string): void;
  /** Each answers an error message to show, or null on success. */
  submitProfile(profile: VisitorProfilePayload): Promise<string | null>;
  submitOffline(form: { name?: string; email: string; body: string }): Promise<string | null>;
  giveEmail(email: string): Promise<string | null>;
  rate(score: number, comment?: string): Promise<string | null>;
  newConversation(): void;
  download(): void;
  /** Asks the relay over the visitor's socket (the email chunk's events). */
  ask: Ask;
}

export interface WidgetProps {
  site: WidgetSite;
  strings: Strings;
  conversation: VisitorConversation | null;
  entries: readonly TimelineEntry[];
  availability: Availability | null;
  agent: string | null;
  typing: string | null;
  greeting: string | null;
  /** The newest message from an agent, announced to screen readers. */
  announcement: string;
  prefill: string;
  focusKey: number;
  profileDone: boolean;
  emailGiven: string | null;
  offlineSent: boolean;
  actions: WidgetActions;
}

const initials = (name: string) =>
  name
    .split(/\s+/)
    .map((part) => part.match(/\p{L}|\p{N}/u)?.[0] ?? '')
    .join('')
    .slice(0, 2)
    .toUpperCase();

function replyTime(strings: Strings, minutes: number): string {
  return minutes < 120
    ? format(strings.minutes, { n: minutes })
    : format(strings.hours, { n: Math.round(minutes / 60) });
}

export function Widget(props: WidgetProps): JSX.Element {
  const { site, strings, availability, entries, actions, conversation } = props;
  const { settings } = site;
  const away = availability !== null && !availability.available;
  const started = entries.length > 0;
  const expected = replyTime(strings, settings.offline.expectedReplyMinutes);

  let body: JSX.Element;
  if (props.offlineSent && !started) {
    body = <p class="notice">{strings.offlineSent}</p>;
  } else if (away && settings.offline.behaviour === 'form' && !started && !props.offlineSent) {
    body = <OfflineForm strings={strings} onSubmit={actions.submitOffline} />;
  } else if (settings.preChat.enabled && !props.profileDone && !started) {
    body = <PreChat preChat={settings.preChat} strings={strings} onSubmit={actions.submitProfile} />;
  } else {
    body = (
      <>
        <Transcript
          entries={entries}
          strings={strings}
          greeting={props.greeting ?? strings.greeting}
          typing={props.typing}
          onRetry={actions.retry}
          onDiscard={actions.discard}
          ask={actions.ask}
        />
        {props.offlineSent && <p class="notice">{strings.offlineSent}</p>}
        {away && settings.offline.behaviour === 'chat' && (
          <AwayNotice
            strings={strings}
            expected={expected}
            emailGiven={props.emailGiven}
            onEmail={actions.giveEmail}
          />
        )}
        {conversation?.status === 'resolved' ? (
          <Rating
            strings={strings}
            rating={conversation.rating ?? null}
            onRate={actions.rate}
            onNewConversation={actions.newConversation}
          />
        ) : (
          <Composer
            strings={strings}
            prefill={props.prefill}
            focusKey={props.focusKey}
            onSend={actions.send}
            onTyping={actions.typing}
          />
        )}
      </>
    );
  }

  return (
    <div class="panel">
      <header class="header">
        {settings.theme.logoUrl ? (
          <img class="avatar" src={settings.theme.logoUrl} alt="" />
        ) : (
          <span class="avatar" aria-hidden="true">
            {initials(props.agent ?? site.name)}
          </span>
        )}
        <div class="who">
          <h1>{props.agent ? `${props.agent} · ${site.name}` : site.name}</h1>
          <p class={`presence ${away ? 'away' : 'online'}`}>
            {availability === null ? '\u00a0' : away ? strings.away : strings.online}
          </p>
        </div>
        {started && (
          <button
            type="button"
            class="icon"
            aria-label={strings.download}
            title={strings.download}
            onClick={actions.download}
          >
            <span aria-hidden="true">⤓</span>
          </button>
        )}
        <button
          type="button"
          class="icon"
          aria-label={strings.close}
          title={strings.close}
          onClick={actions.close}
        >
          <span aria-hidden="true">✕</span>
        </button>
      </header>
      {conversation && <EmailBar conversation={conversation} ask={actions.ask} />}
      {body}
      <div class="sr" aria-live="polite">
        {props.announcement}
      </div>
    </div>
  );
}
