// Real Socket.IO clients for tests: ChatClients over the shared client library, and raw sockets
// for sending what a well-behaved client never would.
import { type ChatClient, connectAgent, connectVisitor } from '@parley/client';
import type {
  AGENT_NAMESPACE,
  ClientToServerEvents,
  ServerToClientEvents,
  VISITOR_NAMESPACE,
  VisitorConversation,
} from '@parley/protocol';
import { io, type Socket } from 'socket.io-client';
import { vi } from 'vitest';
import { SHOP_ORIGIN } from './index';

export function visitorClient(
  url: string,
  siteKey: string,
  extra: Partial<Parameters<typeof connectVisitor>[0]> = {},
) {
  return connectVisitor({ url, siteKey, extraHeaders: { origin: SHOP_ORIGIN }, ...extra });
}

export function agentClient(url: string, token: string) {
  return connectAgent({ url, token });
}

/** Resolves once the client is connected and has finished its first sync. */
export async function ready<
  Listen extends ServerToClientEvents,
  Emit extends ClientToServerEvents<VisitorConversation>,
>(client: ChatClient<Listen, Emit>): Promise<ChatClient<Listen, Emit>> {
  let refusal = '';
  client.socket.on('connect_error', (error) => {
    refusal = error.message;
  });
  await vi.waitFor(
    () => {
      if (!client.socket.connected) throw new Error(`not connected yet ${refusal}`);
    },
    { timeout: 10_000, interval: 20 },
  );
  await client.resync();
  return client;
}

/** A raw socket, for malformed payloads and handshake checks. */
export function rawSocket(
  url: string,
  namespace: typeof VISITOR_NAMESPACE | typeof AGENT_NAMESPACE,
  options: { auth?: unknown; origin?: string; siteKey?: string; localAddress?: string } = {},
): Socket {
  return io(`${url}${namespace}`, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    // A client address of its own: all of 127.0.0.0/8 is this machine.
    ...(options.localAddress ? { localAddress: options.localAddress } : {}),
    auth: (options.auth ?? {}) as Record<string, unknown>,
    ...(options.siteKey ? { query: { siteKey: options.siteKey } } : {}),
    ...(options.origin ? { extraHeaders: { origin: options.origin } } : {}),
  });
}

/** Answers 'connect' or the connect_error's code and message. */
export function outcome(
  socket: Socket,
): Promise<{ connected: true } | { connected: false; code?: string; message: string }> {
  return new Promise((resolve) => {
    socket.once('connect', () => resolve({ connected: true }));
    socket.once('connect_error', (error: Error & { data?: { code?: string } }) =>
      resolve({
        connected: false,
        message: error.message,
        ...(error.data?.code ? { code: error.data.code } : {}),
      }),
    );
  });
}
