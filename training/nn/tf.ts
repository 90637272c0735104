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
    // The wasm module (emscripten) installs process handlers that rethrow every uncaught exception
    // and unhandled rejection from inside its own minified file, so Node prints that whole file
    // (about 40 KB on one line) above any error of the process. They add nothing: taken off again.
    const before = {
      uncaughtException: process.listeners('uncaughtException'),
      unhandledRejection: process.listeners('unhandledRejection'),
    };
    if (!(await tf.setBackend('wasm'))) throw new Error('the TensorFlow.js wasm backend did not initialise');
    await tf.ready();
    for (const l of process.listeners('uncaughtException'))
      if (!before.uncaughtException.includes(l)) process.off('uncaughtException', l);
    for (const l of process.listeners('unhandledRejection'))
      if (!before.unhandledRejection.includes(l)) process.off('unhandledRejection', l);
    return 'wasm';
  })();
  return ready;
}
