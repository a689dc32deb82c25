// The console's live connection: one ChatClient over the agent namespace, signed in by the
// session cookie. It replays whatever was missed on every reconnect, so a colleague's reply
// sent while this agent's network was down is on screen when it comes back.
import { type AgentChatClient, connectAgent } from '@parley/client';
import { useEffect, useState } from 'preact/hooks';
import { api } from './api';

export function useLiveClient(onSignedOut: () => void): AgentChatClient | null {
  const [client, setClient] = useState<AgentChatClient | null>(null);
  useEffect(() => {
    const created = connectAgent({ url: location.origin, storageKey: 'parley:console' });
    // Refused or closed by the relay: signed out (here or elsewhere), or the relay restarted.
    const check = () =>
      api.me().then(
        () => setTimeout(() => created.socket.connect(), 1000),
        () => onSignedOut(),
      );
    const offRefused = created.on('refused', check);
    created.socket.on('disconnect', (reason) => {
      if (reason === 'io server disconnect') void check();
    });
    setClient(created);
    return () => {
      offRefused();
      created.close();
    };
  }, []);
  return client;
}

/** Re-renders on every change the client reports (messages, delivery states, conversations). */
export function useClientVersion(client: AgentChatClient | null): number {
  const [version, setVersion] = useState(0);
  useEffect(() => client?.on('change', () => setVersion((v) => v + 1)), [client]);
  return version;
}
