/**
 * npm run bench:memory — peak RSS of the importer (CLI child) and of the server while it streams
 * a 4 GiB original over HTTP. Target: both < 250 MB. Baseline in the same run: the peak RSS of
 * an idle server (the floor any request adds to).
 */
import { closeSync, ftruncateSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { openApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/platform/log.js';
import { CLI } from '../test/support/app.js';
import { grantAccessIn } from '../test/support/grants.js';
import { runCliMeasured, startServerChild, watchPeakRss } from '../test/support/rss.js';
import { MiB, timeAsync } from './support.js';

const SIZE = Number(process.env.MEMORY_BENCH_GIB ?? 4) * 1024 ** 3;
const root = path.resolve('.bench/memory');

async function main(): Promise<void> {
  rmSync(root, { recursive: true, force: true });
  const src = path.join(root, 'dock');
  const data = path.join(root, 'data');
  mkdirSync(src, { recursive: true });
  const file = path.join(src, 'A123456_012345_20261122093000_0001.MP4');
  const fd = openSync(file, 'w');
  writeSync(fd, Buffer.from('large evidence file'));
  ftruncateSync(fd, SIZE);
  closeSync(fd);

  const app = await openApp(loadConfig({ CUSTODIA_DATA: data, LOG_LEVEL: 'silent' }), createLogger('silent'), { PATH: process.env.PATH });
  await app.identity.addUser({ username: 'disp', password: 'dispatcher-pass-1', roles: ['dispatcher'] }, null);
  const token = (await app.sessions.createToken('disp', 'bench', null)).secret;
  await app.close();

  const imp = await timeAsync(() => runCliMeasured(['ingest', src, '--data', data, '--json'], CLI, { LOG_LEVEL: 'silent' }));
  if (imp.value.code !== 0) throw new Error(imp.value.stderr);
  const id = (JSON.parse(imp.value.stdout) as { files: Array<{ recordingId: string }> }).files[0]!.recordingId;

  await grantAccessIn(data, 'disp', [id], 'download');
  const server = await startServerChild(CLI, data, { CUSTODIA_RUN_JOBS: 'false' });
  const rss = watchPeakRss(server.child, 20);
  await new Promise((r) => setTimeout(r, 500));
  const idle = rss.peak();
  const dl = await timeAsync(async () => {
    const res = await fetch(`${server.url}/api/recordings/${id}/original`, { headers: { authorization: `Bearer ${token}` } });
    let n = 0;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) n += chunk.length;
    return n;
  });
  const serving = rss.peak();
  rss.stop();
  await server.stop();
  if (dl.value !== SIZE) throw new Error(`downloaded ${dl.value} bytes, expected ${SIZE}`);

  const mb = (b: number) => `${(b / MiB).toFixed(0)} MiB`;
  console.log(`bench:memory — one ${(SIZE / 1024 ** 3).toFixed(0)} GiB original`);
  console.log(`importer (CLI ingest) peak RSS: ${mb(imp.value.peakRss)} (target < 250 MB) in ${(imp.ms / 1000).toFixed(1)} s`);
  console.log(`server peak RSS while streaming it: ${mb(serving)} (target < 250 MB); idle server baseline ${mb(idle)}; ${(SIZE / 1e6 / (dl.ms / 1000)).toFixed(0)} MB/s`);
  rmSync(root, { recursive: true, force: true });
}

void main();
