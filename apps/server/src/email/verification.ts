// Whether an inbound email really comes from the domain in its From: DKIM, SPF and DMARC as
// mailauth checks them. A reply whose domain's DMARC check fails is held, never added.
import { promises as dns } from 'node:dns';
import { authenticate, type DNSResolver } from 'mailauth';

/** DNS lookups as mailauth expects them; the system resolver unless told otherwise. */
const systemResolver: DNSResolver = (name, rrtype) =>
  dns.resolve(name, rrtype) as Promise<string[][] | string[]>;

export interface SenderCheck {
  /** DMARC says the From domain did not send this message. */
  failed: boolean;
  /** The DMARC line as for an Authentication-Results header, e.g. `dmarc=fail header.from=example.com`. */
  summary: string;
}

/**
 * Checks the message's DKIM signatures, the sending server's SPF and the From domain's DMARC policy.
 * Without a DMARC record nothing can fail; a DNS error is not a failure either.
 * @example await checkSender(raw, { ip: '203.0.113.5', helo: 'mx.example.com', envelopeFrom: 'jane@example.com', mta: 'parley.localhost' })
 */
export async function checkSender(
  raw: Buffer,
  context: { ip?: string; helo?: string; envelopeFrom: string | null; mta: string; resolver?: DNSResolver },
): Promise<SenderCheck> {
  const result = await authenticate(raw, {
    ...(context.ip ? { ip: context.ip } : {}),
    ...(context.helo ? { helo: context.helo } : {}),
    ...(context.envelopeFrom ? { sender: context.envelopeFrom } : {}),
    mta: context.mta,
    resolver: context.resolver ?? systemResolver,
    disableArc: true,
    disableBimi: true,
  });
  if (!result.dmarc) return { failed: false, summary: 'dmarc=none' };
  return { failed: result.dmarc.status.result === 'fail', summary: result.dmarc.info };
}
