// After the agent closes the conversation: a one-tap rating, an optional comment, and a way to
// start over.
import type { ConversationRating } from '@parley/protocol';
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { formStyles } from './form-styles';
import type { Strings } from './i18n';

formStyles();

export interface RatingProps {
  strings: Strings;
  rating: ConversationRating | null;
  /** Answers an error message to show, or null once stored. */
  onRate(score: number, comment?: string): Promise<string | null>;
  onNewConversation(): void;
}

const FACES = [
  { score: 1, face: '☹', key: 'rateBad' },
  { score: 3, face: '😐', key: 'rateOkay' },
  { score: 5, face: '☺', key: 'rateGreat' },
] as const;

export function Rating({ strings, rating, onRate, onNewConversation }: RatingProps): JSX.Element {
  const [comment, setComment] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [commented, setCommented] = useState(Boolean(rating?.comment));

  return (
    <section class="rating" aria-label={strings.rate}>
      <p>{strings.resolved}</p>
      {!rating ? (
        <>
          <p class="question">{strings.rate}</p>
          <div class="faces">
            {FACES.map(({ score, face, key }) => (
              <button
                key={score}
                type="button"
                class="face"
                aria-label={strings[key]}
                title={strings[key]}
                onClick={async () => setError(await onRate(score))}
              >
                <span aria-hidden="true">{face}</span>
              </button>
            ))}
          </div>
        </>
      ) : commented ? (
        <p class="thanks">{strings.thanks}</p>
      ) : (
        <form
          onSubmit={async (event) => {
            event.preventDefault();
            if (!comment.trim()) return;
            const problem = await onRate(rating.score, comment.trim());
            setError(problem);
            if (!problem) setCommented(true);
          }}
        >
          <p class="thanks">{strings.thanks}</p>
          <label class="field">
            {strings.commentLabel}
            <textarea
              rows={2}
              maxLength={1000}
              value={comment}
              onInput={(e) => setComment(e.currentTarget.value)}
            />
          </label>
          <button type="submit" class="secondary" disabled={!comment.trim()}>
            {strings.sendComment}
          </button>
        </form>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <button type="button" class="primary" onClick={onNewConversation}>
        {strings.newConversation}
      </button>
    </section>
  );
}
