import { stat } from 'node:fs/promises';
import type { AuditLedger } from '../audit/index.js';
import { auditActor, clampSensitivity, recordingVisibility, type Actor, type Authorizer, type AuthzAction, type ContentAction, type RequestMeta, type Sensitivity, type Subject } from '../identity/index.js';
import type { FsBlobStore } from '../platform/blobs/fs-store.js';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db/database.js';
import { Conflict, Gone, Invalid, NotFound } from '../platform/errors.js';
import type { ContentGrants, GrantCheck } from './grants.js';
import type { CaseFacet, ImportRules, RecordingAnnotators, RetentionFacet } from './import-rules.js';
import { codeOf, codePrefix } from './unified-code.js';
import { localDay, periodRange } from './browse.js';
import { newId } from '../platform/ids.js';
import type { JobQueue } from '../platform/jobs/queue.js';
import type { MediaFacts } from '../platform/media/ffmpeg.js';
import { DERIVATIVE_PIPELINE } from './derivatives.js';
import type { RecordingQuery, RecordingRow, RecordingsRepo } from './repo.js';
import { deviceStartTime, isLateImport, recordingTimes } from './timing.js';

/** A file whose bytes are stored and verified, ready to become a recording. */
export interface ImportedFile {
  sha256: string;
  size: number;
  originalName: string;
  sourcePath: string;
  sourceKind: RecordingRow['source_kind'];
  batchId: string | null;
  unitId: string;
  deviceSerial: string | null;
  officerBadge: string | null;
  /** The responsible officer's user id, when known (badge in the file name, or the device's holder then). */
  officerId?: string | null | undefined;
  station: string;
  fileNamePattern: string | null;
  fileNameStart?: number | undefined;
  fileMtime?: number | undefined;
  clockOffsetMs: number;
  media: MediaFacts;
  /** Flags found while copying (e.g. the source vanished after it was read). */
  notes: string[];
}

export type ImportOutcome = { status: 'imported'; recording: RecordingRow } | { status: 'duplicate'; recording: RecordingRow };

export interface RecordingView {
  id: string;
  sha256: string;
  size: number;
  originalName: string;
  sourceKind: string;
  unitId: string;
  deviceSerial: string | null;
  officerBadge: string | null;
  collectedBy: string | null;
  collectedAt: number;
  station: string;
  batchId: string | null;
  fileNamePattern: string | null;
  timeSource: string;
  deviceStartedAt: number | null;
  deviceEndedAt: number | null;
  clockOffsetMs: number;
  startedAt: number;
  endedAt: number | null;
  durationMs: number | null;
  importDelayMs: number | null;
  lateImport: boolean;
  container: string | null;
  videoCodec: string | null;
  audioCodec: string | null;
  width: number | null;
  height: number | null;
  latitude: number | null;
  longitude: number | null;
  playable: boolean;
  damaged: boolean;
  damageReason: string | null;
  title: string | null;
  description: string | null;
  createdAt: number;
  updatedAt: number;
  sensitivity: number;
  officerId: string | null;
  /** 统一编码. */
  code: string | null;
  /** The regulation profile version that governs it (`id@version`). */
  profileVersion: string | null;
  uploadDeadlineAt: number | null;
  deletedAt: number | null;
}

export interface RecordingDetail extends RecordingView, RetentionFacet, CaseFacet {
  sourcePath: string;
  media: unknown;
  derivatives: Array<{ kind: string; size: number; sha256: string; createdAt: number }>;
}

export interface ContentHandle {
  path: string;
  size: number;
  contentType: string;
  fileName: string;
  sha256: string;
  /** The grant this use rests on (shown to the viewer). */
  grant: GrantCheck;
}

export interface SearchInput extends Omit<RecordingQuery, 'unitIds' | 'after'> {
  unitId?: string | undefined;
  cursor?: string | undefined;
}

