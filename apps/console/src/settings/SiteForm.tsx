// One site's settings: its embed snippet, name, allowed origins, assignment, first-response
// target, widget look and hours, what is masked in messages, and its identity secret (shown
// once, rotated on demand).
import type { SiteAdminView } from '@parley/protocol';
import { useState } from 'preact/hooks';
import { api } from '../api';
import { WidgetSettingsForm } from '../components/WidgetSettingsForm';
import type { Flash } from './useFlash';

export function SiteForm({
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
  flash: Flash;
}) {
  const [name, setName] = useState(site.name);
  const [origins, setOrigins] = useState(site.allowedOrigins.join('\n'));
  const [assignment, setAssignment] = useState(site.assignment);
  // Minutes on screen, seconds stored: an untouched field keeps the stored seconds exactly.
  const [target, setTarget] = useState<string | null>(null);
  const [widget, setWidget] = useState(site.widget);
  const [redaction, setRedaction] = useState(site.redaction);
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
        redaction,
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

      <div class="card grid">
        <h2>Sensitive numbers</h2>
        <p class="muted" id={`redaction-help-${site.id}`}>
          Card numbers are always masked before a message or an email is stored, leaving the last four digits
          (•••• •••• •••• 4242), and the visitor is told why. The original is never kept.
        </p>
        <fieldset aria-describedby={`redaction-help-${site.id}`}>
          <legend>Also mask</legend>
          <label class="check">
            <input
              type="checkbox"
              checked={redaction.iban}
              onChange={(e) => setRedaction({ ...redaction, iban: (e.target as HTMLInputElement).checked })}
            />{' '}
            Bank account numbers (IBAN)
          </label>
          <label class="check">
            <input
              type="checkbox"
              checked={redaction.nationalIds}
              onChange={(e) =>
                setRedaction({ ...redaction, nationalIds: (e.target as HTMLInputElement).checked })
              }
            />{' '}
            National identity numbers (Romanian CNP, Polish PESEL)
          </label>
        </fieldset>
      </div>

      <div class="card">
        <h2>Identity verification</h2>
        <p class="muted">
          Your backend signs each signed-in user's id with this secret (HMAC-SHA256) so agents see them as
          verified; sign <code>id + "\n" + email</code> (email in lower case) to have the email shown as
          verified too. It is shown once: keep it on your server, never in the page.
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
