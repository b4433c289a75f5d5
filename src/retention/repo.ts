import { sql, type SqlBool } from 'kysely';
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

/**
 * What one expiry scan covers. Bounds are inclusive recording instants (`ended_at`, or
 * `started_at` for a recording without an end): a recording with nothing but its profile minimum
 * to consider has expired exactly when recorded at or before its profile version's bound (see
 * `lastExpiredRecordedAt`). Case links, which can only lengthen retention, are the rule's to weigh.
 */
export interface ExpiryScan {
  /** The units in scope; null: every unit (no unit filter at all). */
  unitIds: readonly string[] | null;
  /** The latest of the bounds: nothing recorded after it has expired (the index range). */
  recordedBy: number;
  /** Recordings naming a profile version: that version's bound. */
  profileBounds: ReadonlyArray<{ profileId: string; version: number; recordedBy: number }>;
  /** Recordings naming none (older rows follow their unit's profile): the bound per group of units. */
  unitBounds: ReadonlyArray<{ unitIds: readonly string[]; recordedBy: number }>;
  /** Recordings no bound above names: NO_EXPIRY when the bounds are exact, else an upper bound for the rule to refine. */
  otherRecordedBy: number;
  /** Only recordings at or below this sensitivity (3: all). */
  maxSensitivity: number;
  /** Only this officer's recordings (an officer-only viewer); null: anyone's. */
  officerId: string | null;
}

/**
 * Where a page starts: among recordings without an end time (by id, after `afterId`), then among
 * the rest (by end time and id, after `after`; null for the first such page).
 */
export type ExpiryCursor = { phase: 'undated'; afterId: string } | { phase: 'dated'; after: { endedAt: number; id: string } | null };

export type ExpiryCandidate = RetentionRecording & { in_batch: number; has_case: number };

export type CaseLinkRow = { recording_id: string; id: string; status: 'open' | 'closed'; file_retention_until: number | null; file_retention_permanent: number };

/** Per unit: expired recordings with nothing but their profile minimum to weigh. */
export type ExpiryTotalRow = { unit_id: string; recordings: number; bytes: number; in_batch: number };

/** A unit scope larger than this is not written into the scan's SQL (the service filters by unit). */
const MAX_SQL_UNITS = 2000;
/** Ids per statement: far below SQLite's 32,766 and PostgreSQL's 65,535 bound parameters. */
const CHUNK = 500;

/** Runs an id-list query in chunks, so no statement carries an unbounded IN list. */
async function inChunks<T>(ids: readonly string[], query: (chunk: string[]) => Promise<T[]>): Promise<T[]> {
  if (ids.length === 0) return [];
  if (ids.length <= CHUNK) return query([...ids]);
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += CHUNK) out.push(...(await query(ids.slice(i, i + CHUNK))));
  return out;
}

const IN_OPEN_BATCH = sql<SqlBool>`EXISTS (SELECT 1 FROM deletion_batch_items i JOIN deletion_batches b ON b.id = i.batch_id WHERE i.recording_id = r.id AND i.outcome = 'pending' AND b.status IN ('proposed', 'approved'))`;
const HAS_CASE = sql<SqlBool>`EXISTS (SELECT 1 FROM case_recordings l WHERE l.recording_id = r.id)`;
/** A bound no recording meets (a profile that lets nothing expire). */
export const NO_EXPIRY = Number.MIN_SAFE_INTEGER;

/**
 * The conditions every part of the expiry scan shares, on `recordings as r`. `phase`: recordings
 * with an end time (the index range on ended_at), without one (ended_at IS NULL, by started_at),
 * or either (looked up by id).
 */
function expiryConditions(scan: ExpiryScan, phase: 'undated' | 'dated' | 'any') {
  const time = phase === 'undated' ? sql`r.started_at` : phase === 'dated' ? sql`r.ended_at` : sql`COALESCE(r.ended_at, r.started_at)`;
  const conds = [sql`r.deleted_at IS NULL`];
  if (phase === 'dated') conds.push(sql`r.ended_at <= ${scan.recordedBy}`);
  if (phase === 'undated') conds.push(sql`r.ended_at IS NULL`, sql`r.started_at <= ${scan.recordedBy}`);
  // The bound of the row's own profile version (an arm per version, a few per site), or — for rows
  // naming none — of its unit's group. Not an index condition: a filter on the rows the range reads.
  const arms = [
    ...scan.profileBounds.map((b) => sql`WHEN r.profile_id = ${b.profileId} AND r.profile_version = ${b.version} THEN CAST(${b.recordedBy} AS bigint)`),
    ...scan.unitBounds.filter((b) => b.unitIds.length > 0).map((b) => sql`WHEN r.profile_id IS NULL AND r.unit_id IN (${sql.join([...b.unitIds])}) THEN CAST(${b.recordedBy} AS bigint)`),
  ];
  conds.push(arms.length > 0 ? sql`${time} <= CASE ${sql.join(arms, sql` `)} ELSE CAST(${scan.otherRecordedBy} AS bigint) END` : sql`${time} <= ${scan.otherRecordedBy}`);
  // Written so that no index can serve it: a unit index must never win over the time order.
  // (A scope of very many units is left to the caller to filter: no statement carries thousands of ids.)
  if (scan.unitIds !== null && scan.unitIds.length <= MAX_SQL_UNITS) conds.push(scan.unitIds.length > 0 ? sql`(r.unit_id || '') IN (${sql.join([...scan.unitIds])})` : sql`1 = 0`);
  if (scan.maxSensitivity < 3) conds.push(sql`r.sensitivity <= ${scan.maxSensitivity}`);
  if (scan.officerId !== null) conds.push(sql`r.officer_id = ${scan.officerId}`);
  conds.push(sql`NOT EXISTS (SELECT 1 FROM legal_holds h WHERE h.recording_id = r.id AND h.lifted_at IS NULL)`);
  conds.push(sql`NOT EXISTS (SELECT 1 FROM long_term_marks m WHERE m.recording_id = r.id AND m.lifted_at IS NULL)`);
  return sql<SqlBool>`${sql.join(conds, sql` AND `)}`;
}

