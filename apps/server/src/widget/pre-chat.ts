// The pre-chat form as the site configured it: what a submitted form must contain.
import type { SiteSettings, VisitorProfilePayload } from '@parley/protocol';

/** What is wrong with a submitted pre-chat form, or null when the site's rules are met. */
export function preChatProblem(preChat: SiteSettings['preChat'], form: VisitorProfilePayload): string | null {
  const known = new Set(preChat.fields.map((field) => field.key));
  const unknown = Object.keys(form.fields ?? {}).find((key) => !known.has(key));
  if (unknown) return `fields.${unknown}: this site asks no such question`;
  for (const field of preChat.fields) {
    if (!field.required) continue;
    const value =
      field.key === 'name' ? form.name : field.key === 'email' ? form.email : form.fields?.[field.key];
    if (!value) return `${field.key}: ${field.label} is required`;
  }
  if (preChat.consentText && form.consent !== true) return 'consent: please accept before chatting';
  return null;
}
