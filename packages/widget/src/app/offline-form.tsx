// The contact form a site shows when nobody is there: it becomes a conversation, answered by email.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { isEmail } from './email';
import { Field } from './fields';
import type { Strings } from './i18n';

export interface OfflineFormProps {
  strings: Strings;
  /** Answers an error message to show, or null once the relay stored the message. */
  onSubmit(form: { name?: string; email: string; body: string }): Promise<string | null>;
}

export function OfflineForm({ strings, onSubmit }: OfflineFormProps): JSX.Element {
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [body, setBody] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (!email.trim() || !body.trim()) return setError(strings.fillRequired);
    if (!isEmail(email)) return setError(strings.invalidEmail);
    setBusy(true);
    setError(await onSubmit({ ...(name.trim() ? { name: name.trim() } : {}), email: email.trim(), body }));
    setBusy(false);
  };

  return (
    <form class="form" onSubmit={submit} noValidate>
      <h2>{strings.offlineTitle}</h2>
      <p>{strings.offlineIntro}</p>
      <Field
        label={strings.name}
        type="text"
        required={false}
        strings={strings}
        value={name}
        onInput={setName}
      />
      <Field label={strings.email} type="email" required strings={strings} value={email} onInput={setEmail} />
      <Field
        label={strings.message}
        type="textarea"
        required
        strings={strings}
        value={body}
        onInput={setBody}
      />
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" class="primary" disabled={busy}>
        {strings.send}
      </button>
    </form>
  );
}
