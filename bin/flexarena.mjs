#!/usr/bin/env node
// The `flexarena` command. Sources are TypeScript and there is no build step: the command runs from
// a bundle of them that it makes itself whenever they change (bin/cli-bundle.mjs), or through tsx
// with FLEXARENA_CLI_BUNDLE=0 — and through tsx too when they do not bundle, so that the error
// comes from the same place it would without the bundle.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let bundled;
if (process.env.FLEXARENA_CLI_BUNDLE !== '0') {
  const { cliBundle } = await import('./cli-bundle.mjs');
  bundled = await cliBundle({ root: join(dirname(fileURLToPath(import.meta.url)), '..') }).catch(
    () => undefined,
  );
}
if (bundled) {
  // Stack traces name the TypeScript sources, as they do through tsx.
  process.setSourceMapsEnabled(true);
  await import(bundled.url);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../cli/main.ts');
}
