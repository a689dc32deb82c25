// For component tests that talk to a real relay in this process: the relay needs Node's globals
// (a Node test environment), the components need a DOM. This adds a happy-dom window's globals
// that Node lacks, and a fetch that, like the console's page, calls the relay with relative
// paths and its session cookie. Node's own fetch does the request: happy-dom's caches GETs for
// good, which would hide new mail. Import it before @testing-library.
import { Window } from 'happy-dom';

const nodeFetch = globalThis.fetch;
const testWindow = new Window({ url: 'http://localhost/' });
const scope = globalThis as Record<string, unknown>;
for (const key of Object.getOwnPropertyNames(testWindow)) {
  if (key in scope) continue;
  const value = (testWindow as unknown as Record<string, unknown>)[key];
  scope[key] = typeof value === 'function' && !/^[A-Z]/.test(key) ? value.bind(testWindow) : value;
}
scope.window = testWindow;
scope.document = testWindow.document;

let origin = 'http://localhost';
let cookie = '';

/** Points the page at the relay: relative fetches go there, with whatever cookie it set. */
export function pageOrigin(url: string): void {
  origin = url;
  testWindow.happyDOM.setURL(`${url}/console/`);
}

scope.fetch = async (input: string, init: RequestInit = {}) => {
  const headers = new Headers(init.headers);
  if (cookie) headers.set('cookie', cookie);
  const response = await nodeFetch(new URL(input, origin), { ...init, headers });
  const set = response.headers.getSetCookie().map((c) => c.split(';')[0]);
  if (set.length > 0) cookie = set.join('; ');
  return response;
};
