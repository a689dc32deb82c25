// The conversation as the visitor sees it: messages in order, each of theirs with its delivery
// state (sending, sent, seen, or failed with a retry), and what the agent is doing.
import type { TimelineEntry } from '@parley/client';
import type { Result } from '@parley/protocol';
import type { JSX } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { format, type Strings } from './i18n';
import { lazy } from './lazy';
import { Linkified } from './linkify';

const MeetingCard = lazy(() => import('./meeting-card').then((m) => m.MeetingCard));
const ByEmail = lazy(() => import('./email-bar').then((m) => m.ByEmail));
const RedactedNote = lazy(() => import('./redacted-note').then((m) => m.RedactedNote));

export interface TranscriptProps {
  entries: readonly TimelineEntry[];
  strings: Strings;
  /** A proactive greeting or the site's welcome, shown first and never stored. */
  greeting: string;
  /** Name of whoever is typing on the agents' side, or null. */
  typing: string | null;
  onRetry(clientMsgId: string): void;
  onDiscard(clientMsgId: string): void;
  /** Asks the relay over the visitor's socket (the meeting cards' links). */
  ask(event: string, payload: unknown): Promise<Result<object>>;
}

const time = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

export function Transcript(props: TranscriptProps): JSX.Element {
  const { entries, strings, typing } = props;
  const list = useRef<HTMLOListElement>(null);
  useEffect(() => {
    const element = list.current;
    if (element) element.scrollTop = element.scrollHeight;
  }, [entries.length, typing]);

  return (
    <ol class="transcript" ref={list}>
      <li class="entry them">
        <div class="bubble">{props.greeting}</div>
      </li>
      {entries.map((entry, index) => {
        if ('type' in entry && entry.type === 'event') {
          const data = entry.data;
          if (data?.name.startsWith('meeting.'))
            return (
              <li key={entry.clientMsgId} class="entry them">
                <MeetingCard
                  data={data}
                  ask={props.ask}
                  superseded={entries
                    .slice(index + 1)
                    .some((e) => 'data' in e && e.data?.meetingId === data.meetingId)}
                />
              </li>
            );
          return (
            <li key={entry.clientMsgId} class="event">
              {entry.body}
            </li>
          );
        }
        const mine = !('author' in entry) || entry.author.kind === 'visitor';
        const previous = entries[index - 1];
        const author = 'author' in entry ? entry.author : null;
        const showName =
          !mine && author && !(previous && 'author' in previous && previous.author.id === author.id);
        return (
          <li key={entry.clientMsgId} class={`entry ${mine ? 'me' : 'them'}`}>
            {showName && <div class="author">{author.name ?? strings.someone}</div>}
            <div class="bubble">
              <Linkified text={entry.body} />
            </div>
            {'redacted' in entry && entry.redacted && <RedactedNote />}
            <div class={`status ${entry.status}`}>
              {entry.status === 'failed' ? (
                <>
                  <span role="alert">
                    {entry.error?.message ? `${strings.failed} ${entry.error.message}` : strings.failed}
                  </span>{' '}
                  <button type="button" class="link" onClick={() => props.onRetry(entry.clientMsgId)}>
                    {strings.retry}
                  </button>{' '}
                  <button type="button" class="link" onClick={() => props.onDiscard(entry.clientMsgId)}>
                    {strings.discard}
                  </button>
                </>
              ) : (
                <>
                  <time dateTime={entry.createdAt}>{time(entry.createdAt)}</time>
                  {mine && ` · ${strings[entry.status]}`}
                  {'channel' in entry && entry.channel === 'email' && <ByEmail />}
                </>
              )}
            </div>
          </li>
        );
      })}
      {typing && (
        <li class="typing" aria-hidden="true">
          {format(strings.typing, { name: typing })}
        </li>
      )}
    </ol>
  );
}
