// "View original" on a timeline entry that came or went by email: the whole message, its sanitised
// HTML in a sandboxed frame that may load nothing remote, and its attachments as downloads.
import type { EmailView } from '@parley/protocol';
import { createPortal } from 'preact/compat';
import { useEffect, useRef, useState } from 'preact/hooks';
import { problem } from '../api';
import { dateTime } from '../format';
import { emailApi } from './api';
import './email.css';

/** Nothing in the frame may run or fetch: inline styles and embedded images only. */
export const ORIGINAL_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:";

/** The document a sandboxed frame shows: the email's (already sanitised) HTML under a CSP that blocks remote loads. */
function originalDocument(html: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${ORIGINAL_CSP}"><base target="_blank"><style>body{font:14px/1.5 system-ui,sans-serif;margin:12px;color:#1b1f29;word-wrap:break-word}img{max-width:100%}</style></head><body>${html}</body></html>`;
}

const size = (bytes: number) =>
  bytes < 1024
    ? `${bytes} B`
    : bytes < 1024 * 1024
      ? `${Math.round(bytes / 1024)} KB`
      : `${(bytes / 1048576).toFixed(1)} MB`;

export function ViewOriginal({ emailId }: { emailId: string }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" class="link small view-original" onClick={() => setOpen(true)}>
        View original
      </button>
      {/* On the page's body: not inside the timeline row it was opened from, whose styles it would inherit. */}
      {open &&
        createPortal(<OriginalEmail emailId={emailId} onClose={() => setOpen(false)} />, document.body)}
    </>
  );
}

export function OriginalEmail({ emailId, onClose }: { emailId: string; onClose: () => void }) {
  const [email, setEmail] = useState<EmailView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const dialog = useRef<HTMLDivElement>(null);

  // Fetched and focused once per email: the parent re-renders (and hands a new onClose) often.
  useEffect(() => {
    let live = true;
    emailApi.email(emailId).then(
      (r) => live && setEmail(r.email),
      (e) => live && setError(problem(e)),
    );
    dialog.current?.focus();
    return () => {
      live = false;
    };
  }, [emailId]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, [onClose]);

  return (
    <div class="email-backdrop">
      <div
        class="email-dialog"
        role="dialog"
        aria-modal="true"
        aria-label="Original email"
        tabIndex={-1}
        ref={dialog}
      >
        <header class="email-dialog-head">
          <h2>{email?.subject || 'Original email'}</h2>
          <button type="button" class="link" aria-label="Close" onClick={onClose}>
            ✕
          </button>
        </header>
        {error && (
          <p class="email-error" role="alert">
            {error}
          </p>
        )}
        {!email && !error && <p class="muted">Loading…</p>}
        {email && (
          <>
            <dl class="email-headers">
              <dt>From</dt>
              <dd>{email.from}</dd>
              <dt>To</dt>
              <dd>{email.to.join(', ')}</dd>
              <dt>Date</dt>
              <dd>{dateTime(email.createdAt)}</dd>
            </dl>
            {email.html ? (
              <iframe
                class="email-frame"
                title="Email content"
                sandbox=""
                referrerpolicy="no-referrer"
                srcdoc={originalDocument(email.html)}
              />
            ) : (
              <pre class="email-text">{email.text}</pre>
            )}
            {email.attachments.length > 0 && (
              <ul class="email-attachments" aria-label="Attachments">
                {email.attachments.map((a) => (
                  <li key={a.id}>
                    <a href={emailApi.attachmentUrl(a.id)} download={a.filename}>
                      📎 {a.filename}
                    </a>{' '}
                    <span class="muted small">
                      {a.contentType} · {size(a.size)}
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </>
        )}
      </div>
    </div>
  );
}
