// A printable transcript: the whole timeline on paper-friendly styles, then the print dialog.
import type { ConversationDetails, Message } from '@parley/protocol';
import { useEffect, useState } from 'preact/hooks';
import { api, problem } from '../api';
import { dateTime } from '../format';
import './Print.css';

export function Print({ conversationId }: { conversationId: string }) {
  const [details, setDetails] = useState<ConversationDetails | null>(null);
  const [messages, setMessages] = useState<Message[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    Promise.all([
      api.conversation(conversationId),
      fetch(api.exportUrl(conversationId, 'json'), { credentials: 'same-origin' }).then((r) => r.json()),
    ])
      .then(([d, exported]) => {
        setDetails(d);
        setMessages(
          (exported as { conversations: { messages: Message[] }[] }).conversations[0]?.messages ?? [],
        );
        setTimeout(() => print(), 300);
      })
      .catch((e) => setError(problem(e, 'This transcript could not be loaded')));
  }, [conversationId]);
  if (error) return <p class="form-error">{error}</p>;
  if (!details) return <p class="muted">Preparing the transcript…</p>;
  return (
    <article class="print">
      <h1>Conversation with {details.visitor.name}</h1>
      <p class="muted">
        {details.site.name} · started {dateTime(details.conversation.createdAt)} ·{' '}
        {details.conversation.status}
      </p>
      <table>
        <tbody>
          {messages.map((m) => (
            <tr key={m.id} class={m.type}>
              <td class="when">{dateTime(m.createdAt)}</td>
              <td class="who">
                {m.author.kind === 'visitor' ? details.visitor.name : (m.author.name ?? m.author.kind)}
              </td>
              <td>
                {m.type === 'note' ? '[note] ' : m.type === 'event' ? '— ' : ''}
                {m.body}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </article>
  );
}
