import { createHash, randomBytes } from 'node:crypto';
import { open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { HashPool } from './hash-pool.js';
import { CHUNK_SIZE, copyAndHash } from './one-pass-copy.js';

describe('hashing on worker threads', () => {
  const pool = new HashPool(2);
  afterAll(() => pool.close());

  it('gives the same SHA-256 as one-thread hashing, for sizes around the chunk boundaries, several files at once', async () => {
    const sizes = [0, 1, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 3 * CHUNK_SIZE + 17];
    const dir = path.join(tmpdir(), `custodia-hash-${process.pid}-${Date.now()}`);
    const files = await Promise.all(
      sizes.map(async (n, i) => {
        const p = `${dir}-${i}`;
        const bytes = randomBytes(n);
        await writeFile(p, bytes);
        return { p, want: createHash('sha256').update(bytes).digest('hex'), n };
      }),
    );
    try {
      const got = await Promise.all(
        files.map(async (f) => {
          const fd = await open(f.p, 'r');
          try {
            return await copyAndHash(fd, undefined, undefined, pool);
          } finally {
            await fd.close();
          }
        }),
      );
      expect(got).toEqual(files.map((f) => ({ sha256: f.want, size: f.n })));
    } finally {
      await Promise.all(files.map((f) => rm(f.p, { force: true })));
    }
  });

  it('agrees with createHash for arbitrary chunk sequences (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.uint8Array({ maxLength: 5000 }), { maxLength: 6 }), async (chunks) => {
        const shared = [new SharedArrayBuffer(5000), new SharedArrayBuffer(5000), new SharedArrayBuffer(5000)];
        const h = await pool.start(shared);
        for (const [i, c] of chunks.entries()) {
          new Uint8Array(shared[i % 3]!).set(c);
          await h.update(i % 3, c.length);
        }
        const want = createHash('sha256');
        for (const c of chunks) want.update(c);
        expect(await h.digest()).toBe(want.digest('hex'));
      }),
      { numRuns: 100 },
    );
  });
});
