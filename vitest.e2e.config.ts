import { defineConfig } from 'vitest/config';

/**
 * Browser tests (`npm run test:e2e`): real Chromium (Debian's /usr/bin/chromium via playwright-core)
 * against a real server on 127.0.0.1 with a real SQLite file. One file at a time: each starts its
 * own server and browser.
 */
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.ts'],
    fileParallelism: false,
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    sequence: { concurrent: false },
    // A poll waits for the page to catch up with the server (a refetch, a second query): 1 s, the
    // default, is too short on two busy cores; a poll that is already true returns at once.
    expect: { poll: { timeout: 10_000 } },
  },
});
