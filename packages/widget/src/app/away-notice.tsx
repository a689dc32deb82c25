// While nobody is available and the site keeps the chat open: an honest expected reply time and
// a place to leave an email address for the answer.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { isEmail } from './email';
import { formStyles } from './form-styles';
import { format, type Strings } from './i18n';

formStyles();

export function AwayNotice(props: {
  strings: Strings;
  expected: string;
  emailGiven: string | null;
  onEmail(email: string): Promise<string | null>;
}): JSX.Element {
  const { strings } = props;
  const [email, setEmail] = useState('');
  const [error, setError] = useState<string | null>(null);
  if (props.emailGiven)
    return <p class="notice">{format(strings.emailSaved, { email: props.emailGiven })}</p>;
  return (
    <form
      class="notice away-form"
      onSubmit={async (event) => {
        event.preventDefault();
        if (!isEmail(email)) return setError(strings.invalidEmail);
        setError(await props.onEmail(email.trim()));
      }}
      noValidate
    >
      <p>{format(strings.awayReply, { time: props.expected })}</p>
      <div class="inline">
        <input
          type="email"
          aria-label={strings.emailLabel}
          placeholder={strings.emailLabel}
          autoComplete="email"
          value={email}
          onInput={(e) => setEmail(e.currentTarget.value)}
        />
        <button type="submit" class="secondary">
          {strings.save}
        </button>
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
