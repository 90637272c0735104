// The page's files: index.html and style sources from dashboard/web/, the bundle that setup builds
// with esbuild into dashboard/web/dist/ (ignored by git). Served from memory, read once.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../lib/index.js';
import { DashboardError } from '../errors.js';

export const WEB_DIR = join(PROJECT_ROOT, 'dashboard', 'web');
export const DIST_DIR = join(WEB_DIR, 'dist');

export interface WebAsset {
  body: Buffer;
  type: string;
}

const FILES: Record<string, { path: string; type: string }> = {
  '/': { path: join(WEB_DIR, 'index.html'), type: 'text/html; charset=utf-8' },
  '/app.js': { path: join(DIST_DIR, 'app.js'), type: 'text/javascript; charset=utf-8' },
  '/app.css': { path: join(DIST_DIR, 'app.css'), type: 'text/css; charset=utf-8' },
};

export function loadWebAssets(): Map<string, WebAsset> {
  const missing = Object.values(FILES).filter((f) => !existsSync(f.path));
  if (missing.length > 0)
    throw new DashboardError(
      `the dashboard page is not built (missing ${missing.map((f) => f.path).join(', ')}): ` +
        'run `npm run setup`, which bundles dashboard/web/ with esbuild',
    );
  return new Map(
    Object.entries(FILES).map(([url, f]) => [url, { body: readFileSync(f.path), type: f.type }]),
  );
}
