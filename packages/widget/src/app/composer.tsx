// Where the visitor writes: a labelled textbox (16px so iOS does not zoom) and a Send button.
// Enter sends, Shift+Enter starts a new line.
import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Strings } from './i18n';

export interface ComposerProps {
  strings: Strings;
  /** Text the site asked to prefill (showMessage). */
  prefill: string;
  focusKey: number;
  onSend(text: string): void;
  onTyping(typing: boolean): void;
}

export function Composer({ strings, prefill, focusKey, onSend, onTyping }: ComposerProps): JSX.Element {
  const [text, setText] = useState(prefill);
  const input = useRef<HTMLTextAreaElement>(null);
  const typingSince = useRef(0);
  useEffect(() => {
    if (prefill) setText(prefill);
  }, [prefill]);
  useEffect(() => {
    input.current?.focus();
  }, [focusKey]);

  const send = () => {
    const body = text.trim();
    if (!body) return;
    onSend(body);
    setText('');
    typingSince.current = 0;
    onTyping(false);
    input.current?.focus();
  };

  return (
    <form
      class="composer"
      onSubmit={(event) => {
        event.preventDefault();
        send();
      }}
    >
      <textarea
        ref={input}
        aria-label={strings.message}
        placeholder={strings.placeholder}
        rows={1}
        maxLength={4000}
        value={text}
        onInput={(event) => {
          setText(event.currentTarget.value);
          // Tell the agent at most every two seconds: typing events are volatile hints.
          if (Date.now() - typingSince.current > 2000) {
            typingSince.current = Date.now();
            onTyping(true);
          }
        }}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
            event.preventDefault();
            send();
          }
        }}
      />
      <button type="submit" class="send" disabled={!text.trim()}>
        {strings.send}
      </button>
    </form>
  );
}
