// The Meetings screen: upcoming meetings, the agent's own booking hours and (admins) each site's
// booking rules, one tab each under #/meetings/.
import type { AgentProfile, SignedInAgent } from '@parley/protocol';
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { ScheduleForm } from './ScheduleForm';
import { SiteRules } from './SiteRules';
import { Upcoming } from './Upcoming';
import './meetings.css';

export type MeetingsTab = 'upcoming' | 'schedule' | 'rules';

export function MeetingsPage({ me, tab }: { me: SignedInAgent; tab: MeetingsTab }) {
  const [agents, setAgents] = useState<AgentProfile[]>([me.agent]);
  useEffect(() => {
    if (me.agent.role === 'admin')
      api.agents().then(
        (r) => setAgents(r.agents),
        () => undefined,
      );
  }, [me.agent.role]);
  const tabs: [MeetingsTab, string][] = [
    ['upcoming', 'Upcoming'],
    ['schedule', 'My hours'],
    ...(me.agent.role === 'admin' ? ([['rules', 'Booking rules']] as [MeetingsTab, string][]) : []),
  ];
  return (
    <main class="settings meetings-page">
      <div class="settings-head">
        <h1>Meetings</h1>
        <nav class="tabs" aria-label="Meetings">
          {tabs.map(([key, label]) => (
            <a
              key={key}
              href={`#/meetings/${key}`}
              class={tab === key ? 'active' : ''}
              aria-current={tab === key ? 'page' : undefined}
            >
              {label}
            </a>
          ))}
        </nav>
      </div>
      <div class="settings-body">
        {tab === 'upcoming' && <Upcoming me={me.agent} agents={agents} />}
        {tab === 'schedule' && <ScheduleForm />}
        {tab === 'rules' && me.agent.role === 'admin' && <SiteRules sites={me.sites} />}
      </div>
    </main>
  );
}
