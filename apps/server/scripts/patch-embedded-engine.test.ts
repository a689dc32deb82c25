import { describe, expect, it } from 'vitest';
import { patchElf } from './patch-embedded-engine.mjs';

/** A minimal ELF64 with a dynamic symbol table importing `symbols`, each at a version. */
function syntheticElf(symbols: { name: string; version: 'GLIBC_2.38' | 'GLIBC_2.2.5' }[]): Buffer {
  const strings = ['', 'libc.so.6', 'GLIBC_2.38', 'GLIBC_2.2.5', ...symbols.map((s) => s.name)];
  const offsets = new Map<string, number>();
  let dynstrText = '';
  for (const s of strings) {
    if (s && offsets.has(s)) continue;
    offsets.set(s, dynstrText.length);
    dynstrText += `${s}\0`;
  }
  const dynstr = Buffer.from(dynstrText, 'latin1');
  const dynsym = Buffer.alloc(24 * (symbols.length + 1));
  const versym = Buffer.alloc(2 * (symbols.length + 1));
  symbols.forEach((s, i) => {
    dynsym.writeUInt32LE(offsets.get(s.name)!, 24 * (i + 1));
    dynsym[24 * (i + 1) + 4] = 0x12; // global function
    versym.writeUInt16LE(s.version === 'GLIBC_2.38' ? 3 : 2, 2 * (i + 1));
  });
  const verneed = Buffer.alloc(16 + 32);
  verneed.writeUInt16LE(1, 0);
  verneed.writeUInt16LE(2, 2);
  verneed.writeUInt32LE(offsets.get('libc.so.6')!, 4);
  verneed.writeUInt32LE(16, 8);
  for (const [i, [name, index]] of (
    [
      ['GLIBC_2.38', 3],
      ['GLIBC_2.2.5', 2],
    ] as const
  ).entries()) {
    const aux = 16 + 16 * i;
    verneed.writeUInt16LE(index, aux + 6);
    verneed.writeUInt32LE(offsets.get(name)!, aux + 8);
    verneed.writeUInt32LE(i === 0 ? 16 : 0, aux + 12);
  }
  const bodies = [dynstr, dynsym, versym, verneed];
  const headers = [
    { type: 0, link: 0, info: 0, entsize: 0 },
    { type: 3, link: 0, info: 0, entsize: 0 },
    { type: 11, link: 1, info: 1, entsize: 24 },
    { type: 0x6fffffff, link: 2, info: 0, entsize: 2 },
    { type: 0x6ffffffe, link: 1, info: 1, entsize: 0 },
  ];
  let offset = 64;
  const placed = bodies.map((body) => {
    const at = offset;
    offset += body.length;
    return at;
  });
  const shoff = offset;
  const file = Buffer.alloc(shoff + 64 * headers.length);
  file.writeUInt32BE(0x7f454c46, 0);
  file[4] = 2;
  file[5] = 1;
  file.writeBigUInt64LE(BigInt(shoff), 0x28);
  file.writeUInt16LE(64, 0x3a);
  file.writeUInt16LE(headers.length, 0x3c);
  for (const [i, body] of bodies.entries()) body.copy(file, placed[i]!);
  headers.forEach((h, i) => {
    const base = shoff + 64 * i;
    file.writeUInt32LE(h.type, base + 4);
    if (i > 0) {
      file.writeBigUInt64LE(BigInt(placed[i - 1]!), base + 0x18);
      file.writeBigUInt64LE(BigInt(bodies[i - 1]!.length), base + 0x20);
    }
    file.writeUInt32LE(h.link, base + 0x28);
    file.writeUInt32LE(h.info, base + 0x2c);
    file.writeBigUInt64LE(BigInt(h.entsize), base + 0x38);
  });
  return file;
}

function imports(file: Buffer): { name: string; version: number }[] {
  const shoff = Number(file.readBigUInt64LE(0x28));
  const section = (i: number) => Number(file.readBigUInt64LE(shoff + 64 * i + 0x18));
  const [dynstr, dynsym, versym] = [section(1), section(2), section(3)];
  const count = Number(file.readBigUInt64LE(shoff + 64 * 2 + 0x20)) / 24;
  return Array.from({ length: count - 1 }, (_, i) => {
    const nameAt = dynstr + file.readUInt32LE(dynsym + 24 * (i + 1));
    return {
      name: file.toString('latin1', nameAt, file.indexOf(0, nameAt)),
      version: file.readUInt16LE(versym + 2 * (i + 1)),
    };
  });
}

describe('patchElf', () => {
  const symbols = [
    { name: '__isoc23_strtol', version: 'GLIBC_2.38' },
    { name: '__isoc23_strtoull', version: 'GLIBC_2.38' },
    { name: '__isoc23_sscanf', version: 'GLIBC_2.38' },
    { name: '__isoc23_fscanf', version: 'GLIBC_2.38' },
    { name: 'fmod', version: 'GLIBC_2.38' },
    { name: 'printf', version: 'GLIBC_2.2.5' },
  ] as const;

  it('rebinds GLIBC_2.38 imports to their older names at the global version and leaves the rest', () => {
    const file = syntheticElf([...symbols]);
    expect(patchElf(file)).toBe(6); // five symbols and the weak flag
    expect(imports(file)).toEqual([
      { name: 'strtol', version: 1 },
      { name: 'strtoull', version: 1 },
      { name: '__isoc99_sscanf', version: 1 },
      { name: '__isoc99_fscanf', version: 1 },
      { name: 'fmod', version: 1 },
      { name: 'printf', version: 2 },
    ]);
    const shoff = Number(file.readBigUInt64LE(0x28));
    const verneed = Number(file.readBigUInt64LE(shoff + 64 * 4 + 0x18));
    expect(file.readUInt16LE(verneed + 16 + 4) & 0x2).toBe(0x2); // GLIBC_2.38 need marked weak
  });

  it('is idempotent: a patched file is left byte for byte as it is', () => {
    const file = syntheticElf([...symbols]);
    patchElf(file);
    const once = Buffer.from(file);
    expect(patchElf(file)).toBe(0);
    expect(file.equals(once)).toBe(true);
  });

  it('refuses an unknown GLIBC_2.38 import instead of guessing, and a file that is not ELF64', () => {
    expect(() => patchElf(syntheticElf([{ name: 'memfrob2', version: 'GLIBC_2.38' }]))).toThrow(
      /unexpected GLIBC_2.38 import memfrob2/,
    );
    expect(() => patchElf(Buffer.from('#!/bin/sh\necho not elf\n'.padEnd(64)))).toThrow(/not an ELF64/);
  });
});
