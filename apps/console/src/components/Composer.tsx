// The reply box: Enter sends, Shift+Enter breaks the line; `/shortcut` offers canned responses
// with their variables filled in; a Note tab writes a private note; typing is shown to the visitor.
import type { CannedResponse } from '@parley/protocol';
import { fillVariables, MAX_MESSAGE_LENGTH } from '@parley/protocol';
import { useEffect, useRef, useState } from 'preact/hooks';
import './Composer.css';

export type ComposerMode = 'reply' | 'note';

export interface ComposerProps {
  canned: CannedResponse[];
  /** `visitor.name`, `agent.name`, `site.name`. */
  variables: Record<string, string>;
  onSend: (body: string, mode: ComposerMode) => void;
  onTyping: (typing: boolean) => void;
}

const TYPING_IDLE_MS = 3000;

export function Composer({ canned, variables, onSend, onTyping }: ComposerProps) {
  const [text, setText] = useState('');
  const [mode, setMode] = useState<ComposerMode>('reply');
  const [highlight, setHighlight] = useState(0);
  const [dismissed, setDismissed] = useState(false);
  const typing = useRef(false);
  const idle = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const box = useRef<HTMLTextAreaElement>(null);

  const query = /^\/([a-z0-9_-]*)$/.exec(text)?.[1];
  const suggestions =
    query === undefined || dismissed ? [] : canned.filter((c) => c.shortcut.startsWith(query)).slice(0, 6);

  const stopTyping = () => {
    clearTimeout(idle.current);
    if (typing.current) {
      typing.current = false;
      onTyping(false);
    }
  };
  useEffect(() => stopTyping, []);

  const input = (value: string) => {
    setText(value);
    setHighlight(0);
    setDismissed(false);
    if (mode !== 'reply') return;
    if (!typing.current && value.trim()) {
      typing.current = true;
      onTyping(true);
    }
    clearTimeout(idle.current);
    idle.current = setTimeout(stopTyping, TYPING_IDLE_MS);
  };

  const insert = (response: CannedResponse) => {
    setText(fillVariables(response.body, variables));
    setDismissed(true);
    box.current?.focus();
  };

  const send = () => {
    const body = text.trim();
    if (!body || body.length > MAX_MESSAGE_LENGTH) return;
    onSend(body, mode);
    setText('');
    stopTyping();
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (suggestions.length > 0) {
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        const step = event.key === 'ArrowDown' ? 1 : -1;
        setHighlight((h) => (h + step + suggestions.length) % suggestions.length);
        return;
      }
      if (event.key === 'Enter' || event.key === 'Tab') {
        event.preventDefault();
        insert(suggestions[Math.min(highlight, suggestions.length - 1)]!);
        return;
      }
      if (event.key === 'Escape') {
        setDismissed(true);
        return;
      }
    }
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      send();
    }
  };

  const tooLong = text.length > MAX_MESSAGE_LENGTH;
  return (
    <div class={`composer ${mode}`}>
      <div class="composer-tabs" role="tablist">
        <button type="button" role="tab" aria-selected={mode === 'reply'} onClick={() => setMode('reply')}>
          Reply
        </button>
        <button
          type="button"
          role="tab"
          aria-selected={mode === 'note'}
          onClick={() => {
            stopTyping();
            setMode('note');
          }}
        >
          Private note
        </button>
        <span class="composer-hint">
          {mode === 'note'
            ? 'Only agents see notes · @Name mentions a colleague'
            : 'Enter sends · Shift+Enter new line · / canned replies'}
        </span>
      </div>
      {suggestions.length > 0 && (
        <div class="canned-menu" role="listbox" aria-label="Canned responses">
          {suggestions.map((c, i) => (
            <div
              key={c.id}
              role="option"
              tabIndex={-1}
              aria-selected={i === highlight}
              onMouseDown={(e) => {
                // Keep the focus in the textarea, so Enter still sends after inserting.
                e.preventDefault();
                insert(c);
              }}
            >
              <strong>/{c.shortcut}</strong>
              <span>{fillVariables(c.body, variables)}</span>
              {c.ownerId && <em>personal</em>}
            </div>
          ))}
        </div>
      )}
      <textarea
        ref={box}
        aria-label={mode === 'note' ? 'Private note' : 'Reply'}
        placeholder={mode === 'note' ? 'Write a note for your team…' : 'Write a reply…'}
        value={text}
        rows={3}
        onInput={(e) => input((e.target as HTMLTextAreaElement).value)}
        onKeyDown={onKeyDown}
      />
      <div class="composer-foot">
        {tooLong && <span class="error-text">Messages are limited to {MAX_MESSAGE_LENGTH} characters</span>}
        <button type="button" class="primary" disabled={!text.trim() || tooLong} onClick={send}>
          {mode === 'note' ? 'Add note' : 'Send'}
        </button>
      </div>
    </div>
  );
}
