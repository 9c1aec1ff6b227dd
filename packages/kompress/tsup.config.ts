import { defineConfig } from 'tsup';

export default defineConfig({
  // The worker is an entry of its own: it runs in worker threads, loaded by path.
  entry: { index: 'src/index.ts', worker: 'src/worker.ts', testing: 'src/testing/index.ts' },
  format: ['esm'],
  dts: { entry: { index: 'src/index.ts', testing: 'src/testing/index.ts' } },
  clean: true,
  sourcemap: true,
  target: 'node22',
  external: ['onnxruntime-node', '@huggingface/tokenizers'],
});
