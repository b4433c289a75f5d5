import { createHash } from 'node:crypto';
import { closeSync, ftruncateSync, mkdirSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, openTestApp, tempDir } from './support/app.js';
import { grantAccessIn } from './support/grants.js';
import { runCliMeasured, startServerChild, watchPeakRss } from './support/rss.js';

/**
 * The server and the importer never hold a whole file in memory. A 1 GiB file (sparse, so the
 * test needs little disk time) goes through the CLI importer and then out through the HTTP
 * download; each process's peak RSS stays far below the file size and under 250 MB.
 * `npm run bench:memory` does the same with 4 GiB and reports the figures.
 */
const SIZE = 1024 ** 3;
const LIMIT = 250 * 1024 * 1024;

describe('memory stays flat with large files', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let dataDir: string;
  let token: string;
  let recordingId: string;
  let expectedSha: string;

  beforeAll(async () => {
    const tmp = await tempDir();
    dir = tmp.dir;
    cleanup = () => tmp.cleanup();
    const src = path.join(dir, 'dock');
    mkdirSync(src);
    const file = path.join(src, 'A123456_012345_20261122093000_0001.MP4');
    const head = Buffer.from('not really a video, but evidence all the same');
    const fd = openSync(file, 'w');
    writeSync(fd, head);
    ftruncateSync(fd, SIZE);
    closeSync(fd);
    const h = createHash('sha256');
    h.update(head);
    const zeros = Buffer.alloc(16 * 1024 * 1024);
    let left = SIZE - head.length;
    while (left > 0) {
      const n = Math.min(left, zeros.length);
      h.update(zeros.subarray(0, n));
      left -= n;
    }
    expectedSha = h.digest('hex');
    const t = await openTestApp();
    dataDir = t.dataDir;
    await t.app.identity.addUser({ username: 'disp', password: 'dispatcher-pass-1', roles: ['dispatcher'] }, null);
    token = (await t.app.sessions.createToken('disp', 'memtest', null)).secret;
    await t.app.close();
    (globalThis as { __src?: string }).__src = src;
  });

  afterAll(async () => {
    await cleanup?.();
  });

  it('imports a 1 GiB file with peak RSS under 250 MB', async () => {
    const src = (globalThis as { __src?: string }).__src!;
    const r = await runCliMeasured(['ingest', src, '--data', dataDir, '--json'], CLI, { LOG_LEVEL: 'silent' });
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as { files: Array<{ sha256: string; recordingId: string; status: string }> };
    expect(result.files[0]!.status).toBe('imported');
    expect(result.files[0]!.sha256).toBe(expectedSha);
    recordingId = result.files[0]!.recordingId;
    expect(r.peakRss).toBeGreaterThan(0);
    expect(r.peakRss).toBeLessThan(LIMIT);
  });

  it('serves the 1 GiB original over HTTP with peak RSS under 250 MB', async () => {
    await grantAccessIn(dataDir, 'disp', [recordingId], 'download');
    const server = await startServerChild(CLI, dataDir, { CUSTODIA_RUN_JOBS: 'false' });
    const rss = watchPeakRss(server.child, 20);
    try {
      const res = await fetch(`${server.url}/api/recordings/${recordingId}/original`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      const h = createHash('sha256');
      let n = 0;
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        h.update(chunk);
        n += chunk.length;
      }
      expect(n).toBe(SIZE);
      expect(h.digest('hex')).toBe(expectedSha);
      expect(rss.peak()).toBeGreaterThan(0);
      expect(rss.peak()).toBeLessThan(LIMIT);
    } finally {
      rss.stop();
      await server.stop();
    }
  });
});