export function encodeCursor(r: { started_at: number; id: string }): string {
  return Buffer.from(JSON.stringify([r.started_at, r.id])).toString('base64url');
}

export function decodeCursor(cursor: string): { startedAt: number; id: string } {
  try {
    const [startedAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown];
    if (typeof startedAt === 'number' && typeof id === 'string') return { startedAt, id };
  } catch {
    // fall through
  }
  throw Invalid('cursor_invalid', 'the paging cursor is not valid');
}

/** The facts of a recording the authorization rule needs. */
export function recordingSubject(r: Pick<RecordingRow, 'id' | 'unit_id' | 'sensitivity' | 'officer_id'>): Subject {
  return { type: 'recording', id: r.id, unitId: r.unit_id, sensitivity: r.sensitivity, officerId: r.officer_id };
}

export interface DerivativePaths {
  dir(recordingId: string): string;
}

export class RecordingsService {
  constructor(
    private readonly db: Database,
    private readonly repo: RecordingsRepo,
    private readonly ledger: AuditLedger,
    private readonly jobs: JobQueue,
    private readonly blobs: FsBlobStore,
    private readonly authz: Authorizer,
    private readonly grants: ContentGrants,
    private readonly rules: ImportRules,
    private readonly clock: Clock,
    private readonly uploadDeadlineHours: number,
    private readonly timeZone: string,
  ) {}

  private annotators: RecordingAnnotators = {};

  /** Registers the capabilities that describe a recording further (retention, cases); see import-rules.ts. */
  useAnnotators(a: RecordingAnnotators): void {
    this.annotators = { ...this.annotators, ...a };
  }

  /**
   * Turns a stored, verified blob into a recording: blob row, recording row and ledger entry in one
   * transaction; derivative jobs are queued in it too, so they exist only if it committed. The same
   * bytes imported again link to the existing recording (unique blob hash) — nothing duplicated.
   */
  async registerImport(f: ImportedFile, actor: Actor | null, meta: RequestMeta): Promise<ImportOutcome> {
    const now = this.clock.now();
    const start = deviceStartTime({ fileNameStart: f.fileNameStart, containerCreation: f.media.creationTime, fileMtime: f.fileMtime, importedAt: now });
    const t = recordingTimes(start.at, f.media.durationMs, f.clockOffsetMs, now);
    const governing = await this.rules.governing(f.unitId, { startedAt: t.startedAt, endedAt: t.endedAt });
    const row: RecordingRow = {
      id: newId(now),
      blob_sha256: f.sha256,
      size: f.size,
      original_name: f.originalName,
      source_path: f.sourcePath,
      source_kind: f.sourceKind,
      batch_id: f.batchId,
      unit_id: f.unitId,
      device_serial: f.deviceSerial,
      officer_badge: f.officerBadge,
      collected_by: actor?.id ?? null,
      collected_at: now,
      station: f.station,
      file_name_pattern: f.fileNamePattern,
      device_started_at: t.deviceStartedAt,
      device_ended_at: t.deviceEndedAt,
      clock_offset_ms: f.clockOffsetMs,
      started_at: t.startedAt,
      ended_at: t.endedAt,
      time_source: start.source,
      duration_ms: f.media.durationMs,
      import_delay_ms: t.importDelayMs,
      media_probed: 1,
      media: JSON.stringify({ streams: f.media.streams, tags: f.media.tags, creationTime: f.media.creationTime, notes: f.notes }),
      container: f.media.container,
      video_codec: f.media.videoCodec,
      audio_codec: f.media.audioCodec,
      width: f.media.width,
      height: f.media.height,
      latitude: f.media.latitude,
      longitude: f.media.longitude,
      playable: f.media.browserPlayable ? 1 : 0,
      damaged: f.media.damaged ? 1 : 0,
      damage_reason: f.media.damageReason,
      title: null,
      description: null,
      created_at: now,
      updated_at: now,
      sensitivity: 0,
      officer_id: f.officerId ?? null,
      profile_id: governing.profileId,
      profile_version: governing.profileVersion,
      upload_deadline_at: governing.uploadDeadlineAt,
      late_import: governing.uploadDeadlineAt === null ? null : now > governing.uploadDeadlineAt ? 1 : 0,
      code: null,
      deleted_at: null,
      deletion_batch_id: null,
    };
    return this.db.transact(async (trx) => {
      await this.repo.ensureBlob(trx, f.sha256, f.size, now);
      const existing = await this.repo.byBlob(f.sha256, trx);
      if (existing) return { status: 'duplicate', recording: existing } as const;
      // 统一编码: the next sequence for this unit, device and day, from an atomic counter.
      const prefix = codePrefix(await this.repo.unitCode(trx, f.unitId), f.deviceSerial, t.startedAt, this.timeZone);
      row.code = codeOf(prefix, await this.repo.nextSequence(trx, prefix));
      await this.repo.insert(trx, row);
      await this.ledger.append(trx, {
        actor: auditActor(actor),
        action: 'recording.import',
        subject: { type: 'recording', id: row.id },
        ip: meta.ip,
        details: {
          sha256: f.sha256,
          size: f.size,
          name: f.originalName,
          source: f.sourcePath,
          sourceKind: f.sourceKind,
          batch: f.batchId,
          device: f.deviceSerial,
          officer: f.officerBadge,
          officerId: row.officer_id,
          station: f.station,
          deviceStartedAt: t.deviceStartedAt,
          startedAt: t.startedAt,
          clockOffsetMs: f.clockOffsetMs,
          importDelayMs: t.importDelayMs,
          damaged: row.damaged === 1,
          code: row.code,
          profile: `${governing.profileId}@${governing.profileVersion}`,
          uploadDeadlineAt: row.upload_deadline_at,
          late: row.late_import === 1,
        },
      });
      for (const job of DERIVATIVE_PIPELINE) await this.jobs.enqueue(trx, job, { recordingId: row.id });
      return { status: 'imported', recording: row } as const;
    });
  }

