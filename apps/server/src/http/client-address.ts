// The client address that per-address limits count: the peer's, or, behind proxies named in
// PARLEY_TRUST_PROXY, the hop X-Forwarded-For names before them (proxy-addr, as Express does).
import type { IncomingMessage } from 'node:http';
import proxyAddr from 'proxy-addr';

/**
 * A function answering a request's client address under the given trusted proxies.
 * @example const addressOf = clientAddress(['loopback']); addressOf(socket.request)
 */
export function clientAddress(trustProxy: string[]): (req: IncomingMessage) => string {
  const trusted = proxyAddr.compile(trustProxy);
  return (req) => proxyAddr(req, trusted);
}
