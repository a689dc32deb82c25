// What of an inbound email reaches the timeline: the new text without quoted history or
// signature, HTML that can neither run nor phone home, and attachments with safe names and types.
import { MAX_MESSAGE_LENGTH } from '@parley/protocol';
import EmailReplyParser from 'email-reply-parser';
import { extension, contentType as typeFor } from 'mime-types';
import sanitizeFilename from 'sanitize-filename';
import sanitizeHtml from 'sanitize-html';

/**
 * How much of an email the reply parser sees. The new text is at the top and the timeline keeps
 * MAX_MESSAGE_LENGTH characters of it; the parser's patterns backtrack across long lines and runs
 * of lines, so its input is cut in characters, in line length and in lines before it runs (its
 * worst case on this much is a few milliseconds, measured in content.test.ts).
 */
const PARSED_CHARS = 2 * MAX_MESSAGE_LENGTH;
const PARSED_LINE_CHARS = 1_000;
const PARSED_LINES = 200;

/**
 * Where the quoted history starts in the clients our visitors use that the parser does not know:
 * Gmail's Romanian and Polish headers, Outlook's header blocks, and "sent from my phone" lines.
 * Each runs on one line of at most PARSED_LINE_CHARS, anchored, with no nested repetition.
 */
const GMAIL_HEADER = [/^[iî]n\s.{1,400}\sa\sscris:$/iu, /^.{1,400}\snapisa[łl](?:\(a\))?:$/iu];
const WRAPPED_TAIL = /^(?:a\sscris|napisa[łl](?:\(a\))?):$/iu;
/** A header names the date: a line without a digit is the visitor's own words. */
const gmailHeader = (line: string) => /\d/.test(line) && GMAIL_HEADER.some((re) => re.test(line));
const MOBILE_SIGNATURE = /^(?:trimis\s(?:de\spe|din)|wys[łl]ane\sz)\s.{1,80}$/iu;
const OUTLOOK_FROM = /^(?:de\sla|od)\s?:\s/iu;
const OUTLOOK_FIELD = /^(?:trimis|data|c[ăa]tre|subiect|wys[łl]ane|do|temat|dw)\s?:\s/iu;
/** Outlook's rule above its header block. */
const SEPARATOR = /^[_-]{8,}$/;

/** The first lines of an email, each cut to PARSED_LINE_CHARS, runs of blank lines made one. */
function topLines(text: string): string[] {
  const lines: string[] = [];
  for (const raw of text.slice(0, PARSED_CHARS).split(/\r\n|\r|\n/)) {
    const line = raw.slice(0, PARSED_LINE_CHARS);
    if (line.trim() === '' && (lines.length === 0 || lines[lines.length - 1]!.trim() === '')) continue;
    lines.push(line);
    if (lines.length === PARSED_LINES) break;
  }
  return lines;
}

/** Index of the first line that starts a quote or signature in RO/PL clients, or -1. */
function localQuoteStart(lines: string[]): number {
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    const next = (lines[i + 1] ?? '').trim();
    // Gmail wraps a long header: "… <ion@x.ro>" on one line, "a scris:" alone on the next.
    const wrapped = WRAPPED_TAIL.test(next) && gmailHeader(`${line} ${next}`);
    if (gmailHeader(line) || wrapped || MOBILE_SIGNATURE.test(line)) return i;
    if (
      OUTLOOK_FROM.test(line) &&
      lines.slice(i + 1, i + 4).some((field) => OUTLOOK_FIELD.test(field.trim()))
    ) {
      return i > 0 && SEPARATOR.test(lines[i - 1]!.trim()) ? i - 1 : i;
    }
  }
  return -1;
}

/**
 * The part of a reply the visitor just wrote: quoted history ("On ... wrote:", "În ... a scris:",
 * "... napisał(a):", Outlook's "From:/De la:/Od:" block, "> ...") and signatures ("-- ", "Sent
 * from my iPhone", "Trimis de pe iPhone", "Wysłane z iPhone'a") removed, cut to the timeline's
 * message limit.
 * @example newText('Yes please\n\nOn Mon, Shop wrote:\n> In stock?') // 'Yes please'
 */
export function newText(text: string): string {
  const lines = topLines(text);
  const cut = localQuoteStart(lines);
  const top = (cut < 0 ? lines : lines.slice(0, cut)).join('\n');
  const visible = new EmailReplyParser().parseReply(top).trim();
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
