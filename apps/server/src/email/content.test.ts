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

/** What each client puts under the visitor's words, by language: the corpus of item 4. */
const QUOTED = '> Mai avem mărimea M?\n> Echipa Magazin';
const corpus: { lang: string; client: string; reply: string }[] = [
  {
    lang: 'en',
    client: 'Gmail',
    reply: `On Mon, 1 Dec 2026 at 10:00, Shop <reply@parley.test> wrote:\n${QUOTED}`,
  },
  {
    lang: 'en',
    client: 'iPhone',
    reply: `Sent from my iPhone\n\nOn 1 Dec 2026, at 10:00, Shop <reply@parley.test> wrote:\n${QUOTED}`,
  },
  {
    lang: 'en',
    client: 'Outlook',
    reply:
      '________________________________\nFrom: Shop <reply@parley.test>\nSent: Monday, December 1, 2026 10:00 AM\nTo: Ion <ion@x.ro>\nSubject: Your order\n\nDo we have size M?',
  },
  {
    lang: 'ro',
    client: 'Gmail',
    reply: `În lun., 1 dec. 2026 la 10:00, Ion Popescu <ion@x.ro> a scris:\n${QUOTED}`,
  },
  {
    lang: 'ro',
    client: 'Gmail, no diacritics',
    reply: `In lun., 1 dec. 2026 la 10:00, Ion Popescu <ion@x.ro> a scris:\n${QUOTED}`,
  },
  {
    lang: 'ro',
    client: 'Gmail, wrapped',
    reply: `În lun., 1 dec. 2026 la 10:00, Magazinul Nostru Online <reply@parley.test>\na scris:\n${QUOTED}`,
  },
  {
    lang: 'ro',
    client: 'Outlook',
    reply:
      '________________________________\nDe la: Magazin <reply@parley.test>\nTrimis: luni, 1 decembrie 2026 10:00\nCătre: Ion Popescu <ion@x.ro>\nSubiect: Comanda ta\n\nMai avem mărimea M?',
  },
  {
    lang: 'ro',
    client: 'Outlook, no diacritics',
    reply:
      'De la: Magazin <reply@parley.test>\nTrimis: luni, 1 decembrie 2026 10:00\nCatre: Ion Popescu <ion@x.ro>\nSubiect: Comanda ta\n\nMai avem marimea M?',
  },
  { lang: 'ro', client: 'iPhone', reply: `Trimis de pe iPhone\n\n${QUOTED}` },
  {
    lang: 'ro',
    client: 'Android',
    reply:
      'Trimis de pe Android\n\nÎn lun., 1 dec. 2026 la 10:00, Magazin <reply@parley.test> a scris:\n' +
      QUOTED,
  },
  {
    lang: 'pl',
    client: 'Gmail',
    reply: `pon., 1 gru 2026 o 10:00 Jan Kowalski <jan@x.pl> napisał(a):\n${QUOTED}`,
  },
  {
    lang: 'pl',
    client: 'Gmail, no diacritics',
    reply: `pon., 1 gru 2026 o 10:00 Jan Kowalski <jan@x.pl> napisal(a):\n${QUOTED}`,
  },
  {
    lang: 'pl',
    client: 'Gmail, wrapped',
    reply: `pon., 1 gru 2026 o 10:00 Sklep Internetowy Kowalski <reply@parley.test>\nnapisał(a):\n${QUOTED}`,
  },
  {
    lang: 'pl',
    client: 'Outlook',
    reply:
      '________________________________\nOd: Sklep <reply@parley.test>\nWysłane: poniedziałek, 1 grudnia 2026 10:00\nDo: Jan Kowalski <jan@x.pl>\nTemat: Zamówienie\n\nCzy jest rozmiar M?',
  },
  {
    lang: 'pl',
    client: 'Outlook, no diacritics',
    reply:
      'Od: Sklep <reply@parley.test>\nWyslane: poniedzialek, 1 grudnia 2026 10:00\nDo: Jan Kowalski <jan@x.pl>\nTemat: Zamowienie\n\nCzy jest rozmiar M?',
  },
  { lang: 'pl', client: 'iPhone', reply: `Wysłane z iPhone'a\n\n${QUOTED}` },
  {
    lang: 'pl',
    client: 'iPhone, "mojego"',
    reply:
      "Wysłane z mojego iPhone'a\n\npon., 1 gru 2026 o 10:00 Sklep <reply@parley.test> napisał(a):\n" +
      QUOTED,
  },
  { lang: 'pl', client: 'iPhone, no diacritics', reply: `Wyslane z iPhone'a\n\n${QUOTED}` },
];

describe('reply text from the languages and clients our visitors use', () => {
  for (const { lang, client, reply } of corpus) {
    it(`drops the quote and signature of ${client} (${lang})`, () => {
      const mine =
        lang === 'ro'
          ? 'Da, mărimea M.\nMulțumesc, Ion'
          : lang === 'pl'
            ? 'Tak, rozmiar M.\nDzięki, Jan'
            : 'Yes, size M.\nThanks, Jan';
      expect(newText(`${mine}\n\n${reply}\r\n`.replace(/\n/g, '\r\n'))).toBe(mine);
    });
  }

  it('keeps a visitor’s own words that only look like the start of a header', () => {
    for (const own of [
      'În regulă, mulțumesc!',
      'In cazul asta, da.',
      'Od razu: tak.',
      'Do: piątku?',
      'Trimis ieri.',
    ]) {
      expect(newText(own)).toBe(own);
    }
  });
});

describe('parsing a hostile reply', () => {
  it('takes linear time however long its lines or however many of them', () => {
    const hostile = [
      `De:${' <'.repeat(60_000)}`,
      '20'.repeat(60_000),
      '\n'.repeat(120_000),
      `W dniu ${'a\n'.repeat(60_000)}`,
      `${'De:'}${' <'.repeat(498)}\n`.repeat(400),
      `${'x'.repeat(398)} 1 napisał(a):x\n`.repeat(400),
    ];
    for (const text of hostile) {
      const started = performance.now();
      newText(text);
      expect(performance.now() - started).toBeLessThan(250);
    }
  });
});
