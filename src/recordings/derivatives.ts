import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { AuditLedger } from '../audit/index.js';
import type { FsBlobStore } from '../platform/blobs/fs-store.js';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db/database.js';
import { defineJob, type JobCatalogue, type JobOutcome } from '../platform/jobs/queue.js';
import type { MediaTools } from '../platform/media/ffmpeg.js';
import type { DerivativeRow, RecordingsRepo } from './repo.js';

/** The order derivative work runs after an import, declared once. Probing happens during import. */
export const DERIVATIVE_PIPELINE = ['recording.thumbnails', 'recording.proxy'] as const;

const Payload = z.object({ recordingId: z.string() });

async function sha256File(p: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(p, { highWaterMark: 1024 * 1024 })) h.update(chunk as Buffer);
  return h.digest('hex');
}

export interface DerivativeDeps {
  db: Database;
  repo: RecordingsRepo;
  ledger: AuditLedger;
  blobs: FsBlobStore;
  media: MediaTools;
  clock: Clock;
  /** `<data>/derivatives` */
  root: string;
}

/**
 * Thumbnail strip and browser proxy. Both read the original and write beside it under
 * `derivatives/`, never into the blob store: originals stay untouched. Idempotent: a job whose
 * output exists is skipped.
 */
/** Where a recording's derivatives live under the derivatives root. */
export function derivativeDirOf(root: string, recordingId: string): string {
  return path.join(root, recordingId.slice(0, 2), recordingId);
}

export function derivativeJobs(d: DerivativeDeps): JobCatalogue {
  const dirOf = (id: string) => derivativeDirOf(d.root, id);

  async function store(recordingId: string, kind: DerivativeRow['kind'], tmp: string, final: string): Promise<JobOutcome> {
    await rename(tmp, final);
    const row: DerivativeRow = { recording_id: recordingId, kind, path: final, size: (await stat(final)).size, sha256: await sha256File(final), created_at: d.clock.now() };
    await d.db.transact(async (trx) => {
      await d.repo.upsertDerivative(trx, row);
      await d.ledger.append(trx, { actor: null, action: 'recording.derivative', subject: { type: 'recording', id: recordingId }, details: { kind, sha256: row.sha256, size: row.size } });
    });
    return { status: 'done', detail: `${kind} ${row.size} bytes` };
  }

  return {
    'recording.thumbnails': defineJob({
      payload: Payload,
      maxAttempts: 3,
      async handle({ recordingId }) {
        const rec = await d.repo.byId(recordingId);
        if (!rec) return { status: 'failed', reason: 'recording not found' };
        if (await d.repo.derivative(recordingId, 'thumbnails')) return { status: 'skipped', reason: 'thumbnails exist' };
        if (!rec.video_codec) return { status: 'skipped', reason: 'no video stream' };
        const dir = dirOf(recordingId);
        await mkdir(dir, { recursive: true });
        const final = path.join(dir, 'thumbnails.jpg');
        const tmp = `${final}.tmp.jpg`;
        try {
          await d.media.thumbnailStrip(d.blobs.pathOf(rec.blob_sha256), tmp, rec.duration_ms ?? 1000);
        } catch (e) {
          await rm(tmp, { force: true });
          return { status: 'failed', reason: (e as Error).message, retry: rec.damaged === 0 };
        }
        return store(recordingId, 'thumbnails', tmp, final);
      },
    }),
    'recording.proxy': defineJob({
      payload: Payload,
      maxAttempts: 2,
      async handle({ recordingId }, ctx) {
        const rec = await d.repo.byId(recordingId);
        if (!rec) return { status: 'failed', reason: 'recording not found' };
        if (rec.playable === 1) return { status: 'skipped', reason: 'the original plays in browsers as is' };
        if (!rec.video_codec && !rec.audio_codec) return { status: 'skipped', reason: 'no audio or video stream' };
        if (await d.repo.derivative(recordingId, 'proxy')) return { status: 'skipped', reason: 'proxy exists' };
        const dir = dirOf(recordingId);
        await mkdir(dir, { recursive: true });
        const final = path.join(dir, 'proxy.mp4');
        const tmp = `${final}.tmp.mp4`;
        try {
          await d.media.proxy(d.blobs.pathOf(rec.blob_sha256), tmp, rec.duration_ms, (f) => void ctx.reportProgress(f));
        } catch (e) {
          await rm(tmp, { force: true });
          return { status: 'failed', reason: (e as Error).message, retry: rec.damaged === 0 };
        }
        return store(recordingId, 'proxy', tmp, final);
      },
    }),
  };
}
