// "Continue in the browser", a lazy chunk: the token from an email's link, passed on by host.js,
// is checked by the relay. In the visitor's own browser the conversation is already here; in
// another browser the link is exchanged (once) for a visitor token of this browser's own.
import type { KeyValueStore, VisitorChatClient } from '@parley/client';
import type { ContinueLinkResult, Failure, VisitorSession } from '@parley/protocol';

async function exchange(token: string, device: boolean): Promise<ContinueLinkResult | Failure> {
  try {
    const response = await fetch('/api/email/continue', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(device ? { token, device } : { token }),
    });
    return (await response.json()) as ContinueLinkResult | Failure;
  } catch {
    return {
      ok: false,
      code: 'unavailable',
      message: 'The chat cannot be reached right now. Try the link again.',
    };
  }
}

/**
 * `same` when this browser already is the link's visitor, `switched` when it now holds a token
 * for that visitor (stored under `tokenKey`; the caller reconnects), else what went wrong.
 */
export async function continueByLink(
  token: string,
  client: VisitorChatClient,
  store: KeyValueStore,
  tokenKey: string,
): Promise<'same' | 'switched' | string> {
  const found = await exchange(token, false);
  if ('ok' in found && found.ok === false) return found.message;
  const session =
    client.session ?? (await new Promise<VisitorSession>((resolve) => client.on('session', resolve)));
  if (session.visitorId === (found as ContinueLinkResult).visitorId) return 'same';
  const exchanged = await exchange(token, true);
  if ('ok' in exchanged && exchanged.ok === false) return exchanged.message;
  const visitorToken = (exchanged as ContinueLinkResult).visitorToken;
  if (!visitorToken) return 'This link cannot be used here.';
  store.setItem(tokenKey, visitorToken);
  return 'switched';
}
