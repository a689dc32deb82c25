// Properties of what an inbound email may bring into the console: sanitised HTML, attachment
// names and types, and the reply text.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newText, safeAttachment, safeHtml } from './content';

const hostile = fc.constantFrom(
  '<script>alert(1)</script>',
  '<img src="https://tracker.test/p.gif">',
  '<img src=x onerror=alert(1)>',
  '<a href="javascript:alert(1)">x</a>',
  '<a href=" JaVaScRiPt:alert(1)">x</a>',
  '<iframe src="https://evil.test"></iframe>',
  '<svg><script>alert(1)</script></svg>',
  '<style>body{background:url(https://tracker.test)}</style>',
  '<div style="background:url(https://tracker.test)">x</div>',
  '<body onload="alert(1)">',
  '<object data="x.swf"></object>',
  '<form action="https://evil.test"><input name=p></form>',
  '<meta http-equiv="refresh" content="0;url=https://evil.test">',
  '<link rel="stylesheet" href="https://evil.test/x.css">',
  '<a href="//evil.test/x">x</a>',
  '<p>Hello <b>there</b></p>',
  '<img src="data:image/png;base64,iVBORw0KGgo=">',
  '<',
  '>',
  '"',
);

describe('inbound HTML', () => {
  it('never keeps a script, an event handler, a frame, a style or anything that loads from elsewhere', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(hostile, fc.string({ maxLength: 20 })), { maxLength: 12 }), (parts) => {
        const html = safeHtml(parts.join(''));
        expect(html).not.toMatch(/<(script|iframe|style|svg|object|form|input|meta|link|body)\b/i);
        expect(html).not.toMatch(/<[^>]*\son\w+\s*=/i);
        expect(html).not.toMatch(/<[^>]*\sstyle\s*=/i);
        expect(html).not.toMatch(/\shref="(?!https?:|mailto:)/i);
        expect(html).not.toMatch(/<img\b(?![^>]*\ssrc="data:)/i);
      }),
    );
  });

  it('keeps the harmless formatting and links, opened apart', () => {
    expect(safeHtml('<p>Hello <b>there</b> <a href="https://shop.test/o">order</a></p>')).toBe(
      '<p>Hello <b>there</b> <a href="https://shop.test/o" rel="noopener noreferrer nofollow" target="_blank">order</a></p>',
    );
  });
});

describe('attachments', () => {
  it('get one plain file name and a type no browser runs, whatever was declared', () => {
    const types = fc.oneof(
      fc.constantFrom(
        'text/html',
        'image/svg+xml',
        'application/pdf',
        'image/png',
        'text/plain',
        'x/unknown',
      ),
      fc.string({ maxLength: 30 }),
    );
    fc.assert(
      fc.property(fc.option(fc.string({ unit: 'binary', maxLength: 300 })), types, (filename, type) => {
        const safe = safeAttachment(filename ?? undefined, type);
        expect(safe.filename.length).toBeGreaterThan(0);
        expect(safe.filename.length).toBeLessThanOrEqual(120);
        expect(safe.filename).not.toMatch(/[/\\\p{Cc}]/u);
        expect(safe.filename.startsWith('.')).toBe(false);
        expect(safe.contentType).toMatch(/^[a-z0-9.+-]+\/[a-z0-9.+-]+$/);
        expect(['text/html', 'image/svg+xml', 'application/xhtml+xml']).not.toContain(safe.contentType);
      }),
    );
    expect(safeAttachment('../../etc/passwd', 'text/plain')).toEqual({
      filename: 'etcpasswd',
      contentType: 'text/plain',
    });
    expect(safeAttachment('invoice.pdf', 'application/octet-stream; name=x')).toEqual({
      filename: 'invoice.pdf',
      contentType: 'application/octet-stream',
    });
    expect(safeAttachment('scan', 'x/unknown')).toEqual({
      filename: 'scan',
      contentType: 'application/octet-stream',
    });
  });
});

describe('reply text', () => {
  it('keeps only what the visitor just wrote', () => {
    const reply = [
      'Yes, the blue one.',
      '',
      'Best regards,',
      'Jane',
      '',
      '-- ',
      'Jane Doe, Example Ltd',
      '',
      'On Mon, 23 Nov 2026 at 18:00, Test Shop <parley@parley.test> wrote:',
      '> Which colour?',
      '> Earlier in this conversation:',
    ].join('\r\n');
    expect(newText(reply)).toBe('Yes, the blue one.');
    expect(newText('Sure.\n\nSent from my iPhone')).toBe('Sure.');
  });

  it('is never longer than a chat message', () => {
    expect(newText('x'.repeat(10_000)).length).toBeLessThanOrEqual(4000);
  });
});