  async search(actor: Actor, input: SearchInput, meta: RequestMeta): Promise<{ items: RecordingView[]; nextCursor: string | null }> {
    await this.authz.require(actor, 'recording.search', null, meta);
    const v = recordingVisibility(actor);
    const mine = await this.authz.subtreeIds(actor.unitId);
    let unitIds = mine;
    if (input.unitId) {
      if (!mine.includes(input.unitId)) return { items: [], nextCursor: null };
      unitIds = await this.authz.subtreeIds(input.unitId);
    }
    if (!v.visible) return { items: [], nextCursor: null };
    const rows = await this.repo.search({
      ...input,
      unitIds,
      maxSensitivity: v.maxSensitivity,
      officerId: v.officerId ?? undefined,
      limit: input.limit + 1,
      after: input.cursor ? decodeCursor(input.cursor) : undefined,
    });
    const page = rows.slice(0, input.limit);
    const last = page[page.length - 1];
    return { items: page.map((r) => this.view(r)), nextCursor: rows.length > input.limit && last ? encodeCursor(last) : null };
  }

  /**
   * Browse by year/month/day (R-CLASSIFY): how many recordings (and bytes) each local month of a
   * year, or each local day of a month, holds — within what the actor may see.
   */
  async calendar(actor: Actor, q: { year: number; month?: number | undefined; unitId?: string | undefined }, meta: RequestMeta): Promise<{ period: string; buckets: Array<{ key: string; from: number; count: number; bytes: number }> }> {
    await this.authz.require(actor, 'recording.search', null, meta);
    const v = recordingVisibility(actor);
    const mine = await this.authz.subtreeIds(actor.unitId);
    const unitIds = q.unitId ? (mine.includes(q.unitId) ? await this.authz.subtreeIds(q.unitId) : []) : mine;
    const range = periodRange(q.year, q.month, this.timeZone);
    const days = v.visible ? await this.repo.calendar({ ...range, unitIds, bucketMs: 86_400_000, maxSensitivity: v.maxSensitivity, officerId: v.officerId ?? undefined }) : [];
    const buckets = new Map<string, { key: string; from: number; count: number; bytes: number }>();
    for (const d of days) {
      const day = localDay(d.startedAt, range.offsetMs);
      const key = q.month === undefined ? day.slice(0, 7) : day;
      const b = buckets.get(key) ?? { key, from: q.month === undefined ? periodRange(q.year, Number(key.slice(5, 7)), this.timeZone).from : d.startedAt, count: 0, bytes: 0 };
      b.count += d.count;
      b.bytes += d.bytes;
      buckets.set(key, b);
    }
    return { period: q.month === undefined ? String(q.year) : `${q.year}-${String(q.month).padStart(2, '0')}`, buckets: [...buckets.values()].sort((a, b) => a.key.localeCompare(b.key)) };
  }

