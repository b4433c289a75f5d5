import { constants } from 'node:fs';
import { lstat, open } from 'node:fs/promises';
import path from 'node:path';
import type { AuditLedger } from '../audit/index.js';
import { auditActor, type Actor, type RequestMeta } from '../identity/index.js';
import type { ImportedFile, RecordingsService } from '../recordings/index.js';
import { SourceReadError, type FsBlobStore } from '../platform/blobs/fs-store.js';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db/database.js';
import { failpoint } from '../platform/failpoints.js';
import { newId } from '../platform/ids.js';
import type { Logger } from '../platform/log.js';
import type { MediaTools } from '../platform/media/ffmpeg.js';
import { deviceStartTime } from '../recordings/index.js';
import { parseRecorderFileName, type FileNamePattern } from './file-names.js';
import { walkSource, type SourceFile } from './walk.js';

export type ItemStatus = 'imported' | 'duplicate' | 'failed';

export interface ItemResult {
  path: string;
  status: ItemStatus;
  recordingId: string | null;
  sha256: string | null;
  size: number | null;
  /** Flags worth a look even when the import worked: damaged, source vanished, name not UTF-8… */
  flags: string[];
  error: string | null;
}

export interface BatchResult {
  batchId: string;
  source: string;
  files: ItemResult[];
  imported: number;
  duplicates: number;
  failed: number;
  bytes: number;
  wiped: boolean;
  wipeRefusedReason: string | null;
}

export interface IngestProgress {
  filesTotal: number;
  filesDone: number;
  bytesTotal: number;
  bytesDone: number;
  current: string | null;
}

export interface IngestOptions {
  sourceKind: 'folder' | 'dock' | 'upload';
  unitId: string;
  deviceSerial?: string | undefined;
  officerBadge?: string | undefined;
  clockOffsetMs?: number | undefined;
  station: string;
  actor: Actor | null;
  meta: RequestMeta;
  /** Delete source files after every file of the source is stored and re-verified (R-NOKEEP). */
  wipe?: ((files: readonly Buffer[]) => Promise<void>) | undefined;
  onProgress?: ((p: IngestProgress) => void) | undefined;
  /** Files processed at once (default 4): copies overlap each other's fsync, probe and commit. */
  concurrency?: number | undefined;
}

/**
 * The custody seam (R-COLLECT, R-DEV-CHECK): what the device desk knows about a registered
 * recorder at the moment one of its recordings was made. Implemented by the devices capability.
 */
export interface DeviceCustody {
  /**
   * For a recording the device with `serial` started at `deviceTime` (its own clock): the clock
   * offset to correct it with — `measuredOffsetMs` (read from the docked device now) when given,
   * else the calibration that applies — and who held the device at the corrected time. Null for
   * a serial the registry doesn't know.
   */
  custodyAt(serial: string, deviceTime: number, measuredOffsetMs?: number): Promise<{ deviceId: string; clockOffsetMs: number; holder: { userId: string; badge: string | null } | null } | null>;
}

/** Who wears a badge (the directory). */
export interface OfficerDirectory {
  userByBadge(badge: string): Promise<{ id: string } | undefined>;
}

export interface PipelineDeps {
  db: Database;
  blobs: FsBlobStore;
  media: MediaTools;
  recordings: RecordingsService;
  ledger: AuditLedger;
  clock: Clock;
  log: Logger;
  timeZone: string;
  patterns: readonly FileNamePattern[];
  /** Corrects times by the device's calibration and names the holder; without it, only `clockOffsetMs` given with the import applies. */
  custody?: DeviceCustody | undefined;
  /** Links a badge in a file name to its officer. */
  officers?: OfficerDirectory | undefined;
}

class FileError extends Error {}

/**
 * Collection (R-COLLECT): copies every file of a source into the blob store in one pass (hash
 * while writing), probes it, and records it with its ledger entry. Files fail one by one with a
 * clear reason; the others continue. The source is wiped only when every file of it is stored
 * and its stored copy re-read and matched.
 */
