// Origins as browsers send them, one rule for the handshake checks, the allowlists and the
// widget's frame page.

/**
 * `scheme://host[:port]` in lower case, with no path; null for anything that is not a URL.
 * @example originOf('https://Shop.example/cart') // 'https://shop.example'
 */
export function originOf(value: string): string | null {
  try {
    return new URL(value).origin.toLowerCase();
  } catch {
    return null;
  }
}
