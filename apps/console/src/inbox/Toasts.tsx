// The toasts on screen; one that names a conversation opens it.
import './inbox.css';
import type { Toast } from './useToasts';

export function Toasts({ toasts, onOpen }: { toasts: Toast[]; onOpen: (conversationId: string) => void }) {
  return (
    <div class="toasts" aria-live="polite">
      {toasts.map((t) => (
        <div key={t.id} class={`toast ${t.kind}`} role={t.kind === 'error' ? 'alert' : 'status'}>
          {t.conversationId ? (
            <button type="button" class="link" onClick={() => onOpen(t.conversationId!)}>
              {t.text}
            </button>
          ) : (
            t.text
          )}
        </div>
      ))}
    </div>
  );
}
