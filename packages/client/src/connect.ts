// Opening a visitor or agent connection. Only the WebSocket transport is bundled: it is all
// modern browsers need, and leaving polling out keeps the widget small.
import type {
  AgentAuth,
  AgentClientToServerEvents,
  AgentServerToClientEvents,
  VisitorAuth,
  VisitorClientToServerEvents,
  VisitorServerToClientEvents,
} from '@parley/protocol';
import { AGENT_NAMESPACE, VISITOR_NAMESPACE } from '@parley/protocol';
import { io, type Socket } from 'socket.io-client';
import { transport } from '#transport';
import { ChatClient, type ChatClientOptions } from './chat-client';
import { type KeyValueStore, memoryStore } from './outbox';

/** A visitor's connection: the widget's, or a test's. */
export type VisitorChatClient = ChatClient<VisitorServerToClientEvents, VisitorClientToServerEvents>;
/** An agent's connection: the console's, or a test's. */
export type AgentChatClient = ChatClient<AgentServerToClientEvents, AgentClientToServerEvents>;

interface CommonOptions extends ChatClientOptions {
  /** The relay's base URL, e.g. https://chat.example.com */
  url: string;
  /** Extra handshake headers (Node clients only: browsers send their own Origin). */
  extraHeaders?: Record<string, string>;
}

export interface VisitorConnectOptions extends CommonOptions {
  siteKey: string;
  identity?: VisitorAuth['identity'];
}

/**
 * Connects a visitor. The token the relay mints is kept in `store` and presented on every reconnect.
 * @example const chat = connectVisitor({ url, siteKey, store: localStorage }); chat.send({ startKey }, 'Hi')
 */
export function connectVisitor(options: VisitorConnectOptions): VisitorChatClient {
  const store: KeyValueStore = options.store ?? memoryStore();
  const prefix = options.storageKey ?? `parley:${options.siteKey}`;
  const tokenKey = `${prefix}:token`;
  const socket: Socket<VisitorServerToClientEvents, VisitorClientToServerEvents> = io(
    `${options.url}${VISITOR_NAMESPACE}`,
    {
      transports: [transport],
      forceNew: true,
      query: { siteKey: options.siteKey },
      auth: (cb) => {
        const auth: VisitorAuth & Record<string, unknown> = { siteKey: options.siteKey };
        const token = store.getItem(tokenKey);
        if (token) auth.token = token;
        if (options.identity) auth.identity = options.identity;
        cb(auth);
      },
      ...(options.extraHeaders ? { extraHeaders: options.extraHeaders } : {}),
    },
  );
  const client = new ChatClient(socket, { ...options, store, storageKey: prefix });
  client.on('session', (session) => {
    if (session.token) store.setItem(tokenKey, session.token);
  });
  return client;
}

export interface AgentConnectOptions extends CommonOptions {
  /** An API token; without one the console's session cookie (same origin as the relay) signs in. */
  token?: string;
}

/**
 * Connects an agent with its API token, or with the console's session cookie when none is given.
 * @example const client = connectAgent({ url: location.origin }) // in the console
 */
export function connectAgent(options: AgentConnectOptions): AgentChatClient {
  const auth: Partial<AgentAuth> & Record<string, unknown> = options.token ? { token: options.token } : {};
  const socket: Socket<AgentServerToClientEvents, AgentClientToServerEvents> = io(
    `${options.url}${AGENT_NAMESPACE}`,
    {
      transports: [transport],
      forceNew: true,
      withCredentials: true,
      auth,
      ...(options.extraHeaders ? { extraHeaders: options.extraHeaders } : {}),
    },
  );
  return new ChatClient(socket, { ...options, storageKey: options.storageKey ?? 'parley:agent' });
}
