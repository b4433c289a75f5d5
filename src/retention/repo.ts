import type { Database, Executor, Trx } from '../platform/db/database.js';
import type { DeletionBatchItemTable, DeletionBatchTable, LegalHoldTable, LongTermMarkTable, RecordingTable, TombstoneTable } from '../platform/db/schema.js';

export type MarkRow = LongTermMarkTable;
export type HoldRow = LegalHoldTable;
export type BatchRow = DeletionBatchTable;
export type BatchItemRow = DeletionBatchItemTable;
export type TombstoneRow = TombstoneTable;

/** What a retention decision needs of a recording. */
export type RetentionRecording = Pick<RecordingTable, 'id' | 'unit_id' | 'blob_sha256' | 'size' | 'started_at' | 'ended_at' | 'profile_id' | 'profile_version' | 'deleted_at' | 'device_serial' | 'officer_badge' | 'sensitivity' | 'officer_id'>;

const RECORDING_COLUMNS = ['id', 'unit_id', 'blob_sha256', 'size', 'started_at', 'ended_at', 'profile_id', 'profile_version', 'deleted_at', 'device_serial', 'officer_badge', 'sensitivity', 'officer_id'] as const;

export class RetentionRepo {
  constructor(private readonly db: Database) {}

  recording(id: string, ex: Executor = this.db.kysely): Promise<RetentionRecording | undefined> {
    return ex.selectFrom('recordings').select(RECORDING_COLUMNS).where('id', '=', id).executeTakeFirst();
  }

  recordings(ids: readonly string[], ex: Executor = this.db.kysely): Promise<RetentionRecording[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return ex.selectFrom('recordings').select(RECORDING_COLUMNS).where('id', 'in', ids).execute();
  }

  /**
   * Candidates for expiry: live recordings of these units that ended before `endedBefore`, with no
   * active hold or long-term mark, in pages by id. Open cases and exact periods are checked by the
   * rule; this only narrows the scan.
   */
  candidates(unitIds: readonly string[], endedBefore: number, afterId: string, limit: number): Promise<RetentionRecording[]> {
    return this.db.kysely
      .selectFrom('recordings as r')
      .select(RECORDING_COLUMNS.map((c) => `r.${c}` as const))
      .where('r.deleted_at', 'is', null)
      .where('r.unit_id', 'in', unitIds.length > 0 ? unitIds : [''])
      .where((eb) => eb.or([eb('r.ended_at', '<', endedBefore), eb.and([eb('r.ended_at', 'is', null), eb('r.started_at', '<', endedBefore)])]))
      .where('r.id', '>', afterId)
      .where((eb) => eb.not(eb.exists(eb.selectFrom('legal_holds as h').select('h.id').whereRef('h.recording_id', '=', 'r.id').where('h.lifted_at', 'is', null))))
      .where((eb) => eb.not(eb.exists(eb.selectFrom('long_term_marks as m').select('m.id').whereRef('m.recording_id', '=', 'r.id').where('m.lifted_at', 'is', null))))
      .orderBy('r.id')
      .limit(limit)
      .execute();
  }

  activeMarks(recordingIds: readonly string[], ex: Executor = this.db.kysely): Promise<MarkRow[]> {
    if (recordingIds.length === 0) return Promise.resolve([]);
    return ex.selectFrom('long_term_marks').selectAll().where('recording_id', 'in', recordingIds).where('lifted_at', 'is', null).orderBy('marked_at').execute();
  }

  activeHolds(recordingIds: readonly string[], ex: Executor = this.db.kysely): Promise<HoldRow[]> {
    if (recordingIds.length === 0) return Promise.resolve([]);
    return ex.selectFrom('legal_holds').selectAll().where('recording_id', 'in', recordingIds).where('lifted_at', 'is', null).orderBy('placed_at').execute();
  }

  async caseLinks(recordingIds: readonly string[], ex: Executor = this.db.kysely): Promise<Array<{ recording_id: string; id: string; status: 'open' | 'closed'; file_retention_until: number | null; file_retention_permanent: number }>> {
    if (recordingIds.length === 0) return [];
    return ex
      .selectFrom('case_recordings as l')
      .innerJoin('cases as c', 'c.id', 'l.case_id')
      .select(['l.recording_id', 'c.id', 'c.status', 'c.file_retention_until', 'c.file_retention_permanent'])
      .where('l.recording_id', 'in', recordingIds)
      .execute();
  }

  /** Recordings already in a batch that may still delete them (proposed or approved). */
  async inOpenBatches(recordingIds: readonly string[], ex: Executor = this.db.kysely): Promise<Set<string>> {
    if (recordingIds.length === 0) return new Set();
    const rows = await ex
      .selectFrom('deletion_batch_items as i')
      .innerJoin('deletion_batches as b', 'b.id', 'i.batch_id')
      .select('i.recording_id')
      .where('i.recording_id', 'in', recordingIds)
      .where('b.status', 'in', ['proposed', 'approved'])
      .where('i.outcome', '=', 'pending')
      .execute();
    return new Set(rows.map((r) => r.recording_id));
  }

