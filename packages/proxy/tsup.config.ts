import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', node: 'src/node.ts', sdk: 'src/sdk.ts', testing: 'src/testing/index.ts' },
  external: ['vitest'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node22',
  shims: true,
});
