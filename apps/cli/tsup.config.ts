import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { headroom: 'src/headroom.ts' },
  format: ['esm'],
  clean: true,
  sourcemap: true,
  target: 'node22',
  banner: { js: '#!/usr/bin/env node' },
  // Evals ship with the repository, not with the published command: loaded only by `headroom eval`.
  external: ['@headroom/evals', '@headroom/kompress'],
});
