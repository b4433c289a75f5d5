import type { FileHandle } from 'node:fs/promises';
import { localHasher, type HashPool } from './hash-pool.js';

/** 4 MiB chunks: large enough that syscalls and hash calls are amortized, small enough for 3 in flight. */
export const CHUNK_SIZE = 4 * 1024 * 1024;

export class SourceReadError extends Error {
  constructor(
    message: string,
    override readonly cause: unknown,
  ) {
    super(message);
  }
}

async function writeAll(fd: FileHandle, buf: Buffer): Promise<void> {
  let off = 0;
  while (off < buf.length) {
    const { bytesWritten } = await fd.write(buf, off, buf.length - off, null);
    off += bytesWritten;
  }
}

/**
 * Reads `src` once, start to end, and in the same pass hashes (SHA-256) and writes every byte to
 * `dst` (when given). Reads, hashing and writes overlap: while chunk n is hashed (on a worker
 * thread when a pool is given, so several files hash on several cores) and written by the thread
 * pool, chunk n+1 is already being read. Three rotating shared buffers keep memory flat whatever
 * the file size; a buffer is read into again only once its hash and its write are done.
 */
export async function copyAndHash(
  src: FileHandle,
  dst: FileHandle | undefined,
  onBytes?: (n: number) => void,
  pool?: HashPool,
): Promise<{ sha256: string; size: number }> {
  const shared = [new SharedArrayBuffer(CHUNK_SIZE), new SharedArrayBuffer(CHUNK_SIZE), new SharedArrayBuffer(CHUNK_SIZE)];
  const bufs = shared.map((b) => Buffer.from(b));
  const hasher = pool ? await pool.start(shared) : localHasher(shared);
  let pos = 0;
  let i = 0;
  const read = (buf: Buffer, at: number) =>
    src.read(buf, 0, CHUNK_SIZE, at).catch((e: unknown) => {
      throw new SourceReadError(`reading the source failed at byte ${at}: ${(e as Error).message}`, e);
    });
  let pendingRead = read(bufs[0]!, 0);
  let pendingWrite: Promise<void> | undefined;
  let pendingHash: Promise<void> | undefined;
  try {
    for (;;) {
      const { bytesRead } = await pendingRead;
      if (bytesRead === 0) break;
      const b = i % 3;
      const chunk = bufs[b]!.subarray(0, bytesRead);
      pos += bytesRead;
      // The next read goes into the buffer of chunk n-2, whose hash and write finished last round.
      pendingRead = read(bufs[(i + 1) % 3]!, pos);
      if (pendingHash) await pendingHash;
      pendingHash = hasher.update(b, bytesRead);
      if (pendingWrite) await pendingWrite;
      if (dst) pendingWrite = writeAll(dst, chunk);
      onBytes?.(bytesRead);
      i += 1;
    }
    if (pendingHash) await pendingHash;
    if (pendingWrite) await pendingWrite;
  } catch (e) {
    // Settle the in-flight operations before the caller closes the handles.
    await Promise.allSettled([pendingRead, pendingWrite, pendingHash]);
    hasher.drop();
    throw e;
  }
  return { sha256: await hasher.digest(), size: pos };
}
