import { sql, type SelectQueryBuilder } from 'kysely';
import type { Database, Executor, Trx } from '../platform/db/database.js';
import type { DB, DerivativeTable, RecordingTable } from '../platform/db/schema.js';

export type RecordingRow = RecordingTable;
export type DerivativeRow = DerivativeTable;

export interface RecordingQuery {
  unitIds?: string[] | undefined;
  deviceSerial?: string | undefined;
  officerBadge?: string | undefined;
  from?: number | undefined;
  to?: number | undefined;
  text?: string | undefined;
  damaged?: boolean | undefined;
  /** Only recordings at or below this sensitivity (the searcher's clearance). */
  maxSensitivity?: number | undefined;
  /** Only this officer's recordings (officers see their own). */
  officerId?: string | undefined;
  late?: boolean | undefined;
  /** Tombstoned recordings: left out (default), included, or only they. */
  deleted?: 'exclude' | 'include' | 'only' | undefined;
  code?: string | undefined;
  order: 'asc' | 'desc';
  limit: number;
  /** Keyset position: the (started_at, id) of the last row of the previous page. */
  after?: { startedAt: number; id: string } | undefined;
}

/** Escapes LIKE wildcards so user text matches literally. */
const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

export class RecordingsRepo {
  constructor(private readonly db: Database) {}

  /** Inserts the blob row unless it exists (a blob may already be stored from an earlier, interrupted import). */
  async ensureBlob(trx: Trx, sha256: string, size: number, at: number): Promise<void> {
    await trx.insertInto('blobs').values({ sha256, size, created_at: at }).onConflict((oc) => oc.column('sha256').doNothing()).execute();
  }

  byBlob(sha256: string, ex: Executor = this.db.kysely): Promise<RecordingRow | undefined> {
    return ex.selectFrom('recordings').selectAll().where('blob_sha256', '=', sha256).executeTakeFirst();
  }

