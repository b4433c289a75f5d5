import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

/** Writes `size` random bytes (incompressible, like encoded video) to `file`. */
export function writeRandomFile(file: string, size: number): void {
  const fd = openSync(file, 'w');
  const chunk = randomBytes(8 * 1024 * 1024);
  let left = size;
  let i = 0;
  while (left > 0) {
    const n = Math.min(left, chunk.length);
    // Vary the chunk so files never share content.
    chunk.writeUInt32LE(i++, 0);
    chunk.writeUInt32LE(size, 4);
    writeSync(fd, chunk, 0, n);
    left -= n;
  }
  closeSync(fd);
}

/** Tries to drop the page cache; returns false where the sandbox forbids it. */
export function dropCaches(): boolean {
  try {
    execFileSync('sh', ['-c', 'sync && echo 3 > /proc/sys/vm/drop_caches'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function time<T>(fn: () => T): { ms: number; value: T } {
  const t = process.hrtime.bigint();
  const value = fn();
  return { ms: Number(process.hrtime.bigint() - t) / 1e6, value };
}

export async function timeAsync<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = process.hrtime.bigint();
  const value = await fn();
  return { ms: Number(process.hrtime.bigint() - t) / 1e6, value };
}

export const MB = 1e6;
export const MiB = 1024 * 1024;