  /** R-24H: late and on-time imports per unit and per officer, for recordings started in [from, to). */
  async timeliness(actor: Actor, q: { from: number; to: number; unitId?: string | undefined }, meta: RequestMeta) {
    await this.authz.require(actor, 'recording.search', null, meta);
    const v = recordingVisibility(actor);
    const mine = await this.authz.subtreeIds(actor.unitId);
    const unitIds = q.unitId ? (mine.includes(q.unitId) ? await this.authz.subtreeIds(q.unitId) : []) : mine;
    // Counts too stay within clearance: a hidden recording is not even counted.
    const rows = (v.visible ? await this.repo.timeliness({ unitIds, from: q.from, to: q.to, maxSensitivity: v.maxSensitivity }) : []).filter((r) => v.officerId === null || r.officerId === v.officerId);
    const sum = <K extends string>(key: (r: (typeof rows)[number]) => K) => {
      const m = new Map<K, { late: number; onTime: number; unknown: number }>();
      for (const r of rows) {
        const e = m.get(key(r)) ?? { late: 0, onTime: 0, unknown: 0 };
        e.late += r.late;
        e.onTime += r.onTime;
        e.unknown += r.unknown;
        m.set(key(r), e);
      }
      return m;
    };
    const byUnit = [...sum((r) => r.unitId).entries()].map(([unitId, e]) => ({ unitId, ...e }));
    const byOfficer = [...sum((r) => `${r.officerId ?? ''}|${r.officerBadge ?? ''}`).entries()].map(([k, e]) => {
      const [officerId, officerBadge] = k.split('|');
      return { officerId: officerId || null, officerBadge: officerBadge || null, ...e };
    });
    return { from: q.from, to: q.to, byUnit: byUnit.sort((a, b) => b.late - a.late), byOfficer: byOfficer.sort((a, b) => b.late - a.late) };
  }

  /**
   * The recording, if the rule lets the actor do `action` on it. An unknown id and a recording the
   * actor may not know about answer the same (404), and both are in the ledger as denials.
   */
  private async authorized(actor: Actor, id: string, action: AuthzAction, meta: RequestMeta, grant?: GrantCheck): Promise<RecordingRow> {
    const row = await this.repo.byId(id);
    await this.authz.require(actor, action, row ? recordingSubject(row) : { type: 'recording', id, unitId: null }, meta, { grant: grant?.state });
    if (!row) throw NotFound('recording_not_found', `no recording ${id}`);
    return row;
  }

  async detail(actor: Actor, id: string, meta: RequestMeta): Promise<RecordingDetail> {
    const row = await this.authorized(actor, id, 'recording.read', meta);
    const derivatives = await this.repo.derivatives(id);
    const retention: RetentionFacet = (await this.annotators.retention?.describe(row)) ?? { retainUntil: null, retentionBasis: [], longTerm: [], holds: [], tombstone: null };
    const caseIds = (await this.annotators.cases?.caseIdsOf(actor, row)) ?? [];
    return {
      ...this.view(row),
      ...retention,
      caseIds,
      sourcePath: row.source_path,
      media: row.media ? (JSON.parse(row.media) as unknown) : null,
      derivatives: derivatives.map((d) => ({ kind: d.kind, size: d.size, sha256: d.sha256, createdAt: d.created_at })),
    };
  }