export class RetentionRepo {
  constructor(private readonly db: Database) {}

  recording(id: string, ex: Executor = this.db.kysely): Promise<RetentionRecording | undefined> {
    return ex.selectFrom('recordings').select(RECORDING_COLUMNS).where('id', '=', id).executeTakeFirst();
  }

  recordings(ids: readonly string[], ex: Executor = this.db.kysely): Promise<RetentionRecording[]> {
    return inChunks(ids, (chunk) => ex.selectFrom('recordings').select(RECORDING_COLUMNS).where('id', 'in', chunk).execute());
  }

  /**
   * One page of the expiry walk, in the order of the `recordings_expiry (ended_at, id)` index:
   * live recordings recorded at or before their profile version's bound, with no active hold or
   * long-term mark, within the scan's units and visibility — every one expired unless a case link
   * keeps it (`has_case`: the rule decides). Recordings without an end time come first (by id),
   * then the rest by (ended_at, id): keyset paging along one index on both dialects, no sort per
   * page, no dependence on planner statistics. Each row says whether an open deletion batch
   * already holds it.
   */
  expiryWalk(scan: ExpiryScan, cursor: ExpiryCursor, limit: number): Promise<ExpiryCandidate[]> {
    return this.expiryWalkQuery(scan, cursor, limit).execute();
  }

  /** The query behind `expiryWalk` (exposed for EXPLAIN in tests and the bench). */
  expiryWalkQuery(scan: ExpiryScan, cursor: ExpiryCursor, limit: number) {
    const undated = cursor.phase === 'undated';
    let q = this.db.kysely
      .selectFrom('recordings as r')
      .select(RECORDING_COLUMNS.map((c) => `r.${c}` as const))
      .select([sql<number>`CASE WHEN ${IN_OPEN_BATCH} THEN 1 ELSE 0 END`.as('in_batch'), sql<number>`CASE WHEN ${HAS_CASE} THEN 1 ELSE 0 END`.as('has_case')])
      .where(expiryConditions(scan, undated ? 'undated' : 'dated'));
    if (cursor.phase === 'undated') q = q.where('r.id', '>', cursor.afterId);
    else if (cursor.after !== null) {
      const after = cursor.after;
      q = q.where((eb) => eb(eb.refTuple('r.ended_at', 'r.id'), '>', eb.tuple(after.endedAt, after.id)));
    }
    return (undated ? q.orderBy('r.id') : q.orderBy('r.ended_at').orderBy('r.id')).limit(limit);
  }

  /**
   * Per unit, the count, bytes and open-batch count of expired recordings that no case links (so
   * the bound alone decides): one aggregate over the same index range as the walk. Grouped by an
   * expression of the unit, so no unit index can lure the planner into a full scan for the order.
   */
  expiryTotals(scan: ExpiryScan, phase: 'undated' | 'dated'): Promise<ExpiryTotalRow[]> {
    return this.expiryTotalsQuery(scan, phase).execute();
  }

  expiryTotalsQuery(scan: ExpiryScan, phase: 'undated' | 'dated') {
    const unit = sql<string>`(r.unit_id || '')`;
    return this.db.kysely
      .selectFrom('recordings as r')
      .select([
        unit.as('unit_id'),
        sql<number>`count(*)`.as('recordings'),
        sql<number>`CAST(sum(r.size) AS bigint)`.as('bytes'),
        sql<number>`sum(CASE WHEN ${IN_OPEN_BATCH} THEN 1 ELSE 0 END)`.as('in_batch'),
      ])
      .where(expiryConditions(scan, phase))
      .where(sql<SqlBool>`NOT ${HAS_CASE}`)
      .groupBy(unit);
  }

