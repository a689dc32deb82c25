// The console's Content-Security-Policy: it connects to the relay's own origin only and loads
// images from nowhere else, so markup that slipped into a page can neither beacon nor connect out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRelay } from '../testing';

let env: Awaited<ReturnType<typeof startTestRelay>>;
beforeAll(async () => {
  env = await startTestRelay({ publicUrl: 'https://relay.test' });
});
afterAll(() => env.relay.close());

function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy.split(';').map((part) => {
      const [name = '', ...sources] = part.trim().split(/ +/);
      return [name, sources];
    }),
  );
}

describe('the console CSP', () => {
  it("allows connections to the relay's own origin only, and no images from other hosts", async () => {
    const response = await fetch(`${env.relay.url}/console/`);
    const policy = directives(response.headers.get('content-security-policy') ?? '');
    expect(policy.get('connect-src')).toEqual(["'self'", 'wss://relay.test']);
    expect(policy.get('img-src')).toEqual(["'self'", 'data:']);
    expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
  });
});
