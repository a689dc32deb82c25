// The iframe's side of the bridge to host.js: messages go only to the page that framed us, and
// only messages from that page's window, at that origin, are heard.
import { BRIDGE, type FrameMessage, type HostMessage } from '../bridge';

export interface HostLink {
  send(message: FrameMessage): void;
}

export function connectHost(
  hostOrigin: string,
  onMessage: (message: HostMessage) => void,
  target: Window = window.parent,
): HostLink {
  window.addEventListener('message', (event: MessageEvent) => {
    if (event.origin !== hostOrigin || event.source !== target) return;
    const data = (event.data as { [BRIDGE]?: unknown } | null)?.[BRIDGE];
    if (Array.isArray(data) && typeof data[0] === 'string') onMessage(data as HostMessage);
  });
  return { send: (message) => target.postMessage({ [BRIDGE]: message }, hostOrigin) };
}
