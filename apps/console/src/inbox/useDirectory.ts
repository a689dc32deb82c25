// The agents, teams and canned responses the inbox offers in its menus, fetched once.
import type { AgentProfile, CannedResponse, Team } from '@parley/protocol';
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';

export function useDirectory(): { agents: AgentProfile[]; teams: Team[]; canned: CannedResponse[] } {
  const [agents, setAgents] = useState<AgentProfile[]>([]);
  const [teams, setTeams] = useState<Team[]>([]);
  const [canned, setCanned] = useState<CannedResponse[]>([]);
  useEffect(() => {
    void Promise.all([api.agents(), api.teams(), api.canned()]).then(([a, t, c]) => {
      setAgents(a.agents);
      setTeams(t.teams);
      setCanned(c.canned);
    });
  }, []);
  return { agents, teams, canned };
}
