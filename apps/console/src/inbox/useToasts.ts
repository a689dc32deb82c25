// Short messages in the corner of the inbox: at most four at a time, an error stays 8 s, the rest 6 s.
import { useCallback, useState } from 'preact/hooks';

export interface Toast {
  id: number;
  kind: 'info' | 'error' | 'alert';
  text: string;
  conversationId?: string;
}

export type ShowToast = (kind: Toast['kind'], text: string, conversationId?: string) => void;

export function useToasts(): { toasts: Toast[]; toast: ShowToast } {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const toast = useCallback<ShowToast>((kind, text, conversation) => {
    const id = Date.now() + Math.random();
    setToasts((list) => [
      ...list.slice(-3),
      { id, kind, text, ...(conversation ? { conversationId: conversation } : {}) },
    ]);
    setTimeout(() => setToasts((list) => list.filter((t) => t.id !== id)), kind === 'error' ? 8000 : 6000);
  }, []);
  return { toasts, toast };
}
