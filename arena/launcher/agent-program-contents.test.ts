// What goes into the program every agent process runs (cli/agent-main.ts, bundled as the arena
// bundles it). Each package in it is parsed and evaluated at the start of every agent process of
// every run, so packages the agent side has no use for are kept out: grpc-js (the arena's server
// library; the SDK speaks its session stream over node:http2 and keeps its own status codes), and
// with it protobufjs, which grpc-js's channelz loads; yaml (the arena's config files). And zod's
// translations of its messages into 60-odd languages: `import { z } from 'zod'` hands out zod's
// whole namespace object, locales included (~600 KB of the bundle); `import * as z from 'zod'` (as
// zod 4's documentation writes it) lets esbuild keep only what the schemas use.
import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { cachedProgramBuildOptions } from './agent-bundle.js';

const KEPT_OUT = ['@grpc/grpc-js', '@grpc/proto-loader', 'protobufjs', 'yaml'];

describe('the agent program', () => {
  it('holds the SDK and the strategies, none of the packages only the arena needs, one zod locale', async () => {
    const out = await build({ ...cachedProgramBuildOptions(join('cli', 'agent-main.ts')), metafile: true });
    const inputs = Object.keys(out.metafile.inputs);
    expect(inputs).toContain('agents/sdk/agent-client.ts');
    expect(inputs).toContain('agents/strategies/registry.ts');
    const packages = new Set(
      inputs.flatMap((path) => {
        const m = /^node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path);
        return m ? [m[1]!] : [];
      }),
    );
    expect(KEPT_OUT.filter((p) => packages.has(p))).toEqual([]);
    // What ended up in the output (inputs above are what esbuild read, tree-shaken or not).
    const [output] = Object.values(out.metafile.outputs);
    const locales = Object.keys(output!.inputs).filter((p) => p.startsWith('node_modules/zod/v4/locales/'));
    expect(locales).toEqual(['node_modules/zod/v4/locales/en.js']);
  }, 60_000);
});
