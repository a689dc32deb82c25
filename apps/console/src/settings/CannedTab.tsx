// The canned responses tab: add a response (shared ones by admins) and delete one's own.
import type { CannedResponse, SignedInAgent } from '@parley/protocol';
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { go } from '../route';
import { useFlash } from './useFlash';
import './settings.css';

export function CannedTab({ me }: { me: SignedInAgent }) {
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
