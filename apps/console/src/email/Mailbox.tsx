// The development Mailbox: the email the relay sent for the agent's sites, caught by its built-in
// SMTP server, with "Reply as visitor" so a whole escalation can be tried with no real mailbox.
import type { MailboxEntry } from '@parley/protocol';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError, problem } from '../api';
import { dateTime } from '../format';
import { emailApi } from './api';

/** How often the open Mailbox looks for new mail. */
const REFRESH_MS = 3000;

export function Mailbox() {
  const [emails, setEmails] = useState<MailboxEntry[] | null>(null);
  const [off, setOff] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [selectedId, setSelectedId] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setEmails((await emailApi.mailbox()).emails);
      setError(null);
    } catch (e) {
      if (e instanceof ApiError && e.code === 'not_found') setOff(true);
      else setError(problem(e));
    }
  }, []);

  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [load]);

  if (off)
    return (
      <div class="card">
        <h2>The development Mailbox is off</h2>
        <p class="muted">
          This relay sends mail through SMTP_URL. Start it without SMTP_URL (or with PARLEY_DEV_MAILBOX=1) to
          catch every outbound email here.
        </p>
      </div>
    );
  const selected = emails?.find((e) => e.id === selectedId) ?? emails?.[0] ?? null;
  return (
    <>
      <p class="mailbox-notice muted small" role="note">
        Development mail catcher: email this relay sends is kept here instead of being delivered. You see the
        mail of your sites.
      </p>
      <div class="mailbox">
        <aside class="mailbox-list" aria-label="Emails sent">
          {error && (
            <p class="email-error" role="alert">
              {error}
            </p>
          )}
          {emails === null && !error && <p class="muted">Loading…</p>}
          {emails?.length === 0 && (
            <p class="muted mailbox-empty">
              No email sent yet. Choose “Continue by email” on a conversation and reply: the email lands here.
            </p>
          )}
          <ul>
            {emails?.map((e) => (
              <li key={e.id}>
                <button
                  type="button"
                  class={`mailbox-row${selected?.id === e.id ? ' active' : ''}`}
                  aria-current={selected?.id === e.id ? 'true' : undefined}
                  onClick={() => setSelectedId(e.id)}
                >
                  <span class="mailbox-row-top">
                    <strong>{e.to.join(', ')}</strong>
                    <time>{dateTime(e.receivedAt)}</time>
                  </span>
                  <span class="mailbox-subject">{e.subject}</span>
                  <span class="muted small mailbox-preview">{e.text.slice(0, 120)}</span>
                </button>
              </li>
            ))}
          </ul>
        </aside>
        {selected && <MailboxEmail key={selected.id} email={selected} onReplied={load} />}
      </div>
    </>
  );
}

function MailboxEmail({ email, onReplied }: { email: MailboxEntry; onReplied: () => Promise<void> }) {
  const [reply, setReply] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [sent, setSent] = useState(false);
  const [raw, setRaw] = useState(false);

  const send = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await emailApi.replyAsVisitor(email.id, reply);
      setReply('');
      setSent(true);
      await onReplied();
    } catch (e) {
      setError(problem(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <article class="mailbox-email card" aria-label="Email">
      <header>
        <h2>{email.subject}</h2>
        <dl class="email-headers">
          <dt>From</dt>
          <dd>{email.from}</dd>
          <dt>To</dt>
          <dd>{email.to.join(', ')}</dd>
          {email.replyTo && (
            <>
              <dt>Reply-To</dt>
              <dd>
                <code>{email.replyTo}</code>
              </dd>
            </>
          )}
          <dt>Date</dt>
          <dd>{dateTime(email.receivedAt)}</dd>
        </dl>
      </header>
      <pre class="email-text">{raw ? email.raw : email.text}</pre>
      <button type="button" class="link small" onClick={() => setRaw(!raw)}>
        {raw ? 'Show text' : 'Show raw message'}
      </button>
      {email.replyTo ? (
        <form class="mailbox-reply" onSubmit={send}>
          <label>
            Reply as visitor
            <textarea
              rows={4}
              required
              value={reply}
              placeholder="Write the visitor's answer; it goes back over SMTP with the quoted email below it."
              onInput={(e) => {
                setReply((e.target as HTMLTextAreaElement).value);
                setSent(false);
              }}
            />
          </label>
          <div class="mailbox-reply-actions">
            {sent && <span class="email-notice">Reply sent as the visitor</span>}
            {error && (
              <span class="email-error" role="alert">
                {error}
              </span>
            )}
            <button type="submit" class="primary" disabled={busy || reply.trim() === ''}>
              Reply as visitor
            </button>
          </div>
        </form>
      ) : (
        <p class="muted small">This email has no reply address.</p>
      )}
    </article>
  );
}
