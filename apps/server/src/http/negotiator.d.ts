// negotiator 1.x (the one Express itself uses) orders codings a request rates alike by a
// `preferred` list; @types/negotiator still describes 0.6, which has no such option.
declare module 'negotiator' {
  class Negotiator {
    constructor(request: { headers: Record<string, string | string[] | undefined> });
    /** The available codings the request accepts, best first (q-values, then `preferred`). */
    encodings(available: readonly string[], options?: { preferred?: readonly string[] }): string[];
  }
  export = Negotiator;
}