  /** Ids of recordings linked to any case, in pages by id (the walk's rows with `has_case`, found from the other side). */
  async linkedRecordingIds(afterId: string, limit: number): Promise<string[]> {
    const rows = await this.db.kysely.selectFrom('case_recordings').select('recording_id').distinct().where('recording_id', '>', afterId).orderBy('recording_id').limit(limit).execute();
    return rows.map((r) => r.recording_id);
  }

  /** Which of these recordings the scan would find (expired unless their cases keep them). */
  expiryCandidatesAmong(scan: ExpiryScan, ids: readonly string[]): Promise<ExpiryCandidate[]> {
    return inChunks(ids, (chunk) =>
      this.db.kysely
        .selectFrom('recordings as r')
        .select(RECORDING_COLUMNS.map((c) => `r.${c}` as const))
        .select([sql<number>`CASE WHEN ${IN_OPEN_BATCH} THEN 1 ELSE 0 END`.as('in_batch'), sql<number>`1`.as('has_case')])
        .where('r.id', 'in', chunk)
        .where(expiryConditions(scan, 'any'))
        .execute(),
    );
  }

  activeMarks(recordingIds: readonly string[], ex: Executor = this.db.kysely): Promise<MarkRow[]> {
    return inChunks(recordingIds, (ids) => ex.selectFrom('long_term_marks').selectAll().where('recording_id', 'in', ids).where('lifted_at', 'is', null).orderBy('marked_at').execute());
  }

  activeHolds(recordingIds: readonly string[], ex: Executor = this.db.kysely): Promise<HoldRow[]> {
    return inChunks(recordingIds, (ids) => ex.selectFrom('legal_holds').selectAll().where('recording_id', 'in', ids).where('lifted_at', 'is', null).orderBy('placed_at').execute());
  }

  caseLinks(recordingIds: readonly string[], ex: Executor = this.db.kysely): Promise<CaseLinkRow[]> {
    return inChunks(recordingIds, (ids) =>
      ex
        .selectFrom('case_recordings as l')
        .innerJoin('cases as c', 'c.id', 'l.case_id')
        .select(['l.recording_id', 'c.id', 'c.status', 'c.file_retention_until', 'c.file_retention_permanent'])
        .where('l.recording_id', 'in', ids)
        .execute(),
    );
  }

  /** Recordings already in a batch that may still delete them (proposed or approved). */
  async inOpenBatches(recordingIds: readonly string[], ex: Executor = this.db.kysely): Promise<Set<string>> {
    const rows = await inChunks(recordingIds, (ids) =>
      ex
        .selectFrom('deletion_batch_items as i')
        .innerJoin('deletion_batches as b', 'b.id', 'i.batch_id')
        .select('i.recording_id')
        .where('i.recording_id', 'in', ids)
        .where('b.status', 'in', ['proposed', 'approved'])
        .where('i.outcome', '=', 'pending')
        .execute(),
    );
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

  /** Batches of these units (null: every unit), newest first. */
  batches(q: { unitIds: readonly string[] | null; status?: BatchRow['status'] | undefined; limit: number }): Promise<BatchRow[]> {
    let query = this.db.kysely.selectFrom('deletion_batches').selectAll();
    // A unit subtree: as many ids as the site has units below the actor, never a list of recordings.
    if (q.unitIds !== null) query = query.where('unit_id', 'in', q.unitIds.length > 0 ? [...q.unitIds] : ['']);
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

  /**
   * Tombstones whose bytes the sweep may remove: the recording is marked deleted, by the
   * tombstone's batch, with the tombstone's blob hash, and no recording still alive refers to that
   * blob. (The insert trigger of migration 007 already refuses any other tombstone; this is the
   * same condition where the bytes are removed.)
   */
  sweepableTombstones(afterId: string, limit: number): Promise<TombstoneRow[]> {
    return this.db.kysely
      .selectFrom('tombstones as t')
      .innerJoin('recordings as r', 'r.id', 't.recording_id')
      .selectAll('t')
      .where('t.recording_id', '>', afterId)
      .where('r.deleted_at', 'is not', null)
      .whereRef('r.blob_sha256', '=', 't.sha256')
      .whereRef('r.deletion_batch_id', '=', 't.batch_id')
      .where((eb) => eb.not(eb.exists(eb.selectFrom('recordings as o').select('o.id').whereRef('o.blob_sha256', '=', 't.sha256').where('o.deleted_at', 'is', null))))
      .orderBy('t.recording_id')
      .limit(limit)
      .execute();
  }

  /** True when a recording that is not deleted still refers to this blob (its bytes must stay). */
  async blobInUse(sha256: string, ex: Executor = this.db.kysely): Promise<boolean> {
    const row = await ex.selectFrom('recordings').select('id').where('blob_sha256', '=', sha256).where('deleted_at', 'is', null).limit(1).executeTakeFirst();
    return row !== undefined;
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
