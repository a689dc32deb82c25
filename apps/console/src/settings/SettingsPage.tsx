// Administration, one tab a file: sites (origins, routing, first-response target, widget look and
// hours, identity secret, embed snippet), agents and teams, and canned responses.
import type { SignedInAgent } from '@parley/protocol';
import { AgentsTab } from './AgentsTab';
import { CannedTab } from './CannedTab';
import { SitesTab } from './SitesTab';

export type SettingsTab = 'sites' | 'agents' | 'canned';

export function Settings({ me, tab }: { me: SignedInAgent; tab: SettingsTab }) {
  const admin = me.agent.role === 'admin';
  return (
    <section class="settings" aria-label="Settings">
      <header class="settings-head">
        <h1>Settings</h1>
        <nav class="tabs">
          {admin && (
            <a href="#/settings/sites" class={tab === 'sites' ? 'active' : ''}>
              Sites
            </a>
          )}
          {admin && (
            <a href="#/settings/agents" class={tab === 'agents' ? 'active' : ''}>
              Agents & teams
            </a>
          )}
          <a href="#/settings/canned" class={tab === 'canned' ? 'active' : ''}>
            Canned responses
          </a>
        </nav>
      </header>
      <div class="settings-body">
        {tab === 'sites' && admin && <SitesTab />}
        {tab === 'agents' && admin && <AgentsTab me={me} />}
        {tab === 'canned' && <CannedTab me={me} />}
      </div>
    </section>
  );
}
