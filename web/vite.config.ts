import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { bundleBudget } from './vite-bundle-budget.js';
import { precompress } from './vite-precompress.js';

/** The web app: built into web/dist (served by src/http/web-app.ts); `npm run dev:web` proxies /api to a running server. */
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react(), bundleBudget(400 * 1024, (line) => process.stdout.write(`${line}\n`)), precompress()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: false,
  },
  server: {
    proxy: { '/api': { target: process.env.CUSTODIA_API ?? 'http://127.0.0.1:8080', changeOrigin: false } },
  },
});
