// Recognises mail no person wrote: delivery reports (bounces), auto-replies and Parley's own mail
// coming back. None of them may reopen a conversation or start a reply loop.
import type { HeaderValue, ParsedMail } from 'mailparser';

/** What kind of machine mail this is, or null for mail a person wrote. */
export type Automated = 'bounce' | 'auto_reply' | 'loop';

/** The header every email Parley sends carries, naming the inbound domain, so it is never taken back in. */
export const LOOP_HEADER = 'X-Parley-Loop';

function text(value: HeaderValue | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value.toLowerCase().trim();
  if (Array.isArray(value))
    return value
      .map((v) => (typeof v === 'string' ? v : v.value))
      .join(',')
      .toLowerCase();
  if (value instanceof Date) return '';
  return 'value' in value && typeof value.value === 'string' ? value.value.toLowerCase().trim() : '';
}

function reportType(mail: ParsedMail): string {
  const header = mail.headers.get('content-type');
  if (!header || typeof header !== 'object' || !('params' in header)) return '';
  const params = header.params as Record<string, string | undefined>;
  return `${header.value}; ${params['report-type'] ?? ''}`.toLowerCase();
}

/**
 * Bounces: a delivery-status report (RFC 3464) or a message from the mailer daemon. Auto-replies:
 * `Auto-Submitted` other than `no` (RFC 3834), `Precedence: bulk|junk|list|auto_reply`, the
 * common autoresponder headers, list mail, or a null envelope sender.
 * @example automated(mail, { envelopeFrom: '', inboundDomain }) // 'auto_reply' for a vacation notice
 */
export function automated(
  mail: ParsedMail,
  context: { envelopeFrom: string | null; inboundDomain: string },
): Automated | null {
  const { headers } = mail;
  if (text(headers.get(LOOP_HEADER.toLowerCase())) === context.inboundDomain.toLowerCase()) return 'loop';

  const sender = (mail.from?.value[0]?.address ?? '').toLowerCase();
  const daemon = /^(mailer-daemon|postmaster)@/.test(sender);
  const report = reportType(mail);
  if (report.startsWith('multipart/report') && report.includes('delivery-status')) return 'bounce';
  if (daemon) return 'bounce';

  const autoSubmitted = text(headers.get('auto-submitted')).split(';')[0]!.trim();
  if (autoSubmitted && autoSubmitted !== 'no') return 'auto_reply';
  if (['bulk', 'junk', 'list', 'auto_reply'].includes(text(headers.get('precedence')))) return 'auto_reply';
  for (const name of ['x-autoreply', 'x-autorespond', 'x-autoresponder', 'list-id']) {
    if (headers.has(name)) return 'auto_reply';
  }
  const returnPath = text(headers.get('return-path'));
  if (context.envelopeFrom === '' || returnPath === '<>') return 'auto_reply';
  return null;
}
