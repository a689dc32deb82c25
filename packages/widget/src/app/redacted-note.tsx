// Why a visitor's message shows dots where they typed a number: the relay masked a card number
// (or an IBAN, CNP or PESEL, where the site asks) before storing it. A lazy chunk, in the
// widget's three languages, so the first open carries none of its words.
import type { JSX } from 'preact';

const WORDS = {
  en: 'For your safety, we hid the card, account or ID number.',
  ro: 'Pentru siguranța ta, am ascuns numărul de card, de cont sau CNP-ul.',
  pl: 'Dla Twojego bezpieczeństwa ukryliśmy numer karty, konta lub PESEL.',
};

export function RedactedNote(): JSX.Element {
  const words = WORDS[document.documentElement.lang as keyof typeof WORDS] ?? WORDS.en;
  return (
    <div class="status" role="note">
      {words}
    </div>
  );
}
