// The pre-chat form a site may ask for: name, email, its own fields, and consent with a link to
// its privacy policy. Loaded only when the site has one.
import type { SiteSettings, VisitorProfilePayload } from '@parley/protocol';
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { isEmail } from './email';
import { Field } from './fields';
import type { Strings } from './i18n';

export interface PreChatProps {
  preChat: SiteSettings['preChat'];
  strings: Strings;
  /** Answers an error message to show, or null once the relay stored the form. */
  onSubmit(profile: VisitorProfilePayload): Promise<string | null>;
}

export function PreChat({ preChat, strings, onSubmit }: PreChatProps): JSX.Element {
  const [values, setValues] = useState<Record<string, string>>({});
  const [consent, setConsent] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    const missing = preChat.fields.some((f) => f.required && !values[f.key]?.trim());
    if (missing || (preChat.consentText && !consent)) return setError(strings.fillRequired);
    const badEmail = preChat.fields.some(
      (f) => f.type === 'email' && values[f.key] && !isEmail(values[f.key]!),
    );
    if (badEmail) return setError(strings.invalidEmail);
    const profile: VisitorProfilePayload = {};
    const fields: Record<string, string> = {};
    for (const field of preChat.fields) {
      const value = values[field.key]?.trim();
      if (!value) continue;
      if (field.key === 'name') profile.name = value;
      else if (field.key === 'email') profile.email = value;
      else fields[field.key] = value;
    }
    if (Object.keys(fields).length) profile.fields = fields;
    if (preChat.consentText) profile.consent = consent;
    setBusy(true);
    setError(await onSubmit(profile));
    setBusy(false);
  };

  return (
    <form class="form" onSubmit={submit} noValidate>
      <h2>{strings.preChatTitle}</h2>
      {preChat.fields.map((field) => (
        <Field
          key={field.key}
          label={field.label}
          type={field.type}
          required={field.required}
          strings={strings}
          value={values[field.key] ?? ''}
          onInput={(value) => setValues({ ...values, [field.key]: value })}
        />
      ))}
      {preChat.consentText && (
        <label class="consent">
          <input type="checkbox" checked={consent} onChange={(e) => setConsent(e.currentTarget.checked)} />
          <span>
            {preChat.consentText}
            {preChat.privacyUrl && (
              <>
                {' '}
                <a href={preChat.privacyUrl} target="_blank" rel="noopener noreferrer">
                  {strings.privacy}
                </a>
              </>
            )}
          </span>
        </label>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" class="primary" disabled={busy}>
        {strings.startChat}
      </button>
    </form>
  );
}
