// What of an inbound email reaches the timeline: the new text without quoted history or
// signature, HTML that can neither run nor phone home, and attachments with safe names and types.
import { MAX_MESSAGE_LENGTH } from '@parley/protocol';
import EmailReplyParser from 'email-reply-parser';
import { extension, contentType as typeFor } from 'mime-types';
import sanitizeFilename from 'sanitize-filename';
import sanitizeHtml from 'sanitize-html';

/**
 * The part of a reply the visitor just wrote: quoted history ("On ... wrote:", "> ...") and
 * signatures ("-- ", "Sent from my iPhone") removed, cut to the timeline's message limit.
 * @example newText('Yes please\n\nOn Mon, Shop wrote:\n> In stock?') // 'Yes please'
 */
export function newText(text: string): string {
  const visible = new EmailReplyParser().parseReply(text.replace(/\r\n?/g, '\n')).trim();
  return visible.length > MAX_MESSAGE_LENGTH ? `${visible.slice(0, MAX_MESSAGE_LENGTH - 1)}…` : visible;
}

/** Links keep absolute addresses only: a relative one would resolve against the console itself. */
const ABSOLUTE_LINK = /^(https?:|mailto:)/i;

const HTML_OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [...sanitizeHtml.defaults.allowedTags, 'img'],
  allowedAttributes: {
    a: ['href', 'title', 'rel', 'target'],
    img: ['src', 'alt', 'width', 'height'],
    td: ['colspan', 'rowspan'],
    th: ['colspan', 'rowspan'],
  },
  allowedSchemes: ['http', 'https', 'mailto'],
  // Images embedded in the message arrive as data: URIs; a remote image is a tracker and goes.
  allowedSchemesByTag: { img: ['data'] },
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  transformTags: {
    a: (tagName, { href, ...attribs }) => ({
      tagName,
      attribs: {
        ...attribs,
        ...(href && ABSOLUTE_LINK.test(href.trim()) ? { href: href.trim() } : {}),
        rel: 'noopener noreferrer nofollow',
        target: '_blank',
      },
    }),
  },
  exclusiveFilter: (frame) => frame.tag === 'img' && !/^data:/i.test(frame.attribs.src ?? ''),
};

/**
 * Email HTML made safe to show: no scripts, styles, frames, forms or event handlers, links that
 * open apart, and no image that would load from anywhere.
 */
export function safeHtml(html: string): string {
  return sanitizeHtml(html, HTML_OPTIONS);
}

/** Types a browser would run or render as a page: served as opaque bytes instead. */
const ACTIVE_TYPES = new Set([
  'text/html',
  'application/xhtml+xml',
  'image/svg+xml',
  'text/xml',
  'application/xml',
  'text/javascript',
  'application/javascript',
]);

/**
 * A name that is one plain file name (no path, no control or reserved characters) and a known
 * content type that no browser executes.
 * @example safeAttachment('../../etc/passwd', 'text/plain') // { filename: 'etcpasswd', contentType: 'text/plain' }
 */
export function safeAttachment(
  filename: string | undefined,
  declaredType: string,
): { filename: string; contentType: string } {
  const cleaned = sanitizeFilename((filename ?? '').normalize('NFC'), { replacement: '' }).trim();
  const name = cleaned.replace(/^\.+/, '').slice(-120) || 'attachment';
  const declared = declaredType.toLowerCase().split(';')[0]!.trim();
  const known = extension(declared) ? declared : (typeFor(name) || 'application/octet-stream').split(';')[0]!;
  return { filename: name, contentType: ACTIVE_TYPES.has(known) ? 'application/octet-stream' : known };
}
