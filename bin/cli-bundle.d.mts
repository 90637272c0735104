// Types of cli-bundle.mjs (plain JavaScript: it runs before anything could transpile TypeScript).

/**
 * The URL of the bundled `entry` (a TypeScript file relative to `root`), bundling first when there
 * is no bundle of its current sources in `cacheDir`; `built` says whether this call bundled.
 */
export function cliBundle(opts: {
  root: string;
  entry?: string;
  cacheDir?: string;
}): Promise<{ url: string; built: boolean }>;
