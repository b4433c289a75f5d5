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

/**
 * A recorder-like file of exactly `size` bytes: a real faststart MP4 (`base`) followed by a
 * top-level `free` box of random bytes — a valid container whose bulk is incompressible payload,
 * probed as fast as real footage, and unique per file.
 */
export function writeRecorderFile(file: string, base: Buffer, size: number): void {
  const fd = openSync(file, 'w');
  writeSync(fd, base);
  const payload = size - base.length - 16;
  if (payload < 0) throw new Error('size smaller than the base video');
  const header = Buffer.alloc(16);
  header.writeUInt32BE(1, 0); // size 1 = 64-bit largesize follows
  header.write('free', 4, 'ascii');
  header.writeBigUInt64BE(BigInt(payload + 16), 8);
  writeSync(fd, header);
  const chunk = randomBytes(8 * 1024 * 1024);
  let left = payload;
  let i = 0;
  while (left > 0) {
    const n = Math.min(left, chunk.length);
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
