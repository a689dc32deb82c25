// Each site's email settings, for admins: whether resolving a conversation emails its transcript.
import type { EmailSiteSettings, SiteSummary } from '@parley/protocol';
import { useEffect, useState } from 'preact/hooks';

import { problem } from '../api';
import { emailApi } from './api';

export function EmailSettings({ sites }: { sites: SiteSummary[] }) {
  return (
    <div class="card">
      <h2>Transcripts</h2>
      {sites.length === 0 && <p class="muted">No sites yet.</p>}
      <ul class="email-settings">
        {sites.map((site) => (
          <SiteEmailSettings key={site.id} site={site} />
        ))}
      </ul>
    </div>
  );
}

function SiteEmailSettings({ site }: { site: SiteSummary }) {
  const [settings, setSettings] = useState<EmailSiteSettings | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    emailApi.siteSettings(site.id).then(
      (r) => setSettings(r.settings),
      (e) => setError(problem(e)),
    );
  }, [site.id]);

  const toggle = async (transcriptOnResolve: boolean) => {
    setError(null);
    setSaved(false);
    try {
      setSettings((await emailApi.saveSiteSettings(site.id, { transcriptOnResolve })).settings);
      setSaved(true);
    } catch (e) {
      setError(problem(e));
    }
  };

  return (
    <li>
      <label class="email-toggle">
        <input
          type="checkbox"
          disabled={settings === null}
          checked={settings?.transcriptOnResolve ?? false}
          onChange={(e) => void toggle((e.target as HTMLInputElement).checked)}
        />
        <span>
          <strong>{site.name}</strong>: email the transcript to the visitor when a conversation is resolved
          <span class="muted small"> (only when they gave an email; a reply reopens the conversation)</span>
        </span>
      </label>
      {saved && <span class="email-notice">Saved</span>}
      {error && (
        <span class="email-error" role="alert">
          {error}
        </span>
      )}
    </li>
  );
}
