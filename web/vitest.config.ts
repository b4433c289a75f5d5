import { defineConfig } from 'vitest/config';

/** The web app's unit tests (run by `npm test` through `npm run test:web`). */
export default defineConfig({
  root: import.meta.dirname,
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
