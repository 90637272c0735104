// The project's folder, for files that live beside the sources (proto/, the dashboard page,
// node_modules/). A module cannot find them from its own URL when it runs from a bundle in
// node_modules/.cache/ (the `flexarena` command's, the agent program's), so bundles define
// __FLEXARENA_ROOT__; from source it is the folder above lib/.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

declare const __FLEXARENA_ROOT__: string | undefined;

export const PROJECT_ROOT: string =
  typeof __FLEXARENA_ROOT__ === 'string'
    ? __FLEXARENA_ROOT__
    : join(dirname(fileURLToPath(import.meta.url)), '..');
