// HTTP routes the widget needs: the loader script, the iframe page (framed only by the site's
// allowed origins, under a strict CSP of its own), the app's assets and the public site settings.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { WidgetSite } from '@parley/protocol';
import { type Response, Router } from 'express';
import type { Config } from '../config';
import { sendError } from '../http/errors';
import { builtFiles, CACHE_IMMUTABLE, sendBuilt } from '../http/precompressed';
import type { Services } from '../services';
import { escapeHtml } from '../shared/html';
import { originOf } from '../shared/origin';
import type { Site } from '../sites/service';

const SITE_KEY = /^[A-Za-z0-9_-]{8,64}$/;

/** What Vite's manifest says of one chunk. */
interface ManifestChunk {
  file: string;
  css?: string[];
  imports?: string[];
  isEntry?: boolean;
}

/** The files the iframe page links: the entry script, what it imports at once, its styles. */
interface AppFiles {
  entry: string;
  preload: string[];
  css: string[];
}

function appFiles(manifest: Record<string, ManifestChunk>): AppFiles {
  const entry = Object.values(manifest).find((chunk) => chunk.isEntry);
  if (!entry) throw new Error('the widget manifest names no entry');
  const preload = (entry.imports ?? []).flatMap((key) => (manifest[key] ? [manifest[key].file] : []));
  const css = Object.values(manifest).flatMap((chunk) =>
    chunk.file.endsWith('.css') ? [chunk.file] : (chunk.css ?? []),
  );
  return { entry: entry.file, preload, css: [...new Set(css)] };
}

export function widgetRouter(services: Services, config: Config): Router {
  const router = Router();
  const appDir = join(config.widgetDir, 'app');
  let files: Promise<AppFiles> | undefined;
  // Read once per process: a rebuilt widget is picked up on the next start.
  const loadFiles = () => {
    files ??= readFile(join(appDir, '.vite', 'manifest.json'), 'utf8').then((raw) =>
      appFiles(JSON.parse(raw)),
    );
    files.catch(() => {
      files = undefined;
    });
    return files;
  };

  // The two host-page scripts keep fixed names (sites embed the loader's URL), so they are cached
  // briefly and then revalidated by ETag.
  for (const script of ['loader.js', 'host.js']) {
    router.get(`/widget/${script}`, async (req, res) => {
      const headers = {
        'Cache-Control': 'public, max-age=300',
        'Cross-Origin-Resource-Policy': 'cross-origin',
      };
      if (!(await sendBuilt(req, res, config.widgetDir, script, headers))) {
        sendError(res, 'unavailable', 'the widget is not built');
      }
    });
  }

  router.use(
    '/widget/app',
    builtFiles(appDir, () => ({
      'Cache-Control': CACHE_IMMUTABLE,
      'Cross-Origin-Resource-Policy': 'same-origin',
    })),
  );

  router.get('/widget/api/sites/:key', async (req, res) => {
    res.set('Access-Control-Allow-Origin', '*');
    const site = await siteFor(services, req.params.key, res);
    if (site) res.json({ ok: true, site: publicSite(site) });
  });

  router.get('/widget/frame', async (req, res) => {
    const site = await siteFor(services, req.query.site, res);
    if (!site) return;
    const origin = typeof req.query.origin === 'string' ? originOf(req.query.origin) : null;
    if (!origin || !services.sites.isOriginAllowed(site, origin)) {
      return sendError(res, 'origin_not_allowed', 'this page is not allowed to embed this site');
    }
    let app: AppFiles;
    try {
      app = await loadFiles();
    } catch {
      return sendError(res, 'unavailable', 'the widget is not built');
    }
    res.set({
      // Only the page that asked may frame it; the app itself runs nothing inline.
      'Content-Security-Policy': [
        `frame-ancestors ${origin}`,
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "connect-src 'self'",
        'img-src https: data:',
        "base-uri 'none'",
        "form-action 'none'",
      ].join('; '),
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
    });
    res.type('html').send(framePage(site, origin, app));
  });

  return router;
}

async function siteFor(services: Services, key: unknown, res: Response): Promise<Site | null> {
  if (typeof key !== 'string' || !SITE_KEY.test(key)) {
    sendError(res, 'bad_request', 'site must be a site key');
    return null;
  }
  const site = await services.sites.byPublicKey(key);
  if (!site) sendError(res, 'not_found', 'unknown site key');
  return site;
}

function publicSite(site: Site): WidgetSite {
  return { name: site.name, settings: site.widget };
}

/** JSON that is safe inside a <script> element: no "</script>", no "<!--". */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

function framePage(site: Site, origin: string, app: AppFiles): string {
  const boot = { siteKey: site.publicKey, hostOrigin: origin, site: publicSite(site) };
  const asset = (file: string) => escapeHtml(`/widget/app/${file}`);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(site.name)} chat</title>
${app.css.map((css) => `<link rel="stylesheet" href="${asset(css)}">`).join('\n')}
${app.preload.map((file) => `<link rel="modulepreload" href="${asset(file)}">`).join('\n')}
<script type="application/json" id="parley-boot">${scriptJson(boot)}</script>
<script type="module" src="${asset(app.entry)}"></script>
</head>
<body></body>
</html>
`;
}
