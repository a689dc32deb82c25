// Inbound mail Parley did not add to a timeline (unknown token, wrong sender, failed checks), for
// an admin to release into its conversation or discard.
import type { HeldEmailView, HeldReason } from '@parley/protocol';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { problem } from '../api';
import { dateTime } from '../format';
import { emailApi } from './api';
import { OriginalEmail } from './ViewOriginal';

const REASONS: Record<HeldReason, string> = {
  unknown_token: 'Unknown reply address',
  sender_mismatch: 'Sender is not the visitor',
  no_token: 'No reply address',
  failed_verification: 'Failed DKIM/SPF/DMARC',
};

export function HeldMail() {
  const [held, setHeld] = useState<HeldEmailView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [viewing, setViewing] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setHeld((await emailApi.held()).held);
    } catch (e) {
      setError(problem(e));
    }
  }, []);
  useEffect(() => void load(), [load]);

  const act = async (work: Promise<unknown>) => {
    setError(null);
    try {
      await work;
    } catch (e) {
      setError(problem(e));
    }
    await load();
  };

  return (
    <div class="card">
      <h2>Held mail</h2>
      <p class="muted">
        Replies that could not be matched safely to a conversation. Release one to add it to its
        conversation's timeline, or discard it.
      </p>
      {error && (
        <p class="email-error" role="alert">
          {error}
        </p>
      )}
      {held?.length === 0 && <p class="muted">Nothing is held.</p>}
      {held && held.length > 0 && (
        <table class="table held-table">
          <thead>
            <tr>
              <th>Received</th>
              <th>From</th>
              <th>Subject</th>
              <th>Why</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {held.map((h) => (
              <tr key={h.id}>
                <td>{dateTime(h.createdAt)}</td>
                <td>{h.from}</td>
                <td>
                  <button type="button" class="link" onClick={() => setViewing(h.id)}>
                    {h.subject || '(no subject)'}
                  </button>
                </td>
                <td>
                  <span class="chip overdue">{REASONS[h.reason]}</span>
                </td>
                <td class="held-actions">
                  <button
                    type="button"
                    disabled={!h.conversationId}
                    title={h.conversationId ? undefined : 'No conversation to release it into'}
                    onClick={() => void act(emailApi.release(h.id))}
                  >
                    Release
                  </button>
                  <button
                    type="button"
                    class="danger-outline"
                    onClick={() => void act(emailApi.discard(h.id))}
                  >
                    Discard
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {viewing && <OriginalEmail emailId={viewing} onClose={() => setViewing(null)} />}
    </div>
  );
}
