import { defineConfig } from 'tsup';

export default defineConfig({
  // The worker is an entry of its own: worker threads load it by path.
  entry: { index: 'src/index.ts', node: 'src/node.ts', 'crush-worker': 'src/worker/crush-worker.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node22',
  // import.meta.url in the CommonJS build, for locating grammar files.
  shims: true,
});