  async insertMark(trx: Trx, row: MarkRow): Promise<void> {
    await trx.insertInto('long_term_marks').values(row).execute();
  }

  mark(id: string): Promise<MarkRow | undefined> {
    return this.db.kysely.selectFrom('long_term_marks').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async liftMark(trx: Trx, id: string, by: string | null, at: number, reason: string): Promise<boolean> {
    const r = await trx.updateTable('long_term_marks').set({ lifted_by: by, lifted_at: at, lift_reason: reason }).where('id', '=', id).where('lifted_at', 'is', null).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async insertHold(trx: Trx, row: HoldRow): Promise<void> {
    await trx.insertInto('legal_holds').values(row).execute();
  }

  hold(id: string): Promise<HoldRow | undefined> {
    return this.db.kysely.selectFrom('legal_holds').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async liftHold(trx: Trx, id: string, by: string | null, at: number, reason: string): Promise<boolean> {
    const r = await trx.updateTable('legal_holds').set({ lifted_by: by, lifted_at: at, lift_reason: reason }).where('id', '=', id).where('lifted_at', 'is', null).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async insertBatch(trx: Trx, row: BatchRow, items: BatchItemRow[]): Promise<void> {
    await trx.insertInto('deletion_batches').values(row).execute();
    for (let i = 0; i < items.length; i += 200) await trx.insertInto('deletion_batch_items').values(items.slice(i, i + 200)).execute();
  }

  batch(id: string, ex: Executor = this.db.kysely): Promise<BatchRow | undefined> {
    return ex.selectFrom('deletion_batches').selectAll().where('id', '=', id).executeTakeFirst();
  }

  batches(q: { unitIds: readonly string[]; status?: BatchRow['status'] | undefined; limit: number }): Promise<BatchRow[]> {
    let query = this.db.kysely.selectFrom('deletion_batches').selectAll().where('unit_id', 'in', q.unitIds.length > 0 ? q.unitIds : ['']);
    if (q.status) query = query.where('status', '=', q.status);
    return query.orderBy('proposed_at', 'desc').limit(q.limit).execute();
  }

  items(batchId: string, ex: Executor = this.db.kysely): Promise<BatchItemRow[]> {
    return ex.selectFrom('deletion_batch_items').selectAll().where('batch_id', '=', batchId).orderBy('recording_id').execute();
  }

  async setBatch(trx: Trx, id: string, from: BatchRow['status'], set: Partial<BatchRow>): Promise<boolean> {
    const r = await trx.updateTable('deletion_batches').set(set).where('id', '=', id).where('status', '=', from).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async setItem(trx: Trx, batchId: string, recordingId: string, outcome: BatchItemRow['outcome'], keptReason: string | null): Promise<void> {
    await trx.updateTable('deletion_batch_items').set({ outcome, kept_reason: keptReason }).where('batch_id', '=', batchId).where('recording_id', '=', recordingId).execute();
  }

  /** Approved batches whose recovery window has passed. */
  dueBatches(now: number): Promise<BatchRow[]> {
    return this.db.kysely.selectFrom('deletion_batches').selectAll().where('status', '=', 'approved').where('recovery_until', '<=', now).orderBy('recovery_until').execute();
  }

  async insertTombstone(trx: Trx, row: TombstoneRow): Promise<void> {
    await trx.insertInto('tombstones').values(row).execute();
  }

  tombstone(recordingId: string): Promise<TombstoneRow | undefined> {
    return this.db.kysely.selectFrom('tombstones').selectAll().where('recording_id', '=', recordingId).executeTakeFirst();
  }

  tombstonesPage(afterId: string, limit: number): Promise<TombstoneRow[]> {
    return this.db.kysely.selectFrom('tombstones').selectAll().where('recording_id', '>', afterId).orderBy('recording_id').limit(limit).execute();
  }

  async markDeleted(trx: Trx, recordingId: string, at: number, batchId: string): Promise<void> {
    await trx.updateTable('recordings').set({ deleted_at: at, deletion_batch_id: batchId }).where('id', '=', recordingId).where('deleted_at', 'is', null).execute();
  }

  derivatives(recordingId: string, ex: Executor = this.db.kysely): Promise<Array<{ kind: string; path: string }>> {
    return ex.selectFrom('derivatives').select(['kind', 'path']).where('recording_id', '=', recordingId).execute();
  }

  async dropDerivatives(trx: Trx, recordingId: string): Promise<void> {
    await trx.deleteFrom('derivatives').where('recording_id', '=', recordingId).execute();
  }
}
