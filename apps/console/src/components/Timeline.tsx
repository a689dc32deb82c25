// One conversation's timeline: the visitor's and agents' messages, private notes, and events
// (assigned, transferred, tagged, resolved...), in seq order, with each reply's delivery state.
import type { TimelineEntry } from '@parley/client';
import type { Message } from '@parley/protocol';
import { useEffect, useRef } from 'preact/hooks';
import { ViewOriginal } from '../email/ViewOriginal';
import { clock } from '../format';
import { MeetingEvent } from '../meetings/MeetingEvent';
import './Timeline.css';

export interface TimelineProps {
  entries: TimelineEntry[];
  visitorName: string;
  /** Who is typing on the visitor's side, if anyone. */
  typing: boolean;
  /** Agents' names, so `@Name` mentions in notes stand out. */
  agentNames: string[];
  onRetry: (clientMsgId: string) => void;
}

const STATUS_TEXT = { sending: 'Sending…', sent: 'Sent', seen: 'Seen', failed: 'Not sent' } as const;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Notes show `@Name` mentions of known agents highlighted. */
function withMentions(body: string, names: string[]) {
  if (names.length === 0) return body;
  const pattern = new RegExp(`(@(?:${names.map(escapeRegExp).join('|')}))`, 'giu');
  return body.split(pattern).map((part, i) =>
    i % 2 === 1 ? (
      <mark key={`${i}-${part}`} class="mention">
        {part}
      </mark>
    ) : (
      part
    ),
  );
}

function EventLine({ message }: { message: Message }) {
  const name = message.data?.name;
  if (name === 'transferred' && typeof message.data?.note === 'string') {
    return (
      <li class="timeline-event transfer" data-seq={message.seq}>
        <div class="event-title">{message.body.split(':')[0]}</div>
        <blockquote class="transfer-note">{message.data.note}</blockquote>
        <time>{clock(message.createdAt)}</time>
      </li>
    );
  }
  return (
    <li class={`timeline-event event-${name ?? 'other'}`} data-seq={message.seq}>
      <span>{message.body}</span> <time>{clock(message.createdAt)}</time>
    </li>
  );
}

export function Timeline({ entries, visitorName, typing, agentNames, onRetry }: TimelineProps) {
  const end = useRef<HTMLLIElement>(null);
  const count = entries.length;
  useEffect(() => {
    end.current?.scrollIntoView?.({ block: 'end' });
  }, [count, typing]);

  // Only the agents' latest stored reply carries its delivery state, like every chat app.
  const lastAgentReply = entries.findLastIndex(
    (e) => 'seq' in e && e.author.kind === 'agent' && e.type === 'message',
  );

  return (
    <ol class="timeline" aria-label="Timeline">
      {entries.map((entry, index) => {
        if (!('seq' in entry)) {
          return (
            <li key={entry.clientMsgId} class={`bubble-row agent ${entry.status}`}>
              <div class="bubble agent">{entry.body}</div>
              <div class="bubble-meta">
                {STATUS_TEXT[entry.status]}
                {entry.status === 'failed' && (
                  <>
                    {entry.error ? ` · ${entry.error.message} · ` : ' · '}
                    <button type="button" class="link" onClick={() => onRetry(entry.clientMsgId)}>
                      Retry
                    </button>
                  </>
                )}
              </div>
            </li>
          );
        }
        if (entry.type === 'event' && entry.data?.name.startsWith('meeting.')) {
          const meetingId = entry.data.meetingId;
          const superseded = entries
            .slice(index + 1)
            .some((e) => 'seq' in e && e.data?.meetingId === meetingId);
          return <MeetingEvent key={entry.id} message={entry} superseded={superseded} />;
        }
        if (entry.type === 'event' || entry.author.kind === 'system')
          return <EventLine key={entry.id} message={entry} />;
        if (entry.type === 'note') {
          return (
            <li key={entry.id} class="note" data-seq={entry.seq}>
              <div class="note-head">
                <strong>{entry.author.name ?? 'Agent'}</strong> · private note{' '}
                <time>{clock(entry.createdAt)}</time>
              </div>
              <div class="note-body">{withMentions(entry.body, agentNames)}</div>
            </li>
          );
        }
        const side = entry.author.kind === 'visitor' ? 'visitor' : 'agent';
        return (
          <li key={entry.id} class={`bubble-row ${side}`} data-seq={entry.seq}>
            <div class="bubble-author">
              {side === 'visitor' ? visitorName : (entry.author.name ?? 'Agent')}
              {entry.channel === 'email' && <span class="chip">email</span>}
              <time>{clock(entry.createdAt)}</time>
              {typeof entry.data?.emailId === 'string' && <ViewOriginal emailId={entry.data.emailId} />}
            </div>
            <div class={`bubble ${side}`}>{entry.body}</div>
            {side === 'agent' && index === lastAgentReply && (
              <div class="bubble-meta">{STATUS_TEXT[entry.status]}</div>
            )}
          </li>
        );
      })}
      {typing && (
        <li class="typing" aria-live="polite">
          {visitorName} is typing
          <span class="dots" />
        </li>
      )}
      <li ref={end} class="timeline-end" aria-hidden="true" />
    </ol>
  );
}