export class IngestPipeline {
  constructor(private readonly d: PipelineDeps) {}

  async importSource(source: string, opts: IngestOptions): Promise<BatchResult> {
    return this.importFiles(path.resolve(source), await walkSource(source), opts);
  }

  /**
   * A finished upload: the file is already ours (inside the data folder), so it is moved into the
   * store after one hashing pass instead of copied. Same records, same ledger entries as a dock.
   */
  async importUpload(file: string, name: string, opts: IngestOptions): Promise<BatchResult> {
    const st = await lstat(file);
    const safeName = sanitizeUploadName(name);
    const entry: SourceFile = { path: Buffer.from(file), displayPath: `upload:${safeName}`, name: safeName, rawNameHex: null, size: st.size, mtimeMs: Math.floor(st.mtimeMs), irregular: null };
    return this.importFiles(`upload:${safeName}`, [entry], { ...opts, sourceKind: 'upload', wipe: undefined }, true);
  }

  private async importFiles(source: string, files: SourceFile[], opts: IngestOptions, move = false): Promise<BatchResult> {
    const batchId = newId();
    const now = this.d.clock.now();
    await this.d.db.transact(async (trx) => {
      await trx
        .insertInto('import_batches')
        .values({
          id: batchId,
          source_kind: opts.sourceKind,
          source,
          station: opts.station,
          collected_by: opts.actor?.id ?? null,
          unit_id: opts.unitId,
          device_serial: opts.deviceSerial ?? null,
          officer_badge: opts.officerBadge ?? null,
          started_at: now,
          finished_at: null,
          files_total: files.length,
          files_imported: 0,
          files_duplicate: 0,
          files_failed: 0,
          bytes: 0,
          wiped: 0,
          status: 'running',
        })
        .execute();
      await this.d.ledger.append(trx, {
        actor: auditActor(opts.actor),
        action: 'ingest.batch_start',
        subject: { type: 'import_batch', id: batchId },
        ip: opts.meta.ip,
        details: { source, kind: opts.sourceKind, files: files.length, device: opts.deviceSerial ?? null, officer: opts.officerBadge ?? null, station: opts.station },
      });
    });

    const progress: IngestProgress = { filesTotal: files.length, filesDone: 0, bytesTotal: files.reduce((s, f) => s + f.size, 0), bytesDone: 0, current: null };
    const results: ItemResult[] = new Array<ItemResult>(files.length);
    let next = 0;
    const worker = async () => {
      while (next < files.length) {
        const i = next++;
        const f = files[i]!;
        progress.current = f.displayPath;
        opts.onProgress?.(progress);
        results[i] = await this.importFile(f, batchId, opts, move, (n) => {
          progress.bytesDone += n;
          opts.onProgress?.(progress);
        });
        progress.filesDone += 1;
        opts.onProgress?.(progress);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.concurrency ?? 4, files.length)) }, worker));

    const imported = results.filter((r) => r.status === 'imported').length;
    const duplicates = results.filter((r) => r.status === 'duplicate').length;
    const failed = results.filter((r) => r.status === 'failed').length;
    const bytes = results.reduce((s, r) => s + (r.status !== 'failed' ? (r.size ?? 0) : 0), 0);

    let wiped = false;
    let wipeRefusedReason: string | null = null;
    if (opts.wipe) {
      wipeRefusedReason = await this.wipeSource(files, results, opts, batchId);
      wiped = wipeRefusedReason === null;
    }

    await this.d.db.transact(async (trx) => {
      await trx
        .updateTable('import_batches')
        .set({ finished_at: this.d.clock.now(), files_imported: imported, files_duplicate: duplicates, files_failed: failed, bytes, wiped: wiped ? 1 : 0, status: failed > 0 ? 'failed' : 'done' })
        .where('id', '=', batchId)
        .execute();
      for (let i = 0; i < results.length; i += 200) {
        await trx
          .insertInto('import_items')
          .values(
            results.slice(i, i + 200).map((r) => ({
              id: newId(),
              batch_id: batchId,
              source_path: r.path,
              status: r.status,
              recording_id: r.recordingId,
              sha256: r.sha256,
              size: r.size,
              error: r.error,
              flags: JSON.stringify(r.flags),
              created_at: this.d.clock.now(),
            })),
          )
          .execute();
      }
      await this.d.ledger.append(trx, {
        actor: auditActor(opts.actor),
        action: 'ingest.batch_finish',
        subject: { type: 'import_batch', id: batchId },
        ip: opts.meta.ip,
        details: { imported, duplicates, failed, bytes, wiped, wipeRefusedReason },
      });
    });
    return { batchId, source, files: results, imported, duplicates, failed, bytes, wiped, wipeRefusedReason };
  }

  private async importFile(f: SourceFile, batchId: string, opts: IngestOptions, move: boolean, onBytes: (n: number) => void): Promise<ItemResult> {
    const flags: string[] = [];
    if (f.rawNameHex) flags.push(`name_not_utf8:${f.rawNameHex}`);
    const fail = (error: string): ItemResult => ({ path: f.displayPath, status: 'failed', recordingId: null, sha256: null, size: null, flags, error });
    if (f.irregular) return fail(f.irregular);
    if (move && f.size === 0) return fail('empty file (0 bytes): nothing to preserve');
    try {
      const stored = move ? await this.d.blobs.adopt(f.path.toString(), onBytes) : await this.copy(f, onBytes, flags);
      failpoint('ingest.before-probe');
      const media = await this.d.media.probe(this.d.blobs.pathOf(stored.sha256));
      if (media.damaged) flags.push('damaged');
      const parsed = parseRecorderFileName(f.name, { timeZone: this.d.timeZone, patterns: this.d.patterns });
      const deviceSerial = parsed?.deviceSerial ?? opts.deviceSerial ?? null;
      let officerBadge = parsed?.officerBadge ?? opts.officerBadge ?? null;
      if (parsed?.deviceSerial && opts.deviceSerial && parsed.deviceSerial !== opts.deviceSerial) flags.push(`device_mismatch:name=${parsed.deviceSerial},given=${opts.deviceSerial}`);
      if (parsed?.officerBadge && opts.officerBadge && parsed.officerBadge !== opts.officerBadge) flags.push(`officer_mismatch:name=${parsed.officerBadge},given=${opts.officerBadge}`);
      // Custody: the device's calibration corrects the time (a reading taken at the dock wins), and
      // the officer is the badge's owner or, when no badge was given, whoever held the device then.
      const start = deviceStartTime({ fileNameStart: parsed?.deviceStartedAt, containerCreation: media.creationTime, fileMtime: f.mtimeMs, importedAt: this.d.clock.now() });
      const custody = deviceSerial && this.d.custody ? await this.d.custody.custodyAt(deviceSerial, start.at, opts.clockOffsetMs) : null;
      const clockOffsetMs = custody ? custody.clockOffsetMs : (opts.clockOffsetMs ?? 0);
      let officerId: string | null = null;
      if (officerBadge !== null) {
        officerId = (await this.d.officers?.userByBadge(officerBadge))?.id ?? null;
        if (custody?.holder && custody.holder.badge !== officerBadge) flags.push(`holder_mismatch:name=${officerBadge},holder=${custody.holder.badge ?? custody.holder.userId}`);
      } else if (custody?.holder) {
        officerId = custody.holder.userId;
        officerBadge = custody.holder.badge;
      }
      const input: ImportedFile = {
        sha256: stored.sha256,
        size: stored.size,
        originalName: f.name,
        sourcePath: f.displayPath,
        sourceKind: opts.sourceKind,
        batchId,
        unitId: opts.unitId,
        deviceSerial,
        officerBadge,
        station: opts.station,
        fileNamePattern: parsed?.pattern ?? null,
        fileNameStart: parsed?.deviceStartedAt,
        fileMtime: f.mtimeMs,
        officerId,
        clockOffsetMs,
        media,
        notes: flags,
      };
      failpoint('ingest.before-commit');
      const outcome = await this.d.recordings.registerImport(input, opts.actor, opts.meta);
      failpoint('ingest.after-commit');
      return { path: f.displayPath, status: outcome.status, recordingId: outcome.recording.id, sha256: stored.sha256, size: stored.size, flags, error: null };
    } catch (e) {
      if (e instanceof FileError || e instanceof SourceReadError) return fail(e.message);
      this.d.log.error({ err: e, file: f.displayPath }, 'import failed');
      return fail(`import failed: ${(e as Error).message}`);
    }
  }

  /** One pass from the source into the store; refuses a source that changed while it was read. */
  private async copy(f: SourceFile, onBytes: (n: number) => void, flags: string[]): Promise<{ sha256: string; size: number }> {
    let fd;
    try {
      fd = await open(f.path, constants.O_RDONLY | constants.O_NOFOLLOW);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new FileError(code === 'ENOENT' ? 'source file vanished before it could be read' : `cannot open source: ${code ?? (e as Error).message}`);
    }
    try {
      const before = await fd.stat();
      if (!before.isFile()) throw new FileError('not a regular file');
      if (before.size === 0) throw new FileError('empty file (0 bytes): nothing to preserve; source kept');
      const stored = await this.d.blobs.putFromHandle(fd, onBytes, before.size);
      const after = await lstat(f.path).catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? null : Promise.reject(e)));
      if (after === null) flags.push('source_vanished_after_copy');
      else if (after.size !== before.size || after.mtimeMs !== before.mtimeMs) flags.push('source_modified_after_copy');
      return stored;
    } finally {
      await fd.close();
    }
  }

  /** R-NOKEEP: wipe only when every file is stored, and re-read from the store to prove it. */
  private async wipeSource(files: SourceFile[], results: ItemResult[], opts: IngestOptions, batchId: string): Promise<string | null> {
    const failed = results.filter((r) => r.status === 'failed');
    if (failed.length > 0) return `${failed.length} file(s) failed; the source is kept whole`;
    if (results.some((r) => r.flags.includes('source_modified_after_copy'))) return 'a source file changed after it was copied; the source is kept whole';
    for (const r of results) {
      const again = await this.d.blobs.rehash(r.sha256!);
      if (again.sha256 !== r.sha256) return `stored copy of ${r.path} does not re-verify; the source is kept whole`;
    }
    const toFree = files.filter((_, i) => !results[i]!.flags.includes('source_vanished_after_copy')).map((f) => f.path);
    // The wipe is in the ledger before it happens (DESIGN invariant 3).
    await this.d.ledger.record({
      actor: auditActor(opts.actor),
      action: 'ingest.source_wipe',
      subject: { type: 'import_batch', id: batchId },
      ip: opts.meta.ip,
      details: { files: results.map((r) => ({ path: r.path, sha256: r.sha256 })) },
    });
    failpoint('ingest.before-wipe');
    await opts.wipe!(toFree);
    return null;
  }
}

/** An uploaded file's name comes from the client: keep only its last path part, without control characters. */
export function sanitizeUploadName(name: string): string {
  const last = name.split(/[\\/]/).pop() ?? '';
  // C0, DEL and C1 (U+0080–U+009F) are all control characters.
  const clean = last.replace(/[\u0000-\u001f\u007f-\u009f]/g, '_').trim();
  if (clean === '' || clean === '.' || clean === '..') return 'upload';
  // At most 255 UTF-16 units (the Windows name limit), never cutting a surrogate pair in half.
  const cut = clean.slice(0, 255);
  return /[\uD800-\uDBFF]$/.test(cut) && clean.length > 255 ? cut.slice(0, -1) : cut;
}
