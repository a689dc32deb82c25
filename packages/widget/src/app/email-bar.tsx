// The email channel in the widget, a lazy chunk: "Email me instead" (one field when the relay has
// no address yet), "continuing at j***@example.com" with "switch back to chat", and the mark on
// turns that came or went by email. Its words carry their own translations to stay out of the
// first open.
import type {
  AckedEvent,
  EmailWidgetClientToServerEvents,
  EventPayload,
  Result,
  VisitorConversation,
} from '@parley/protocol';
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { isEmail } from './email';
import css from './email-bar.css?inline';

const sheet = new CSSStyleSheet();
sheet.replaceSync(css);
document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];

const WORDS = {
  en: {
    emailMe: 'Email me instead',
    continuing:
      'Continuing by email at {email}: check your inbox and reply to our email. Replies also show here.',
    backToChat: 'Switch back to chat',
    yourEmail: 'Your email',
    send: 'Email me',
    cancel: 'Cancel',
    invalid: 'Please enter a valid email address.',
    byEmail: 'by email',
  },
  ro: {
    emailMe: 'Trimiteți-mi pe email',
    continuing:
      'Continuăm pe email la {email}: verificați căsuța și răspundeți emailului nostru. Răspunsurile apar și aici.',
    backToChat: 'Înapoi la chat',
    yourEmail: 'Emailul dumneavoastră',
    send: 'Trimiteți-mi',
    cancel: 'Renunță',
    invalid: 'Introduceți o adresă de email validă.',
    byEmail: 'pe email',
  },
  pl: {
    emailMe: 'Wolę e-mail',
    continuing:
      'Kontynuujemy przez e-mail pod adresem {email}: sprawdź skrzynkę i odpowiedz na naszą wiadomość. Odpowiedzi widać też tutaj.',
    backToChat: 'Wróć do czatu',
    yourEmail: 'Twój e-mail',
    send: 'Wyślij e-mail',
    cancel: 'Anuluj',
    invalid: 'Podaj poprawny adres e-mail.',
    byEmail: 'przez e-mail',
  },
};

/** The words in the widget's current language (set on the document by the app). */
const emailWords = () => WORDS[document.documentElement.lang as keyof typeof WORDS] ?? WORDS.en;

type EmailEvent = AckedEvent<EmailWidgetClientToServerEvents>;

/** Asks the relay over the visitor's socket one of the email events; answers its ack. */
export type Ask = (
  event: EmailEvent,
  payload: EventPayload<EmailWidgetClientToServerEvents, EmailEvent>,
) => Promise<Result<object>>;

export interface EmailBarProps {
  conversation: VisitorConversation;
  ask: Ask;
}

export function EmailBar({ conversation, ask }: EmailBarProps): JSX.Element | null {
  const words = emailWords();
  const [asking, setAsking] = useState(false);
  const [email, setEmail] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const conversationId = conversation.id;

  const run = async (event: EmailEvent, payload: { email?: string }) => {
    setBusy(true);
    setError(null);
    const result = await ask(event, { conversationId, ...payload });
    setBusy(false);
    return result;
  };

  if (conversation.channel === 'email') {
    return (
      <div class="email-bar on" role="status">
        <span class="grow">✉ {words.continuing.replace('{email}', conversation.emailTo ?? '')}</span>
        <button
          type="button"
          class="link"
          disabled={busy}
          onClick={async () => {
            const result = await run('conversation:chat', {});
            if (!result.ok) setError(result.message);
          }}
        >
          {words.backToChat}
        </button>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
      </div>
    );
  }
  if (conversation.status === 'resolved') return null;

  const emailMe = async (address?: string) => {
    const result = await run('conversation:email', address ? { email: address } : {});
    if (result.ok) {
      setAsking(false);
      return;
    }
    // No address on file yet: ask for one, with one field.
    if (!address && result.code === 'bad_request') setAsking(true);
    else setError(result.message);
  };

  return (
    <div class="email-bar">
      {asking ? (
        <form
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            if (!isEmail(email)) return setError(words.invalid);
            void emailMe(email.trim());
          }}
        >
          <input
            type="email"
            aria-label={words.yourEmail}
            placeholder={words.yourEmail}
            autoComplete="email"
            value={email}
            onInput={(e) => setEmail(e.currentTarget.value)}
          />
          <button type="submit" class="go" disabled={busy}>
            {words.send}
          </button>
          <button type="button" class="link" onClick={() => setAsking(false)}>
            {words.cancel}
          </button>
        </form>
      ) : (
        <button type="button" class="link" disabled={busy} onClick={() => void emailMe()}>
          ✉ {words.emailMe}
        </button>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

/** The mark beside a turn that came or went by email. */
export function ByEmail(): JSX.Element {
  return <span class="by-email"> · ✉ {emailWords().byEmail}</span>;
}