  /** Gives a unified code (统一编码) to recordings imported before codes existed, oldest first. */
  async assignMissingCodes(): Promise<number> {
    let n = 0;
    for (;;) {
      const rows = await this.repo.withoutCode(500);
      if (rows.length === 0) return n;
      await this.db.transact(async (trx) => {
        for (const r of rows) {
          const prefix = codePrefix(await this.repo.unitCode(trx, r.unit_id), r.device_serial, r.started_at, this.timeZone);
          await this.repo.update(trx, r.id, { code: codeOf(prefix, await this.repo.nextSequence(trx, prefix)) });
        }
      });
      n += rows.length;
    }
  }

  /** Changes descriptive metadata (never the original's facts); the change and its entry commit together. */
  async updateMetadata(actor: Actor, id: string, changes: { title?: string | null | undefined; description?: string | null | undefined }, reason: string | undefined, meta: RequestMeta): Promise<RecordingDetail> {
    const row = await this.authorized(actor, id, 'recording.update', meta);
    const set: Partial<RecordingRow> = {};
    const before: Record<string, unknown> = {};
    if (changes.title !== undefined && changes.title !== row.title) {
      set.title = changes.title;
      before.title = row.title;
    }
    if (changes.description !== undefined && changes.description !== row.description) {
      set.description = changes.description;
      before.description = row.description;
    }
    if (Object.keys(set).length > 0) {
      set.updated_at = this.clock.now();
      await this.db.transact(async (trx) => {
        await this.repo.update(trx, id, set);
        await this.ledger.append(trx, { actor: auditActor(actor), action: 'recording.update', subject: { type: 'recording', id }, ip: meta.ip, reason: reason ?? null, details: { before, after: { title: set.title, description: set.description } } });
      });
    }
    return this.detail(actor, id, meta);
  }

  /**
   * Opens content: `view` plays the browser copy (the proxy, or the original when it plays as
   * is); `download` serves the original byte for byte. Either needs an approved, unexpired grant
   * for that action (R-ACCESS); the use is registered in the ledger before a byte is served.
   */
  async openContent(actor: Actor, id: string, action: Extract<ContentAction, 'recording.view' | 'recording.download'>, range: string | null, meta: RequestMeta): Promise<ContentHandle> {
    // The rule answers existence (scope, clearance, own recordings) before it looks at the grant,
    // so someone who may not know the recording learns nothing from the lookup.
    const grant = await this.grants.check(actor.id, id, action);
    const row = await this.authorized(actor, id, action, meta, grant);
    if (row.deleted_at !== null) throw Gone('recording_deleted', 'the original was deleted by the retention process; its tombstone remains');
    let handle: ContentHandle;
    let served: 'original' | 'proxy' = 'original';
    if (action === 'recording.download' || row.playable === 1) {
      handle = { path: this.blobs.pathOf(row.blob_sha256), size: row.size, contentType: contentTypeOf(row.original_name, row.container), fileName: row.original_name, sha256: row.blob_sha256, grant };
    } else {
      const proxy = await this.repo.derivative(id, 'proxy');
      if (!proxy) throw Conflict('proxy_not_ready', 'this recording does not play in a browser as is and its playback copy is not ready yet');
      served = 'proxy';
      handle = { path: proxy.path, size: (await stat(proxy.path)).size, contentType: 'video/mp4', fileName: `${id}.mp4`, sha256: proxy.sha256, grant };
    }
    await this.grants.recordUse({ actor, recordingId: id, action, grant, served: { kind: served, sha256: handle.sha256 }, range, meta });
    return handle;
  }

