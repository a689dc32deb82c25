// The one-line outcome a settings tab shows above its forms: what was saved, or why it was not.
import { useState } from 'preact/hooks';
import { problem } from '../api';

export type Flash = ReturnType<typeof useFlash>;

/** Runs a change and keeps its outcome; `view` is the line to show. */
export function useFlash() {
  const [flash, setFlash] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const run = async (work: () => Promise<unknown>, done: string) => {
    try {
      await work();
      setFlash({ kind: 'ok', text: done });
    } catch (e) {
      setFlash({ kind: 'error', text: problem(e, 'That did not work, try again') });
    }
  };
  const view = flash && (
    <p class={`flash ${flash.kind}`} role={flash.kind === 'error' ? 'alert' : 'status'}>
      {flash.text}
    </p>
  );
  return { run, view };
}
