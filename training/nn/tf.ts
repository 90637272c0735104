// TensorFlow.js for the trainers, on the WebAssembly backend: its binary ships inside the npm
// package (no download), and for the small MLPs here it is several times faster than the pure
// JavaScript cpu backend. @tensorflow/tfjs-node is used only when it is installed (its install
// downloads libtensorflow, which fails on machines without that download): never required.
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

export { tf };

export type TfBackend = 'wasm' | 'cpu' | 'tensorflow';

let ready: Promise<TfBackend> | undefined;

/**
 * Initialises TensorFlow.js once per process. 'auto' takes tfjs-node when it is installed and
 * the wasm backend otherwise; 'wasm' (the default: the same numbers on every machine) and 'cpu'
 * are always there.
 */
export function initTf(preferred: TfBackend | 'auto' = 'wasm'): Promise<TfBackend> {
  ready ??= (async () => {
    const require = createRequire(import.meta.url);
    if (preferred === 'auto' || preferred === 'tensorflow') {
      try {
        require.resolve('@tensorflow/tfjs-node');
        const name = '@tensorflow/tfjs-node';
        await import(name);
        if (await tf.setBackend('tensorflow')) return 'tensorflow';
      } catch {
        // Not installed: fall through to wasm.
      }
    }
    if (preferred === 'cpu') {
      await tf.setBackend('cpu');
      return 'cpu';
    }
    setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}/`);
    if (!(await tf.setBackend('wasm'))) throw new Error('the TensorFlow.js wasm backend did not initialise');
    await tf.ready();
    return 'wasm';
  })();
  return ready;
}