  /** Marks (or clears) a recording as involving privacy, commercial or state secrets (R-SECRET). */
  async setSensitivity(actor: Actor, id: string, level: Sensitivity, reason: string, meta: RequestMeta): Promise<RecordingDetail> {
    const row = await this.authorized(actor, id, 'recording.mark_sensitive', meta);
    if (reason.trim().length === 0) throw Invalid('reason_required', 'give the reason for the marking');
    // Marking above one's own clearance would hide the recording from the person who marked it.
    if (level > actor.clearance) throw await this.authz.deny(actor, 'recording.mark_sensitive', recordingSubject(row), 'clearance_insufficient', meta, 'you cannot mark a recording above your own clearance');
    if (level !== row.sensitivity) {
      await this.db.transact(async (trx) => {
        await this.repo.update(trx, id, { sensitivity: level, updated_at: this.clock.now() });
        await this.ledger.append(trx, { actor: auditActor(actor), action: 'recording.sensitivity', subject: { type: 'recording', id }, ip: meta.ip, reason, details: { before: row.sensitivity, after: level } });
      });
    }
    return this.detail(actor, id, meta);
  }

  async thumbnails(actor: Actor, id: string, meta: RequestMeta): Promise<string> {
    await this.authorized(actor, id, 'recording.read', meta);
    const d = await this.repo.derivative(id, 'thumbnails');
    if (!d) throw NotFound('thumbnails_not_ready', 'thumbnails are not made yet');
    return d.path;
  }

  view(r: RecordingRow): RecordingView {
    return {
      id: r.id,
      sha256: r.blob_sha256,
      size: r.size,
      originalName: r.original_name,
      sourceKind: r.source_kind,
      unitId: r.unit_id,
      deviceSerial: r.device_serial,
      officerBadge: r.officer_badge,
      collectedBy: r.collected_by,
      collectedAt: r.collected_at,
      station: r.station,
      batchId: r.batch_id,
      fileNamePattern: r.file_name_pattern,
      timeSource: r.time_source,
      deviceStartedAt: r.device_started_at,
      deviceEndedAt: r.device_ended_at,
      clockOffsetMs: r.clock_offset_ms,
      startedAt: r.started_at,
      endedAt: r.ended_at,
      durationMs: r.duration_ms,
      importDelayMs: r.import_delay_ms,
      // The profile's deadline when the recording has one; before profiles, the configured hours.
      lateImport: r.late_import !== null ? r.late_import === 1 : r.upload_deadline_at === null && r.profile_id === null && isLateImport(r.import_delay_ms, this.uploadDeadlineHours),
      container: r.container,
      videoCodec: r.video_codec,
      audioCodec: r.audio_codec,
      width: r.width,
      height: r.height,
      latitude: r.latitude,
      longitude: r.longitude,
      playable: r.playable === 1,
      damaged: r.damaged === 1,
      damageReason: r.damage_reason,
      title: r.title,
      description: r.description,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      sensitivity: clampSensitivity(r.sensitivity),
      officerId: r.officer_id,
      code: r.code,
      profileVersion: r.profile_id === null ? null : `${r.profile_id}@${r.profile_version ?? 0}`,
      uploadDeadlineAt: r.upload_deadline_at,
      deletedAt: r.deleted_at,
    };
  }
}

function contentTypeOf(name: string, container: string | null): string {
  const ext = name.toLowerCase().split('.').pop() ?? '';
  const byExt: Record<string, string> = { mp4: 'video/mp4', m4v: 'video/mp4', mov: 'video/quicktime', avi: 'video/x-msvideo', mkv: 'video/x-matroska', webm: 'video/webm', wav: 'audio/wav', mp3: 'audio/mpeg', m4a: 'audio/mp4', aac: 'audio/aac', jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', ts: 'video/mp2t' };
  if (byExt[ext]) return byExt[ext];
  if (container?.includes('mp4')) return 'video/mp4';
  return 'application/octet-stream';
}
