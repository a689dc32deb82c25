// The sites tab: the list of sites with a form to add one, and the settings of the one picked.
import type { SiteAdminView } from '@parley/protocol';
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { SiteForm } from './SiteForm';
import { useFlash } from './useFlash';
import './settings.css';

export function SitesTab() {
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
