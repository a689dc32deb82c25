// Compiles the data files (data/**/*.tsv) into src/data.generated.ts, so the package reads no file
// at run time. Run after editing data: pnpm --filter @parley/triage data (data.test.ts checks it).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
export const GENERATED = join(ROOT, 'src/data.generated.ts');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? files(join(dir, entry.name)) : [join(dir, entry.name)]))
    .filter((path) => path.endsWith('.tsv'))
    .sort();
}

/** The generated module's text for the data files as they are now. */
export function render(): string {
  const literal = (text: string) =>
    text.replaceAll('\\', '\\\\').replaceAll('`', '\\`').replaceAll('${', '\\${');
  const body = files(join(ROOT, 'data'))
    .map((path) => `  '${relative(join(ROOT, 'data'), path)}': \`${literal(readFileSync(path, 'utf8'))}\`,`)
    .join('\n');
  return `// Generated from data/ by scripts/build-data.ts: edit the .tsv files, then run pnpm --filter @parley/triage data.
export const DATA_FILES: Record<string, string> = {
${body}
};
`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(GENERATED, render());
  console.log(`wrote ${relative(ROOT, GENERATED)}`);
}
