import express, { Request, Response, Router } from 'express';
import * as path from 'path';
import type { RemoteObjects } from '../remoting/remote-objects';
import { debugFor } from '../util/debug';
import { anonymousMayCall } from '../loopback/security/anonymous-access';
import { apiInfo } from './app-info';
import { buildOpenApi } from './openapi';
import { toSwagger2 } from './swagger2';

const debug = debugFor('explorer');

export interface ExplorerSettings {
  /** Where the explorer lives (LB3's `loopback-component-explorer` key: `mountPath`). */
  mountPath?: string;
  /** Extra static folders served before the built-in UI (LB3's `uiDirs`). */
  uiDirs?: string | string[];
  /** In production the explorer is off unless this is true. */
  enabled?: boolean;
  /** The document's title and version, over `apiInfo`'s and package.json's. */
  title?: string;
  version?: string;
  /** LB3's `apiInfo` option (the app's `apiInfo` setting when absent): the documents' `info`. */
  apiInfo?: Record<string, unknown>;
  /** Where the app's package.json is looked for, upwards (boot gives its app folder; else the working folder). */
  appRootDir?: string;
}

interface ExplorerApp {
  remotes(): RemoteObjects;
  isAuthEnabled?: boolean;
  models?: Record<string, any>;
  get(name: string): any;
  use(path: string, handler: Router): unknown;
  set(name: string, value: unknown): unknown;
}

function uiRoot(): string {
  // swagger-ui-dist ships the UI's files; served from the package, never from a CDN.
  return path.dirname(require.resolve('swagger-ui-dist/package.json'));
}

const INDEX_HTML = (title: string) => `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>${title.replace(/[<>&"]/g, '')}</title>
  <link rel="stylesheet" href="swagger-ui.css">
  <style>body { margin: 0 }</style>
</head>
<body>
  <div id="explorer"></div>
  <script src="swagger-ui-bundle.js"></script>
  <script src="explorer-init.js"></script>
</body>
</html>
`;

// Kept out of the HTML so a strict Content-Security-Policy (no inline scripts) still works.
const INIT_JS = `window.ui = SwaggerUIBundle({
  url: './openapi.json',
  dom_id: '#explorer',
  deepLinking: true,
  persistAuthorization: true,
  tryItOutEnabled: true,
  docExpansion: 'none',
});
`;

/**
 * The API explorer: Swagger UI at `mountPath` (default `/explorer`) over the OpenAPI 3.1 document
 * at `<mountPath>/openapi.json` (and `.yaml`), with LB3's Swagger 2.0 at `<mountPath>/swagger.json`.
 * The documents are rebuilt only when remote methods change.
 */
export function mountExplorer(app: ExplorerApp, settings: ExplorerSettings = {}): string | undefined {
  const mountPath = (settings.mountPath ?? '/explorer').replace(/\/+$/, '') || '/explorer';
  if (process.env.NODE_ENV === 'production' && settings.enabled !== true) {
    debug('explorer not mounted: NODE_ENV=production (set "enabled": true to serve it)');
    return undefined;
  }
  const restApiRoot = app.get('restApiRoot') ?? '/api';
  let cache:
    | { version: number; openapi: Record<string, unknown>; swagger?: Record<string, unknown>; yaml?: string }
    | undefined;
  const documents = () => {
    const remotes = app.remotes();
    const version = remotes.version();
    if (!cache || cache.version !== version) {
      cache = {
        version,
        openapi: buildOpenApi(remotes.classes(), {
          basePath: restApiRoot,
          info: apiInfo(settings.apiInfo ?? app.get('apiInfo'), settings.appRootDir ?? process.cwd()),
          title: settings.title,
          version: settings.version,
          rest: app.get('remoting')?.rest,
          anonymousMayCall: (method) => anonymousMayCall(app, method),
          denialStatus: (method) =>
            Number(method.sharedClass.ctor?.settings?.aclErrorStatus ?? app.get('aclErrorStatus') ?? 401),
          createExcludes: (model) => app.models?.[model]?.getUpdateOnlyProperties?.() ?? [],
        }),
      };
    }
    return cache;
  };

  const router = express.Router();
  router.get('/openapi.json', (_req: Request, res: Response) => {
    res.json(documents().openapi);
  });
  router.get('/openapi.yaml', (_req: Request, res: Response) => {
    const docs = documents();
    docs.yaml ??= (require('yaml') as typeof import('yaml')).stringify(docs.openapi); // loaded on the first .yaml request
    res.type('application/yaml').send(docs.yaml);
  });
  router.get('/swagger.json', (_req: Request, res: Response) => {
    const docs = documents();
    docs.swagger ??= toSwagger2(docs.openapi, restApiRoot);
    res.json(docs.swagger);
  });
  // LB3's explorer answers where its Swagger 2.0 document is, relative to where it is mounted.
  router.get('/config.json', (req: Request, res: Response) => {
    const base = req.originalUrl.split('?')[0].replace(/\/config\.json$/, '');
    res.json({ url: `${base}/swagger.json` });
  });
  router.get('/explorer-init.js', (_req: Request, res: Response) => {
    res.type('application/javascript').send(INIT_JS);
  });
  router.get('/', (req: Request, res: Response, next) => {
    // Relative asset URLs need the trailing slash.
    if (!req.originalUrl.split('?')[0].endsWith('/'))
      return res.redirect(301, `${req.originalUrl.split('?')[0]}/`);
    next();
  });
  // As in LB3, the app's uiDirs come first, so their files (an index.html too) replace the UI's.
  for (const dir of ([] as string[]).concat(settings.uiDirs ?? []))
    router.use(express.static(dir, { redirect: false }));
  router.get('/', (req: Request, res: Response, next) => {
    if (req.path !== '/') return next();
    res.type('html').send(INDEX_HTML(settings.title ?? 'loopline API explorer'));
  });
  router.use(express.static(uiRoot(), { index: false }));
  app.use(mountPath, router);
  app.set('loopback-component-explorer', { ...settings, mountPath });
  debug('explorer at %s', mountPath);
  return mountPath;
}
