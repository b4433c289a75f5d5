import { createHash, type Hash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/**
 * SHA-256 on worker threads, so that several files being imported at once are hashed on every
 * core instead of all on the main thread. Chunks travel as views of SharedArrayBuffers (no copy);
 * each worker keeps the running hash of the files assigned to it and answers every update, so the
 * caller knows when a buffer may be reused. The worker source is inline JavaScript: the same code
 * runs from TypeScript sources (tsx) and from the compiled build.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const jobs = new Map();
parentPort.on('message', (m) => {
  try {
    if (m.op === 'start') { jobs.set(m.id, { hash: createHash('sha256'), buffers: m.buffers }); parentPort.postMessage({ id: m.id, seq: m.seq }); return; }
    const job = jobs.get(m.id);
    if (m.op === 'update') { job.hash.update(new Uint8Array(job.buffers[m.buf], 0, m.len)); parentPort.postMessage({ id: m.id, seq: m.seq }); return; }
    if (m.op === 'digest') { jobs.delete(m.id); parentPort.postMessage({ id: m.id, seq: m.seq, hex: job.hash.digest('hex') }); return; }
    if (m.op === 'drop') { jobs.delete(m.id); return; }
  } catch (e) { parentPort.postMessage({ id: m.id, seq: m.seq, error: String(e && e.message || e) }); }
});
`;

/** A running SHA-256 over chunks that live in shared buffers. */
export interface ChunkHasher {
  /** Hashes `len` bytes at the start of shared buffer `buf`; resolves when the buffer may be reused. */
  update(buf: number, len: number): Promise<void>;
  digest(): Promise<string>;
  /** Abandons the hash (an import failed). */
  drop(): void;
}

interface Pending {
  resolve: (v: { hex?: string }) => void;
  reject: (e: Error) => void;
}

class PoolWorker {
  readonly worker: Worker;
  private pending = new Map<string, Pending>();
  load = 0;

  constructor() {
    this.worker = new Worker(WORKER_SOURCE, { eval: true });
    this.worker.unref();
    this.worker.on('message', (m: { id: number; seq: number; hex?: string; error?: string }) => {
      const key = `${m.id}:${m.seq}`;
      const p = this.pending.get(key);
      this.pending.delete(key);
      if (!p) return;
      if (m.error) p.reject(new Error(`hash worker: ${m.error}`));
      else p.resolve(m);
    });
    this.worker.on('error', (e) => {
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    });
  }

  call(msg: { op: string; id: number; seq: number; [k: string]: unknown }): Promise<{ hex?: string }> {
    return new Promise((resolve, reject) => {
      this.pending.set(`${msg.id}:${msg.seq}`, { resolve, reject });
      this.worker.postMessage(msg);
    });
  }
}

export class HashPool {
  private workers: PoolWorker[] | undefined;
  private nextId = 1;

  constructor(private readonly size = Math.max(1, Math.min(4, availableParallelism()))) {}

  /** Starts a hash over these shared buffers on the least busy worker. */
  async start(buffers: readonly SharedArrayBuffer[]): Promise<ChunkHasher> {
    this.workers ??= Array.from({ length: this.size }, () => new PoolWorker());
    const w = this.workers.reduce((a, b) => (b.load < a.load ? b : a));
    const id = this.nextId++;
    let seq = 0;
    w.load += 1;
    let done = false;
    const finish = () => {
      if (!done) {
        done = true;
        w.load -= 1;
      }
    };
    await w.call({ op: 'start', id, seq: seq++, buffers });
    return {
      update: async (buf, len) => {
        await w.call({ op: 'update', id, seq: seq++, buf, len });
      },
      digest: async () => {
        try {
          const r = await w.call({ op: 'digest', id, seq: seq++ });
          return r.hex!;
        } finally {
          finish();
        }
      },
      drop: () => {
        if (done) return;
        w.worker.postMessage({ op: 'drop', id, seq: seq++ });
        finish();
      },
    };
  }

  async close(): Promise<void> {
    const ws = this.workers ?? [];
    this.workers = undefined;
    await Promise.all(ws.map((w) => w.worker.terminate()));
  }
}

/** The same contract on the calling thread (one core; used when no pool is given). */
export function localHasher(buffers: readonly SharedArrayBuffer[]): ChunkHasher {
  const hash: Hash = createHash('sha256');
  return {
    update: (buf, len) => {
      hash.update(new Uint8Array(buffers[buf]!, 0, len));
      return Promise.resolve();
    },
    digest: () => Promise.resolve(hash.digest('hex')),
    drop: () => undefined,
  };
}
