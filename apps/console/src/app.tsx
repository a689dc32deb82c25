// The console shell: who is signed in, the live connection, and which screen the hash names.
import type { AgentProfile, InboxView, SignedInAgent } from '@parley/protocol';
import { INBOX_VIEWS } from '@parley/protocol';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { api } from './api';
import { Sidebar } from './components/Sidebar';
import { EmailPage, emailTab } from './email/EmailPage';
import { Workspace } from './inbox/Workspace';
import { useLiveClient } from './live';
import { MeetingsPage, type MeetingsTab } from './meetings/MeetingsPage';
import { Login } from './pages/Login';
import { Print } from './pages/Print';
import { go, useHashRoute } from './route';
import { Settings } from './settings/SettingsPage';
import './app.css';

export function App() {
  const route = useHashRoute();
  const [me, setMe] = useState<SignedInAgent | null | undefined>(undefined);

  const load = useCallback(() => {
    api.me().then(setMe, () => setMe(null));
  }, []);
  useEffect(load, [load]);

  if (route[0] === 'invite' && route[1] && !me)
    return (
      <Login
        inviteToken={route[1]}
        onSignedIn={() => {
          go('inbox', 'mine');
          load();
        }}
      />
    );
  if (me === undefined) return <div class="splash" aria-busy="true" />;
  if (me === null) return <Login inviteToken={null} onSignedIn={load} />;
  if (route[0] === 'print' && route[1]) return <Print conversationId={route[1]} />;
  return <SignedIn me={me} route={route} onMe={setMe} />;
}

function SignedIn({
  me,
  route,
  onMe,
}: {
  me: SignedInAgent;
  route: string[];
  onMe: (me: SignedInAgent | null) => void;
}) {
  const client = useLiveClient(() => onMe(null));
  const signOut = useCallback(() => {
    void api.logout().finally(() => onMe(null));
  }, [onMe]);
  const onPresence = (agent: AgentProfile) => onMe({ ...me, agent });

  if (route[0] === 'meetings') {
    const tab: MeetingsTab = route[1] === 'schedule' || route[1] === 'rules' ? route[1] : 'upcoming';
    return (
      <div class="workspace settings-shell">
        <Sidebar
          me={me}
          view={null}
          counts={null}
          onSignOut={signOut}
          onPresence={onPresence}
          section="meetings"
        />
        <MeetingsPage me={me} tab={tab} />
      </div>
    );
  }
  if (route[0] === 'email') {
    return (
      <div class="workspace settings-shell">
        <Sidebar
          me={me}
          view={null}
          counts={null}
          onSignOut={signOut}
          onPresence={onPresence}
          section="email"
        />
        <EmailPage me={me} tab={emailTab(route[1], me.agent.role === 'admin')} />
      </div>
    );
  }
  if (route[0] === 'settings') {
    const tab =
      route[1] === 'agents' || route[1] === 'canned'
        ? route[1]
        : me.agent.role === 'admin'
          ? 'sites'
          : 'canned';
    return (
      <div class="workspace settings-shell">
        <Sidebar
          me={me}
          view={null}
          counts={null}
          onSignOut={signOut}
          onPresence={onPresence}
          section="settings"
        />
        <Settings me={me} tab={tab} />
      </div>
    );
  }
  const view = (INBOX_VIEWS as readonly string[]).includes(route[1] ?? '') ? (route[1] as InboxView) : 'open';
  if (!client) return <div class="splash" aria-busy="true" />;
  return (
    <Workspace
      me={me}
      client={client}
      view={view}
      conversationId={route[2] ?? null}
      onSignOut={signOut}
      onPresence={onPresence}
    />
  );
}