  byId(id: string, ex: Executor = this.db.kysely): Promise<RecordingRow | undefined> {
    return ex.selectFrom('recordings').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async unitCode(ex: Executor, unitId: string): Promise<string> {
    const u = await ex.selectFrom('units').select('code').where('id', '=', unitId).executeTakeFirst();
    return u?.code ?? 'U';
  }

  /** The next sequence number for a unified-code prefix: an atomic counter, safe under concurrent imports. */
  async nextSequence(ex: Executor, prefix: string): Promise<number> {
    const r = await ex
      .insertInto('code_sequences')
      .values({ prefix, last: 1 })
      .onConflict((oc) => oc.column('prefix').doUpdateSet((eb) => ({ last: eb('code_sequences.last', '+', 1) })))
      .returning('last')
      .executeTakeFirstOrThrow();
    return Number(r.last);
  }

  /** Recordings imported before codes existed, oldest first. */
  withoutCode(limit: number): Promise<RecordingRow[]> {
    return this.db.kysely.selectFrom('recordings').selectAll().where('code', 'is', null).orderBy('started_at').orderBy('id').limit(limit).execute();
  }

  async insert(trx: Trx, row: RecordingRow): Promise<void> {
    await trx.insertInto('recordings').values(row).execute();
  }

  async update(trx: Trx, id: string, changes: Partial<RecordingRow>): Promise<void> {
    await trx.updateTable('recordings').set(changes).where('id', '=', id).execute();
  }

  /** The filtered, stably sorted page (started_at, then id). */
  search(q: RecordingQuery): Promise<RecordingRow[]> {
    return this.searchQuery(q).selectAll().limit(q.limit).execute();
  }

  /** The same query, for EXPLAIN in tests and benchmarks. */
  searchQuery(q: RecordingQuery): SelectQueryBuilder<DB, 'recordings', object> {
    let query = this.db.kysely.selectFrom('recordings');
    if (q.unitIds) query = q.unitIds.length === 1 ? query.where('unit_id', '=', q.unitIds[0]!) : query.where('unit_id', 'in', q.unitIds.length > 0 ? q.unitIds : ['']);
    if (q.deviceSerial) query = query.where('device_serial', '=', q.deviceSerial);
    if (q.officerBadge) query = query.where('officer_badge', '=', q.officerBadge);
    if (q.from !== undefined) query = query.where('started_at', '>=', q.from);
    if (q.to !== undefined) query = query.where('started_at', '<', q.to);
    if (q.damaged !== undefined) query = query.where('damaged', '=', q.damaged ? 1 : 0);
    if (q.officerId !== undefined) query = query.where('officer_id', '=', q.officerId);
    if (q.late !== undefined) query = query.where('late_import', '=', q.late ? 1 : 0);
    if ((q.deleted ?? 'exclude') === 'exclude') query = query.where('deleted_at', 'is', null);
    else if (q.deleted === 'only') query = query.where('deleted_at', 'is not', null);
    if (q.code !== undefined) query = query.where('code', '=', q.code);
    if (q.maxSensitivity !== undefined && q.maxSensitivity < 3) query = query.where('sensitivity', '<=', q.maxSensitivity);
    if (q.text) {
      // Case-insensitive on both dialects: SQLite's LIKE already is (ASCII); PostgreSQL's is not, so
      // it gets ILIKE (not lower(col), which would hide the column statistics from its planner).
      const pattern = `%${likeEscape(q.text)}%`;
      const like = this.db.dialect === 'postgres' ? 'ilike' : 'like';
      query = query.where((eb) =>
        eb.or([
          eb('original_name', like, sql<string>`${pattern} escape '\\'`),
          eb('title', like, sql<string>`${pattern} escape '\\'`),
          eb('description', like, sql<string>`${pattern} escape '\\'`),
        ]),
      );
    }
    if (q.after) {
      // A row-value comparison, not `a < x OR (a = x AND b < y)`: both SQLite and PostgreSQL turn it
      // into one index range on (…, started_at, id); the OR form made SQLite union two index scans
      // and sort the whole subtree (hundreds of ms per second page on a million recordings).
      const { startedAt, id } = q.after;
      query = query.where((eb) => eb(eb.refTuple('started_at', 'id'), q.order === 'desc' ? '<' : '>', eb.tuple(startedAt, id)));
    }
    return query.orderBy('started_at', q.order).orderBy('id', q.order);
  }

  derivatives(recordingId: string): Promise<DerivativeRow[]> {
    return this.db.kysely.selectFrom('derivatives').selectAll().where('recording_id', '=', recordingId).execute();
  }

  derivative(recordingId: string, kind: DerivativeRow['kind']): Promise<DerivativeRow | undefined> {
    return this.db.kysely.selectFrom('derivatives').selectAll().where('recording_id', '=', recordingId).where('kind', '=', kind).executeTakeFirst();
  }

  async upsertDerivative(trx: Trx, row: DerivativeRow): Promise<void> {
    await trx
      .insertInto('derivatives')
      .values(row)
      .onConflict((oc) => oc.columns(['recording_id', 'kind']).doUpdateSet({ path: row.path, size: row.size, sha256: row.sha256, created_at: row.created_at }))
      .execute();
  }

  /** Every recording's blob hash and size, in pages (for verify). */
  blobsPage(afterSha: string, limit: number): Promise<Array<{ sha256: string; size: number }>> {
    return this.db.kysely.selectFrom('blobs').select(['sha256', 'size']).where('sha256', '>', afterSha).orderBy('sha256').limit(limit).execute();
  }

  async recordingsWithoutBlobRow(): Promise<Array<{ id: string; blob_sha256: string }>> {
    return this.db.kysely
      .selectFrom('recordings')
      .leftJoin('blobs', 'blobs.sha256', 'recordings.blob_sha256')
      .select(['recordings.id', 'recordings.blob_sha256'])
      .where('blobs.sha256', 'is', null)
      .execute();
  }

  async count(): Promise<number> {
    const r = await this.db.kysely.selectFrom('recordings').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
    return Number(r?.n ?? 0);
  }
}
