// Card numbers (and the site's other kinds, privacy/redact.ts) masked in an inbound email before
// any of it is stored: subject, text, HTML and the content of text attachments. The original
// bytes (kept for held mail) are kept only when none of that held a number and the bytes, read
// as text, hold none either: a number may sit in them encoded (base64, quoted-printable), where
// no mask can reach, so an email that had anything masked is kept without its original.
// Binary attachments (PDF, images) are not read and are stored as they came.
import type { RedactionKind } from '@parley/protocol';
import sanitizeHtml from 'sanitize-html';
import { type RedactionSettings, redact } from '../privacy/redact';

export interface EmailParts {
  subject: string;
  text: string;
  /** Already sanitised (content.ts safeHtml). */
  html: string | null;
}

export interface AttachmentContent {
  contentType: string;
  size: number;
  content: Buffer;
}

/** Types whose content is text a visitor may have typed a number into. */
const TEXT_TYPES = /^(?:text\/|application\/(?:json|xml|csv)$)/;

/** The HTML as the reader sees it: tags gone, so digits split by markup are read together. */
const visibleText = (html: string) =>
  sanitizeHtml(html, { allowedTags: [], allowedAttributes: {}, disallowedTagsMode: 'discard' });

export function maskEmailParts<A extends AttachmentContent>(
  parts: EmailParts,
  attachments: A[],
  raw: Buffer,
  settings: RedactionSettings,
): { parts: EmailParts; attachments: A[]; redacted: RedactionKind[]; keepRaw: boolean } {
  const found = new Set<RedactionKind>();
  const mask = (text: string) => {
    const result = redact(text, settings);
    for (const kind of result.kinds) found.add(kind);
    return result.text;
  };
  let html = parts.html === null ? null : mask(parts.html);
  // A number the markup splits (<b>4242</b> 4242 …) is not in the string as one run: such HTML
  // is not kept at all, the text part stands for it.
  if (html !== null) {
    const left = redact(visibleText(html), settings).kinds;
    if (left.length > 0) {
      for (const kind of left) found.add(kind);
      html = null;
    }
  }
  const masked = {
    subject: mask(parts.subject),
    text: mask(parts.text),
    html,
  };
  const maskedAttachments = attachments.map((a) => {
    if (!TEXT_TYPES.test(a.contentType.toLowerCase())) return a;
    const utf8 = a.content.toString('utf8');
    const text = Buffer.from(utf8, 'utf8').equals(a.content) ? utf8 : a.content.toString('latin1');
    const result = redact(text, settings);
    if (result.kinds.length === 0) return a;
    for (const kind of result.kinds) found.add(kind);
    const content = Buffer.from(result.text, 'utf8');
    return { ...a, content, size: content.length };
  });
  const rawHolds = redact(raw.toString('latin1'), settings).kinds.length > 0;
  return {
    parts: masked,
    attachments: maskedAttachments,
    redacted: [...found],
    keepRaw: found.size === 0 && !rawHolds,
  };
}
