// Administration: sites (origins, routing, first-response target, widget look and hours,
// identity secret, embed snippet), agents and teams, and canned responses.
import type { AgentProfile, CannedResponse, SignedInAgent, SiteAdminView, Team } from '@parley/protocol';
import { isEmailAddress } from '@parley/protocol/email-address';
import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, problem } from '../api';
import { WidgetSettingsForm } from '../components/WidgetSettingsForm';
import { go } from '../route';

type Tab = 'sites' | 'agents' | 'canned';

function useFlash() {
  const [flash, setFlash] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const run = async (work: () => Promise<unknown>, done: string) => {
    try {
      await work();
      setFlash({ kind: 'ok', text: done });
    } catch (e) {
      setFlash({ kind: 'error', text: problem(e, 'That did not work, try again') });
    }
  };
  const view = flash && (
    <p class={`flash ${flash.kind}`} role={flash.kind === 'error' ? 'alert' : 'status'}>
      {flash.text}
    </p>
  );
  return { run, view };
}

export function Settings({ me, tab }: { me: SignedInAgent; tab: Tab }) {
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
        {tab === 'sites' && admin && <SitesSettings />}
        {tab === 'agents' && admin && <AgentsSettings me={me} />}
        {tab === 'canned' && <CannedSettings me={me} />}
      </div>
    </section>
  );
}

function SitesSettings() {
  const [sites, setSites] = useState<SiteAdminView[]>([]);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const [newName, setNewName] = useState('');
  const flash = useFlash();
  const load = () =>
    api.sites().then((r) => {
      setSites(r.sites);
      setSelectedId((id) => id ?? r.sites[0]?.id ?? null);
    });
  useEffect(() => void load(), []);
  const site = sites.find((s) => s.id === selectedId);

  return (
    <div class="sites-layout">
      <aside class="site-list">
        <ul>
          {sites.map((s) => (
            <li key={s.id}>
              <button
                type="button"
                class={s.id === selectedId ? 'active' : ''}
                onClick={() => {
                  setSelectedId(s.id);
                  setSecret(null);
                }}
              >
                {s.name}
                <span class="muted small">{s.allowedOrigins[0] ?? 'no origins yet'}</span>
              </button>
            </li>
          ))}
        </ul>
        <form
          class="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            void flash.run(async () => {
              const created = await api.createSite({ name: newName, allowedOrigins: [] });
              setSecret(created.identitySecret);
              setSelectedId(created.site.id);
              setNewName('');
              await load();
            }, 'Site created. Copy its identity secret now: it is shown once.');
          }}
        >
          <input
            aria-label="New site name"
            placeholder="New site name"
            value={newName}
            required
            onInput={(e) => setNewName((e.target as HTMLInputElement).value)}
          />
          <button type="submit">Add site</button>
        </form>
      </aside>
      {site && (
        <SiteForm
          key={site.id}
          site={site}
          secret={secret}
          onSecret={setSecret}
          onSaved={(s) => setSites((list) => list.map((x) => (x.id === s.id ? s : x)))}
          flash={flash}
        />
      )}
    </div>
  );
}

