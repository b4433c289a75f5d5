import { mkdir, open, readFile, unlink } from 'node:fs/promises';
import path from 'node:path';
import { processAlive } from './durable-fs.js';

/**
 * Runs `fn` while holding `<dataDir>/.init.lock`, so several processes opening the same (new)
 * data folder at once — a server and a collection station, say — migrate and create the site
 * key one after another. A lock left by a process that died is taken over.
 */
export async function withInitLock<T>(dataDir: string, fn: () => Promise<T>, timeoutMs = 60_000): Promise<T> {
  await mkdir(dataDir, { recursive: true });
  const lock = path.join(dataDir, '.init.lock');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const fd = await open(lock, 'wx');
      await fd.writeFile(String(process.pid));
      await fd.close();
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = Number((await readFile(lock, 'utf8').catch(() => '')) || NaN);
      if (Number.isInteger(holder) && !processAlive(holder)) {
        await unlink(lock).catch(() => undefined);
        continue;
      }
      if (Date.now() > deadline) throw new Error(`${lock} is held by process ${holder}; is another Custodia process stuck starting?`);
      await new Promise((r) => setTimeout(r, 25 + Math.random() * 50));
    }
  }
  try {
    return await fn();
  } finally {
    await unlink(lock).catch(() => undefined);
  }
}
