import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'mcp-server/**/*.test.ts', 'test/**/*.test.ts'],
    // Each PGlite instance is a WASM PostgreSQL: on a 2-core machine two workers is the sweet spot.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    globalSetup: ['test/helpers/global-setup.ts'],
  },
});
