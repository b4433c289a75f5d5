import { createReadStream, type ReadStream } from 'node:fs';
import { chmod, link, mkdir, open, readdir, rename, rm, stat, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { fsyncDir, processAlive } from '../durable-fs.js';
import { failpoint } from '../failpoints.js';
import type { HashPool } from './hash-pool.js';
import { copyAndHash, SourceReadError } from './one-pass-copy.js';

export { SourceReadError };

export interface StoredBlob {
  sha256: string;
  size: number;
  /** False when a blob with these bytes was already stored: nothing new was written. */
  created: boolean;
}

export interface BlobEntry {
  sha256: string;
  path: string;
  size: number;
}

const SHA256_RE = /^[0-9a-f]{64}$/;

/**
 * Content-addressed store of originals on a local filesystem: `sha256/ab/cd/<hash>`.
 * A blob is written to `tmp/`, fsynced, made read-only, renamed into place, and its directory
 * fsynced. Nothing ever rewrites a stored blob; only retention removes one (`discard`).
 */
export class FsBlobStore {
  readonly root: string;
  readonly tmpDir: string;

  /** `hashes`: worker threads that hash while this thread reads and writes (all cores busy when several files import at once). */
  constructor(
    root: string,
    private readonly hashes?: HashPool,
  ) {
    this.root = path.resolve(root);
    this.tmpDir = path.join(this.root, 'tmp');
  }

  async init(): Promise<void> {
    await mkdir(path.join(this.root, 'sha256'), { recursive: true });
    await mkdir(this.tmpDir, { recursive: true });
  }

  pathOf(sha256: string): string {
    if (!SHA256_RE.test(sha256)) throw new Error(`not a sha256: ${sha256}`);
    return path.join(this.root, 'sha256', sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  /** A fresh temp path inside the store (same filesystem, so the final rename is atomic). */
  tempPath(label = 'import'): string {
    return path.join(this.tmpDir, `${label}-${process.pid}-${randomBytes(8).toString('hex')}`);
  }

  /**
   * Copies an already-opened source into the store in one pass. The caller owns `src`.
   * Source failures throw SourceReadError; the temp file is always removed on failure.
   */
  async putFromHandle(src: FileHandle, onBytes?: (n: number) => void, expectedSize?: number): Promise<StoredBlob> {
    const tmp = this.tempPath();
    const dst = await open(tmp, 'wx', 0o600);
    let result: { sha256: string; size: number };
    try {
      result = await copyAndHash(src, dst, onBytes, this.hashes);
      if (expectedSize !== undefined && result.size !== expectedSize) {
        throw new SourceReadError(`the source changed while it was read (${expectedSize} bytes expected, ${result.size} read); not imported, source kept`, undefined);
      }
      failpoint('blob.before-fsync');
      await dst.sync();
    } catch (e) {
      await dst.close().catch(() => undefined);
      await rm(tmp, { force: true });
      throw e;
    }
    await dst.close();
    return this.commitTemp(tmp, result);
  }

  /**
   * Takes ownership of a complete file already inside the store's filesystem (a finished
   * upload): reads it once to hash, fsyncs and moves it into place — no second copy.
   */
  async adopt(file: string, onBytes?: (n: number) => void): Promise<StoredBlob> {
    const tmp = this.tempPath('adopt');
    await rename(file, tmp);
    const fd = await open(tmp, 'r+');
    let result: { sha256: string; size: number };
    try {
      result = await copyAndHash(fd, undefined, onBytes, this.hashes);
      await fd.sync();
    } finally {
      await fd.close();
    }
    return this.commitTemp(tmp, result);
  }

  private async commitTemp(tmp: string, result: { sha256: string; size: number }): Promise<StoredBlob> {
    const final = this.pathOf(result.sha256);
    const dir = path.dirname(final);
    if (await exists(final)) {
      await unlink(tmp);
      return { ...result, created: false };
    }
    await mkdir(dir, { recursive: true });
    await chmod(tmp, 0o444);
    failpoint('blob.before-rename');
    if (!(await placeNoReplace(tmp, final))) {
      // A twin with the same bytes was placed since the check above (a concurrent import): keep it.
      await unlink(tmp);
      await fsyncDir(dir);
      return { ...result, created: false };
    }
    failpoint('blob.after-rename');
    await fsyncDir(dir);
    await fsyncDir(this.tmpDir);
    return { ...result, created: true };
  }

  async has(sha256: string): Promise<boolean> {
    return exists(this.pathOf(sha256));
  }

  /** Re-reads a stored blob and returns its SHA-256 (for verification). */
  async rehash(sha256: string, onBytes?: (n: number) => void): Promise<{ sha256: string; size: number }> {
    const fd = await open(this.pathOf(sha256), 'r');
    try {
      return await copyAndHash(fd, undefined, onBytes, this.hashes);
    } finally {
      await fd.close();
    }
  }

  createReadStream(sha256: string, range?: { start: number; end: number }): ReadStream {
    return createReadStream(this.pathOf(sha256), { ...range, highWaterMark: 1024 * 1024 });
  }

  /**
   * Removes a stored original. Only the retention process calls this, after the recording's
   * tombstone committed (DESIGN invariant 1); a blob already gone is fine (a resumed deletion).
   */
  async discard(sha256: string): Promise<boolean> {
    const file = this.pathOf(sha256);
    try {
      await unlink(file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw e;
    }
    await fsyncDir(path.dirname(file));
    return true;
  }

  /** Every stored blob, by walking the tree (for verify: finds blobs the database doesn't know). */
  async *list(): AsyncGenerator<BlobEntry> {
    const base = path.join(this.root, 'sha256');
    for (const a of await readdirSafe(base)) {
      for (const b of await readdirSafe(path.join(base, a))) {
        for (const name of await readdirSafe(path.join(base, a, b))) {
          const p = path.join(base, a, b, name);
          const st = await stat(p);
          yield { sha256: name, path: p, size: st.size };
        }
      }
    }
  }

  /**
   * Removes temp files left by processes that died mid-copy (their pid is in the name). Files of
   * live processes are left alone. Called by commands that write (serve, ingest), never by verify.
   */
  async sweepTempLeftovers(): Promise<string[]> {
    const removed: string[] = [];
    for (const file of await this.listTemp()) {
      const pid = Number(/^[a-z]+-(\d+)-/.exec(path.basename(file))?.[1]);
      if (!Number.isInteger(pid) || pid === process.pid || processAlive(pid)) continue;
      await rm(file, { force: true });
      removed.push(file);
    }
    if (removed.length > 0) await fsyncDir(this.tmpDir);
    return removed;
  }

  /** Temp files left by interrupted imports (a crash mid-copy). Safe to remove when no import runs. */
  async listTemp(): Promise<string[]> {
    return (await readdirSafe(this.tmpDir)).map((n) => path.join(this.tmpDir, n));
  }
}

/**
 * Moves `tmp` to `final` unless something is already there (then false): a stored blob is never
 * replaced, not even by a twin of the same bytes written at the same moment (rename(2) would
 * silently swap the stored file). link(2) fails with EEXIST instead; on a filesystem without hard
 * links this falls back to rename.
 */
async function placeNoReplace(tmp: string, final: string): Promise<boolean> {
  try {
    await link(tmp, final);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'ENOSYS') {
      await rename(tmp, final);
      return true;
    }
    throw e;
  }
  await unlink(tmp);
  return true;
}

async function readdirSafe(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
}