function SiteForm({
  site,
  secret,
  onSecret,
  onSaved,
  flash,
}: {
  site: SiteAdminView;
  secret: string | null;
  onSecret: (secret: string) => void;
  onSaved: (site: SiteAdminView) => void;
  flash: ReturnType<typeof useFlash>;
}) {
  const [name, setName] = useState(site.name);
  const [origins, setOrigins] = useState(site.allowedOrigins.join('\n'));
  const [assignment, setAssignment] = useState(site.assignment);
  // Minutes on screen, seconds stored: an untouched field keeps the stored seconds exactly.
  const [target, setTarget] = useState<string | null>(null);
  const [widget, setWidget] = useState(site.widget);
  const [copied, setCopied] = useState(false);

  const save = (e: Event) => {
    e.preventDefault();
    void flash.run(async () => {
      const { site: saved } = await api.updateSite(site.id, {
        name,
        allowedOrigins: origins.split(/\s+/).filter(Boolean),
        assignment,
        firstResponseTargetSec:
          target === null ? site.firstResponseTargetSec : Math.round(Number(target) * 60),
        widget,
      });
      onSaved(saved);
    }, 'Saved. The widget picks up the changes within seconds.');
  };

  return (
    <form class="site-form" onSubmit={save} aria-label={`Settings of ${site.name}`}>
      {flash.view}
      <div class="card">
        <h2>Install</h2>
        <p class="muted">Paste this tag before &lt;/body&gt; on every page that should show the chat.</p>
        <div class="snippet">
          <code>{site.embedSnippet}</code>
          <button
            type="button"
            onClick={() => void navigator.clipboard?.writeText(site.embedSnippet).then(() => setCopied(true))}
          >
            {copied ? 'Copied' : 'Copy'}
          </button>
        </div>
      </div>

      <div class="card grid">
        <h2>General</h2>
        <label>
          Site name
          <input
            value={name}
            required
            maxLength={200}
            onInput={(e) => setName((e.target as HTMLInputElement).value)}
          />
        </label>
        <label>
          Allowed origins <span class="muted small">one per line, e.g. https://shop.example.com</span>
          <textarea
            rows={3}
            aria-label="Allowed origins"
            value={origins}
            onInput={(e) => setOrigins((e.target as HTMLTextAreaElement).value)}
          />
        </label>
        <fieldset>
          <legend>Assignment</legend>
          <label class="radio">
            <input
              type="radio"
              name="assignment"
              checked={assignment === 'manual'}
              onChange={() => setAssignment('manual')}
            />{' '}
            Manual — agents pick conversations up
          </label>
          <label class="radio">
            <input
              type="radio"
              name="assignment"
              checked={assignment === 'balanced'}
              onChange={() => setAssignment('balanced')}
            />{' '}
            Balanced — the online agent with the fewest open chats gets the next one
          </label>
        </fieldset>
        <label>
          First-response target (minutes)
          <input
            type="number"
            step="any"
            value={target ?? String(Math.round((site.firstResponseTargetSec / 60) * 100) / 100)}
            onInput={(e) => setTarget((e.target as HTMLInputElement).value)}
          />
        </label>
      </div>

      <WidgetSettingsForm value={widget} onChange={setWidget} />

      <div class="card">
        <h2>Identity verification</h2>
        <p class="muted">
          Your backend signs each signed-in user's id with this secret (HMAC-SHA256) so agents see them as
          verified. It is shown once: keep it on your server, never in the page.
        </p>
        {secret ? (
          <div class="snippet secret">
            <code>{secret}</code>
          </div>
        ) : (
          <button
            type="button"
            class="danger-outline"
            onClick={() => {
              if (
                !confirm(
                  'Rotate the identity secret? Signed-in users stay unverified until your backend uses the new one.',
                )
              )
                return;
              void flash.run(
                async () => onSecret((await api.rotateSecret(site.id)).identitySecret),
                'New secret made. Copy it now: it is shown once.',
              );
            }}
          >
            Rotate secret
          </button>
        )}
      </div>
      <div class="form-actions">
        <button type="submit" class="primary">
          Save changes
        </button>
      </div>
    </form>
  );
}

function AgentsSettings({ me }: { me: SignedInAgent }) {
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

function CannedSettings({ me }: { me: SignedInAgent }) {
  const [canned, setCanned] = useState<CannedResponse[]>([]);
  const [form, setForm] = useState({ shortcut: '', body: '', shared: false });
  const flash = useFlash();
  const load = () => api.canned().then((r) => setCanned(r.canned));
  useEffect(() => void load(), []);
  return (
    <div class="canned-layout">
      {flash.view}
      <div class="card">
        <h2>New canned response</h2>
        <p class="muted">
          Type <code>/shortcut</code> in the composer to insert it. Variables:{' '}
          <code>{'{{visitor.name}}'}</code> <code>{'{{agent.name}}'}</code> <code>{'{{site.name}}'}</code>
        </p>
        <form
          class="grid"
          onSubmit={(e) => {
            e.preventDefault();
            void flash.run(async () => {
              await api.createCanned(form);
              setForm({ shortcut: '', body: '', shared: false });
              await load();
            }, `/${form.shortcut} added`);
          }}
        >
          <label>
            Shortcut
            <input
              required
              placeholder="refund"
              value={form.shortcut}
              onInput={(e) => setForm({ ...form, shortcut: (e.target as HTMLInputElement).value })}
            />
          </label>
          <label>
            Text
            <textarea
              required
              rows={3}
              value={form.body}
              onInput={(e) => setForm({ ...form, body: (e.target as HTMLTextAreaElement).value })}
            />
          </label>
          {me.agent.role === 'admin' && (
            <label class="check">
              <input
                type="checkbox"
                checked={form.shared}
                onChange={(e) => setForm({ ...form, shared: (e.target as HTMLInputElement).checked })}
              />{' '}
              Shared with every agent
            </label>
          )}
          <div>
            <button type="submit" class="primary">
              Add
            </button>
          </div>
        </form>
      </div>
      <div class="card">
        <h2>Your responses</h2>
        <ul class="canned-list">
          {canned.map((c) => (
            <li key={c.id}>
              <div>
                <strong>/{c.shortcut}</strong> <span class="chip">{c.ownerId ? 'personal' : 'shared'}</span>
                <p>{c.body}</p>
              </div>
              {(c.ownerId === me.agent.id || me.agent.role === 'admin') && (
                <button
                  type="button"
                  class="link small"
                  onClick={() =>
                    void flash.run(async () => {
                      await api.deleteCanned(c.id);
                      await load();
                    }, `/${c.shortcut} removed`)
                  }
                >
                  Delete
                </button>
              )}
            </li>
          ))}
        </ul>
      </div>
      <p>
        <button type="button" class="link" onClick={() => go('inbox', 'open')}>
          ← Back to the inbox
        </button>
      </p>
    </div>
  );
}
