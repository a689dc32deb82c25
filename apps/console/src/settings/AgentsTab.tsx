// The agents and teams tab: invites, each agent's role, sites, team and status, and the teams.
import type { AgentProfile, SignedInAgent, Team } from '@parley/protocol';
import { isEmailAddress } from '@parley/protocol/email-address';
import { useEffect, useState } from 'preact/hooks';
import { ApiError, api } from '../api';
import { useFlash } from './useFlash';
import './settings.css';

export function AgentsTab({ me }: { me: SignedInAgent }) {
  const [agents, setAgents] = useState<AgentProfile[]>([]);
  const [teams, setTeams] = useState<Team[]>([]);
  const [invite, setInvite] = useState({ email: '', name: '', role: 'agent' as 'admin' | 'agent' });
  const [inviteUrl, setInviteUrl] = useState<string | null>(null);
  const [teamName, setTeamName] = useState('');
  const flash = useFlash();
  const load = () =>
    Promise.all([api.agents(), api.teams()]).then(([a, t]) => {
      setAgents(a.agents);
      setTeams(t.teams);
    });
  useEffect(() => void load(), []);
  const allSiteIds = me.sites.map((s) => s.id);

  return (
    <div class="agents-layout">
      {flash.view}
      <div class="card">
        <h2>Invite an agent</h2>
        <form
          class="row"
          onSubmit={(e) => {
            e.preventDefault();
            void flash.run(async () => {
              // The relay's rule, checked here too so a typo is caught before the round trip.
              if (!isEmailAddress(invite.email.trim()))
                throw new ApiError('bad_request', 'Enter one email address, like ana@example.com', 400);
              const result = await api.invite({ ...invite, siteIds: allSiteIds, teamIds: [] });
              setInviteUrl(result.inviteUrl);
              setInvite({ email: '', name: '', role: 'agent' });
              await load();
            }, 'Invite ready: send them the link below.');
          }}
        >
          <input
            aria-label="Name"
            placeholder="Name"
            required
            value={invite.name}
            onInput={(e) => setInvite({ ...invite, name: (e.target as HTMLInputElement).value })}
          />
          <input
            aria-label="Email"
            type="email"
            placeholder="Email"
            required
            value={invite.email}
            onInput={(e) => setInvite({ ...invite, email: (e.target as HTMLInputElement).value })}
          />
          <select
            aria-label="Role"
            value={invite.role}
            onChange={(e) =>
              setInvite({ ...invite, role: (e.target as HTMLSelectElement).value as 'admin' | 'agent' })
            }
          >
            <option value="agent">Agent</option>
            <option value="admin">Admin</option>
          </select>
          <button type="submit" class="primary">
            Invite
          </button>
        </form>
        {inviteUrl && (
          <div class="snippet">
            <code>{inviteUrl}</code>
          </div>
        )}
      </div>
      <div class="card">
        <h2>Agents</h2>
        <table class="table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Role</th>
              <th>Sites</th>
              <th>Teams</th>
              <th>Status</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {agents.map((a) => (
              <tr key={a.id} class={a.active ? '' : 'inactive'}>
                <td>
                  <strong>{a.name}</strong>
                  <div class="muted small">{a.email}</div>
                </td>
                <td>{a.role}</td>
                <td>
                  {a.siteIds === null ? (
                    <span class="muted">All sites</span>
                  ) : (
                    <div class="site-access">
                      {me.sites.map((site) => (
                        <label key={site.id} class="check">
                          <input
                            type="checkbox"
                            aria-label={`${a.name} answers ${site.name}`}
                            checked={a.siteIds?.includes(site.id) ?? false}
                            onChange={(e) => {
                              const on = (e.target as HTMLInputElement).checked;
                              const siteIds = on
                                ? [...(a.siteIds ?? []), site.id]
                                : (a.siteIds ?? []).filter((id) => id !== site.id);
                              void flash.run(
                                async () => {
                                  await api.updateAgent(a.id, { siteIds });
                                  await load();
                                },
                                `${a.name} ${on ? 'now answers' : 'no longer answers'} ${site.name}`,
                              );
                            }}
                          />{' '}
                          {site.name}
                        </label>
                      ))}
                    </div>
                  )}
                </td>
                <td>
                  <select
                    aria-label={`Team of ${a.name}`}
                    value={a.teamIds[0] ?? ''}
                    onChange={(e) => {
                      const value = (e.target as HTMLSelectElement).value;
                      void flash.run(async () => {
                        await api.updateAgent(a.id, { teamIds: value ? [value] : [] });
                        await load();
                      }, `${a.name}'s team updated`);
                    }}
                  >
                    <option value="">No team</option>
                    {teams.map((t) => (
                      <option key={t.id} value={t.id}>
                        {t.name}
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  {!a.active ? (
                    'deactivated'
                  ) : a.invited ? (
                    'invited'
                  ) : (
                    <span class={`presence-dot ${a.presence}`}>{a.presence}</span>
                  )}
                </td>
                <td>
                  {a.id !== me.agent.id && (
                    <button
                      type="button"
                      class={a.active ? 'danger-outline small' : 'small'}
                      onClick={() =>
                        void flash.run(
                          async () => {
                            await api.updateAgent(a.id, { active: !a.active });
                            await load();
                          },
                          a.active ? `${a.name} deactivated and signed out` : `${a.name} reactivated`,
                        )
                      }
                    >
                      {a.active ? 'Deactivate' : 'Reactivate'}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div class="card">
        <h2>Teams</h2>
        <ul class="team-list">
          {teams.map((t) => (
            <li key={t.id}>
              {t.name}
              <button
                type="button"
                class="link small"
                onClick={() =>
                  void flash.run(async () => {
                    await api.deleteTeam(t.id);
                    await load();
                  }, `${t.name} removed`)
                }
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
        <form
          class="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            void flash.run(async () => {
              await api.createTeam(teamName);
              setTeamName('');
              await load();
            }, 'Team added');
          }}
        >
          <input
            aria-label="Team name"
            placeholder="e.g. Billing"
            required
            value={teamName}
            onInput={(e) => setTeamName((e.target as HTMLInputElement).value)}
          />
          <button type="submit">Add team</button>
        </form>
      </div>
    </div>
  );
}
