// @parley/triage: language, mood and intent of shop-support messages in en, ro and pl. Pure: no
// I/O, no network; the data files are compiled into data.generated.ts (`pnpm --filter @parley/triage data`).
export { analyse, type Triage } from './analyse';
export { conversationLanguage, detectLanguage, LANGUAGES, type Language, languageOf } from './language';
export { INTENTS, type Intent } from './lexicon';
export { conversationMood, type Mood, RECENT } from './mood';
export type { Sentiment } from './sentiment';
export { MAX_INPUT } from './text';
