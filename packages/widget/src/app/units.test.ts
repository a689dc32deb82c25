import { describe, expect, it } from 'vitest';
import { globMatches, matchesPage } from './conversation';
import { format, pickLanguage } from './i18n';
import { linkParts } from './linkify';
import { Decoder, Encoder, type Packet } from './packet-codec';

describe('links', () => {
  it('finds http(s) and www addresses, leaving trailing punctuation as text', () => {
    expect(linkParts('See https://shop.test/a?b=1, or www.shop.test.')).toEqual([
      { text: 'See ' },
      { text: 'https://shop.test/a?b=1', href: 'https://shop.test/a?b=1' },
      { text: ', or ' },
      { text: 'www.shop.test', href: 'https://www.shop.test' },
      { text: '.' },
    ]);
    expect(linkParts('javascript:alert(1) data:text/html,x')).toEqual([
      { text: 'javascript:alert(1) data:text/html,x' },
    ]);
  });
});

describe('proactive message patterns', () => {
  it('matches the path with * wildcards, or the whole URL when the pattern has a scheme', () => {
    expect(matchesPage(null, 'https://shop.test/anything')).toBe(true);
    expect(matchesPage('/products/*', 'https://shop.test/products/blue-mug')).toBe(true);
    expect(matchesPage('/products/*', 'https://shop.test/cart')).toBe(false);
    expect(matchesPage('/cart', 'https://shop.test/cart?x=1')).toBe(true);
    expect(matchesPage('https://shop.test/*', 'https://other.test/')).toBe(false);
    expect(matchesPage('/a.b', 'https://shop.test/aXb')).toBe(false);
    expect(matchesPage('/*/*-mug', 'https://shop.test/products/blue-mug')).toBe(true);
    expect(matchesPage('/*/*-mug', 'https://shop.test/products/blue-cup')).toBe(false);
  });

  it('matches stars by their parts, never by retrying every split', () => {
    expect(globMatches('a*b*c', 'abc')).toBe(true);
    expect(globMatches('a*b*c', 'ac')).toBe(false);
    expect(globMatches('*ab*ab*', 'xabyab')).toBe(true);
    expect(globMatches('ab*ba', 'aba')).toBe(false);
    expect(globMatches('**', '')).toBe(true);
    // Eight stars over a long path that fails at its very end: a `.*` regex tries ~n^8 splits.
    const path = `/${'a'.repeat(1900)}`;
    expect(matchesPage(`/${'*a'.repeat(8)}b`, `https://shop.test${path}`)).toBe(false);
    expect(globMatches(`/${'*a'.repeat(8)}*`, path)).toBe(true);
  });
});

describe('languages', () => {
  it('prefers the API, then the site, then the browser, falling back to English', () => {
    expect(pickLanguage('auto', null, 'ro-RO')).toBe('ro');
    expect(pickLanguage('pl', null, 'ro-RO')).toBe('pl');
    expect(pickLanguage('pl', 'en', 'ro-RO')).toBe('en');
    expect(pickLanguage('auto', 'xx', 'de-DE')).toBe('en');
    expect(format('{name} is typing…', { name: 'Ana' })).toBe('Ana is typing…');
  });
});

describe('packet codec', () => {
  // Texts as socket.io-parser writes them (protocol 5).
  const cases: [Packet, string][] = [
    [{ type: 0, nsp: '/visitor', data: { siteKey: 'k' } }, '0/visitor,{"siteKey":"k"}'],
    [
      { type: 2, nsp: '/visitor', data: ['message:send', { body: 'hi' }], id: 12 },
      '2/visitor,12["message:send",{"body":"hi"}]',
    ],
    [{ type: 3, nsp: '/visitor', data: [{ ok: true }], id: 12 }, '3/visitor,12[{"ok":true}]'],
    [{ type: 2, nsp: '/', data: ['typing', 1] }, '2["typing",1]'],
    [{ type: 1, nsp: '/visitor' }, '1/visitor,'],
  ];

  it('writes and reads the same text as socket.io-parser', () => {
    const decoded: Packet[] = [];
    const decoder = new Decoder().on('decoded', (p) => decoded.push(p));
    for (const [packet, text] of cases) {
      expect(new Encoder().encode(packet)).toEqual([text]);
      decoder.add(text);
    }
    expect(decoded).toEqual(cases.map(([packet]) => packet));
  });

  it('refuses binary packets and garbage', () => {
    const decoder = new Decoder();
    for (const bad of ['51-/visitor,["x",{"_placeholder":true,"num":0}]', 'x', '', '2/visitor,{not json']) {
      expect(() => decoder.add(bad)).toThrow();
    }
    expect(() => decoder.add(new Uint8Array([1]))).toThrow();
  });
});
