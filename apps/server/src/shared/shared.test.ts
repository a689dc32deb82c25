import { describe, expect, it } from 'vitest';
import { escapeHtml } from './html';
import { originOf } from './origin';
import { hashToken } from './tokens';

describe('originOf', () => {
  it('keeps scheme, host and port in lower case, and refuses what is not a URL', () => {
    expect(originOf('https://Shop.Example:8443/cart?x=1')).toBe('https://shop.example:8443');
    expect(originOf('http://localhost:3000')).toBe('http://localhost:3000');
    expect(originOf('not a url')).toBeNull();
    expect(originOf('null')).toBeNull();
  });
});

describe('escapeHtml', () => {
  it('escapes the five characters that matter in elements and quoted attributes', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });
});

describe('hashToken', () => {
  it('is hex SHA-256', () => {
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
