// The browser apps' built files (widget and console), each sent in the best encoding the browser
// accepts. The build leaves brotli and gzip copies beside each file (`x.js.br`, `x.js.gz`), so
// nothing is compressed per request; a build without them (a quick dev build) is sent as it is.
/// <reference path="./negotiator.d.ts" />
import { stat } from 'node:fs/promises';
import { extname, join, posix } from 'node:path';
import type { Request, RequestHandler, Response } from 'express';
import { contentType } from 'mime-types';
import Negotiator from 'negotiator';

/** For content-hashed names: a changed file gets a new URL, so a copy never goes stale. */
export const CACHE_IMMUTABLE = 'public, max-age=31536000, immutable';

const SUFFIX: Record<string, string> = { br: '.br', gzip: '.gz' };
// Of the codings a browser rates alike, brotli (the smallest) first, identity last.
const PREFERRED = ['br', 'gzip', 'identity'];

/**
 * Sends `file` (a trusted path inside `root`) as its best copy for this request, with `headers`.
 * Resolves false, having sent nothing, when the build has no such file.
 * @example await sendBuilt(req, res, widgetDir, 'loader.js', { 'Cache-Control': 'public, max-age=300' })
 */
export async function sendBuilt(
  req: Request,
  res: Response,
  root: string,
  file: string,
  headers: Record<string, string>,
): Promise<boolean> {
  const accepted = new Negotiator(req).encodings(PREFERRED, { preferred: PREFERRED });
  // Identity last of all, even where the browser refused it: better than no answer.
  for (const encoding of new Set([...accepted, 'identity'])) {
    const path = file + (SUFFIX[encoding] ?? '');
    if (!(await isFile(join(root, path)))) continue;
    res.vary('Accept-Encoding');
    res.set({ ...headers, 'Content-Type': contentType(extname(file)) || 'application/octet-stream' });
    if (encoding !== 'identity') res.set('Content-Encoding', encoding);
    await sendFile(res, root, path);
    return true;
  }
  return false;
}

/**
 * Serves the files under `directory`, by their path below where this is mounted, with the
 * headers `headersFor` gives each. Anything else passes on: other methods, folders, dot files,
 * the copies themselves and files that are not there.
 */
export function builtFiles(
  directory: string,
  headersFor: (file: string) => Record<string, string>,
): RequestHandler {
  return (req, res, next) => {
    const file = req.method === 'GET' || req.method === 'HEAD' ? fileOf(req.path) : null;
    if (!file) return next();
    sendBuilt(req, res, directory, file, headersFor(file)).then((sent) => {
      if (!sent) next();
    }, next);
  };
}

/** The file a URL path names inside the folder, or null for a folder, a dot file, a copy or a bad path. */
function fileOf(urlPath: string): string | null {
  let path: string;
  try {
    path = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  // Normalised from the root, `..` cannot climb out of the folder.
  const parts = posix.normalize(path).split('/').filter(Boolean);
  const name = parts.at(-1);
  if (!name || path.endsWith('/') || path.includes('\0')) return null;
  if (parts.some((part) => part.startsWith('.')) || /\.(br|gz)$/.test(name)) return null;
  return parts.join('/');
}

function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (found) => found.isFile(),
    () => false,
  );
}

function sendFile(res: Response, root: string, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    // Cache-Control comes with the headers above; send adds the ETag, Last-Modified and length.
    res.sendFile(path, { root, cacheControl: false }, (error) => {
      // A browser that left mid-file is no failure of ours.
      if (error && !res.headersSent) reject(error);
      else resolve();
    });
  });
}
