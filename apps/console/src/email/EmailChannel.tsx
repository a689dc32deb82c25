// The conversation's reply channel, above the timeline: "Continue by email" (asking for an address
// when the visitor gave none), or, while it continues by email, where mail goes and "Back to chat".
import type { Conversation, EmailThreadView } from '@parley/protocol';
import { useEffect, useState } from 'preact/hooks';
import { problem } from '../api';
import { emailApi } from './api';
import './email.css';

export interface EmailChannelProps {
  conversation: Conversation;
  /** The email the visitor gave (pre-chat form, identity, "Email me instead"), if any. */
  visitorEmail: string | null;
  /** The conversation changed here; the workspace reloads it. */
  onChanged: (conversation: Conversation) => void;
}

export function EmailChannel({ conversation, visitorEmail, onChanged }: EmailChannelProps) {
  const [asking, setAsking] = useState(false);
  const [address, setAddress] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [thread, setThread] = useState<EmailThreadView | null>(null);
  const byEmail = conversation.channel === 'email';

  useEffect(() => {
    setAsking(false);
    setError(null);
    setNotice(null);
    setThread(null);
    if (!byEmail) return;
    let live = true;
    emailApi.thread(conversation.id).then(
      (r) => live && setThread(r.thread),
      () => {},
    );
    return () => {
      live = false;
    };
  }, [conversation.id, byEmail]);

  const run = async (work: () => Promise<{ conversation?: Conversation }>, done?: string) => {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      const result = await work();
      setAsking(false);
      if (done) setNotice(done);
      if (result.conversation) onChanged(result.conversation);
    } catch (e) {
      setError(problem(e));
    } finally {
      setBusy(false);
    }
  };

  const escalate = (to?: string) => run(() => emailApi.escalate(conversation.id, to));

  if (byEmail) {
    return (
      <div class="email-channel on" role="status">
        <span class="email-icon" aria-hidden="true">
          ✉
        </span>
        <span class="email-where">
          Continuing by email at <strong>{conversation.emailTo ?? thread?.maskedAddress}</strong>
          {thread?.failing && <span class="chip overdue">mail bounces</span>}
          <span class="muted small">Your replies go out as email; the visitor's answers land here.</span>
        </span>
        {notice && <span class="email-notice">{notice}</span>}
        {error && (
          <span class="email-error" role="alert">
            {error}
          </span>
        )}
        <button
          type="button"
          disabled={busy}
          onClick={() => void run(() => emailApi.transcript(conversation.id), 'Transcript sent')}
        >
          Email transcript
        </button>
        <button
          type="button"
          disabled={busy}
          onClick={() => void run(() => emailApi.backToChat(conversation.id))}
        >
          Back to chat
        </button>
      </div>
    );
  }

  return (
    <div class="email-channel">
      {asking ? (
        <form
          class="email-ask"
          onSubmit={(e) => {
            e.preventDefault();
            void escalate(address.trim());
          }}
        >
          <label>
            Visitor's email
            <input
              type="email"
              required
              value={address}
              placeholder="jane@example.com"
              onInput={(e) => setAddress((e.target as HTMLInputElement).value)}
            />
          </label>
          <button type="submit" class="primary" disabled={busy}>
            Continue by email
          </button>
          <button type="button" class="link" onClick={() => setAsking(false)}>
            Cancel
          </button>
        </form>
      ) : (
        <>
          <span class="muted small">
            {visitorEmail
              ? `Replying in the chat · visitor's email: ${visitorEmail}`
              : 'Replying in the chat'}
          </span>
          <button
            type="button"
            disabled={busy || conversation.status === 'resolved'}
            onClick={() => (visitorEmail ? void escalate() : setAsking(true))}
          >
            ✉ Continue by email
          </button>
        </>
      )}
      {error && (
        <span class="email-error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}
