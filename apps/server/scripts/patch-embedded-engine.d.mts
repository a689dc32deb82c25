/** Patches one ELF64 little-endian shared object in memory; answers how many fixes it made. */
export function patchElf(buf: Buffer): number;
