// The loader on a page: the launcher's z-index and the page's own offset from the script tag.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CSS } from './style';

/** Runs the loader as if from `<script data-site="…" {attributes}>`; answers the launcher's box. */
async function load(attributes: Record<string, string>): Promise<HTMLDivElement> {
  const script = document.createElement('script');
  script.src = 'https://relay.example/widget/loader.js';
  script.dataset.site = 'site-key-1';
  for (const [name, value] of Object.entries(attributes)) script.setAttribute(name, value);
  Object.defineProperty(document, 'currentScript', { value: script, configurable: true });
  // host.js is not what is tested here: it is never asked for.
  vi.stubGlobal('requestIdleCallback', () => 0);
  vi.resetModules();
  await import('./loader');
  return document.querySelector('parley-widget')!.shadowRoot!.querySelector('div')!;
}

function unload(): void {
  document.querySelector('parley-widget')?.remove();
  delete (window as { Parley?: unknown }).Parley;
}
afterEach(() => {
  unload();
  vi.unstubAllGlobals();
});

describe('the launcher', () => {
  it('takes the highest z-index, and its distance from the edges from --b and --s', () => {
    expect(CSS).toContain('z-index:2147483647;');
    expect(CSS).toContain('bottom:var(--b,20px);right:var(--s,20px)');
    expect(CSS).toContain('.L{right:auto;left:var(--s,20px)');
  });

  it("keeps the page's own offset from the script tag, clamped, and ignores one that is not a number", async () => {
    const box = await load({ 'data-offset-bottom': '96', 'data-offset-side': '9000' });
    expect([box.style.getPropertyValue('--b'), box.style.getPropertyValue('--s')]).toEqual(['96px', '500px']);
    unload();

    const odd = await load({ 'data-offset-bottom': 'lots', 'data-offset-side': '-4' });
    expect([odd.style.getPropertyValue('--b'), odd.style.getPropertyValue('--s')]).toEqual(['', '']);
  });
});
