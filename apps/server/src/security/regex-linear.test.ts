// Every pattern that may see a client's or a mail sender's text runs in linear time, and never on
// more than a bounded string. The patterns are collected from the source itself, so a new one
// cannot be forgotten: each is put through recheck's ReDoS analysis, and every protocol schema is
// fed 100 KB strings while each regex run is watched for the length of what it was given.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as schemas from '@parley/protocol/schemas';
import { checkSync } from 'recheck';
import ts from 'typescript';
import { afterEach, describe, expect, it } from 'vitest';
import type { z } from 'zod';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
/** Code that handles what visitors, agents and mail senders send. */
const SOURCES = [
  'packages/protocol/src',
  'packages/widget/src',
  'packages/client/src',
  'packages/triage/src',
  'apps/server/src',
];

interface Found {
  where: string;
  source: string;
  flags: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'testing' ? [] : sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

/** Regex literals, and `RegExp(...)` calls: those built from anything but literals are listed apart. */
function collect(): { literals: Found[]; built: string[] } {
  const literals: Found[] = [];
  const built: string[] = [];
  for (const file of SOURCES.flatMap((dir) => sourceFiles(join(ROOT, dir)))) {
    const text = readFileSync(file, 'utf8');
    const unit = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const where = (node: ts.Node) =>
      `${relative(ROOT, file)}:${unit.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
    const visit = (node: ts.Node): void => {
      if (ts.isRegularExpressionLiteral(node)) {
        const slash = node.text.lastIndexOf('/');
        literals.push({
          where: where(node),
          source: node.text.slice(1, slash),
          flags: node.text.slice(slash + 1),
        });
      } else if (
        (ts.isNewExpression(node) || ts.isCallExpression(node)) &&
        ts.isIdentifier(node.expression) &&
        node.expression.text === 'RegExp'
      ) {
        const [pattern, flags] = node.arguments ?? [];
        if (pattern && ts.isStringLiteral(pattern) && (!flags || ts.isStringLiteral(flags))) {
          literals.push({ where: where(node), source: pattern.text, flags: flags?.text ?? '' });
        } else {
          built.push(where(node));
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(unit);
  }
  return { literals, built };
}

describe('every pattern applied to input', () => {
  const { literals, built } = collect();

  it('finds the patterns it checks', () => {
    // A collector that found nothing would pass everything below.
    expect(literals.length).toBeGreaterThan(40);
    expect(
      literals.map((r) => r.where).some((w) => w.startsWith('packages/protocol/src/primitives.ts')),
    ).toBe(true);
  });

  it('builds no pattern at run time (one made from input cannot be checked here)', () => {
    expect(built).toEqual([]);
  });

  it('has no super-linear backtracking (recheck)', { timeout: 240_000 }, () => {
    const vulnerable = literals.flatMap(({ where, source, flags }) => {
      const result = checkSync(source, flags, { timeout: 20_000 });
      if (result.status === 'safe') return [];
      const detail =
        result.status === 'vulnerable'
          ? `${result.complexity.type} ${result.attack.pattern}`
          : `unknown: ${result.error.kind}`;
      return [`${where} /${source}/${flags}: ${detail}`];
    });
    expect(vulnerable).toEqual([]);
  });
});

// Strings shaped to make backtracking patterns work hardest: long runs of what a greedy part
// takes, then a character that makes the whole match fail at the very end.
const BIG = 100_000;
const HOSTILE = [
  `http://a${':'.repeat(BIG)}\t`,
  `a@a${'.a'.repeat(BIG / 2)}@`,
  `${'a'.repeat(BIG)}\u0000`,
  `${' '.repeat(BIG)}!`,
  `#${'0'.repeat(BIG)}`,
];

/** A payload for a schema with every string in it (values and record keys) set to `text`. */
function fill(schema: z.ZodType, text: string, depth = 0): unknown {
  const def = (schema as unknown as { _zod: { def: Record<string, unknown> & { type: string } } })._zod.def;
  if (depth > 12) return text;
  const inner = (key: string) => fill(def[key] as z.ZodType, text, depth + 1);
  switch (def.type) {
    case 'string':
      return text;
    case 'object':
      return Object.fromEntries(
        Object.entries(def.shape as Record<string, z.ZodType>).map(([key, value]) => [
          key,
          fill(value, text, depth + 1),
        ]),
      );
    case 'array':
      return [inner('element')];
    case 'record':
      return { [text]: inner('valueType') };
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
    case 'nonoptional':
      return inner('innerType');
    case 'pipe':
      return inner('in');
    case 'union':
      return fill((def.options as z.ZodType[])[0] as z.ZodType, text, depth + 1);
    case 'number':
    case 'int':
      return 1;
    case 'boolean':
      return true;
    case 'enum':
      return Object.values(def.entries as Record<string, string>)[0];
    case 'literal':
      return (def.values as unknown[])[0];
    default:
      return text;
  }
}

/**
 * zod's own probes that measure a string before its length check (a one-character class for
 * surrogate pairs) and tell number-like record keys: single linear passes, part of the check.
 */
const ZOD_LENGTH_PROBES = ['/[\\uD800-\\uDBFF]/', '/^-?\\d+(?:\\.\\d+)?$/'];

describe('every protocol schema', () => {
  const exec = RegExp.prototype.exec;
  afterEach(() => {
    RegExp.prototype.exec = exec;
  });

  it('checks a string’s length before any pattern sees it', () => {
    const longest = new Map<string, number>();
    // RegExp.prototype.test, match and replace all go through exec.
    RegExp.prototype.exec = function watched(this: RegExp, input: string) {
      const key = `/${this.source}/${this.flags}`;
      longest.set(key, Math.max(longest.get(key) ?? 0, String(input).length));
      return exec.call(this, input);
    };
    const found = (Object.values(schemas) as unknown[]).filter(
      (value): value is z.ZodType => typeof value === 'object' && value !== null && 'safeParse' in value,
    );
    expect(found.length).toBeGreaterThan(30);
    for (const schema of found) {
      // Short ones too, so the watch is seen to catch the patterns that do run.
      for (const text of [...HOSTILE, ...HOSTILE.map((h) => h.slice(0, 12))]) {
        schema.safeParse(fill(schema, text));
      }
    }
    RegExp.prototype.exec = exec;
    const unbounded = [...longest].filter(
      ([pattern, length]) => length > 5_000 && !ZOD_LENGTH_PROBES.includes(pattern),
    );
    expect(unbounded).toEqual([]);
    expect(longest.size).toBeGreaterThan(10);
  });

  it('refuses the old quadratic URL payload as too long without parsing it', () => {
    const result = schemas.visitorContextSchema.safeParse({ url: HOSTILE[0] });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.code)).toEqual(['too_big']);
  });
});
