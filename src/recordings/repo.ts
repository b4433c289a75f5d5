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
  /** Recordings linked to this case. */
  caseId?: string | undefined;
  /** Recordings linked to a case whose supervised party (被监督单位) contains this text. */
  party?: string | undefined;
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
    if (q.caseId !== undefined) {
      const caseId = q.caseId;
      query = query.where((eb) => eb.exists(eb.selectFrom('case_recordings as l').select('l.case_id').whereRef('l.recording_id', '=', 'recordings.id').where('l.case_id', '=', caseId)));
    }
    if (q.party !== undefined) {
      const pattern = `%${likeEscape(q.party)}%`;
      query = query.where((eb) =>
        eb.exists(
          eb
            .selectFrom('case_recordings as l')
            .innerJoin('cases as c', 'c.id', 'l.case_id')
            .select('l.case_id')
            .whereRef('l.recording_id', '=', 'recordings.id')
            .where('c.supervised_party', 'like', pattern),
        ),
      );
    }
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

  /**
   * Counts by local period (day or month) for browsing by year/month/day: `offsetMs` shifts UTC
   * to the site's local time; integer division groups on both dialects.
   */
  async calendar(q: { unitIds: string[]; from: number; to: number; offsetMs: number; bucketMs: number | 'month'; maxSensitivity: number; officerId?: string | undefined }): Promise<Array<{ startedAt: number; count: number; bytes: number }>> {
    let query = this.db.kysely
      .selectFrom('recordings')
      .where('unit_id', 'in', q.unitIds.length > 0 ? q.unitIds : [''])
      .where('started_at', '>=', q.from)
      .where('started_at', '<', q.to)
      .where('deleted_at', 'is', null);
    if (q.maxSensitivity < 3) query = query.where('sensitivity', '<=', q.maxSensitivity);
    if (q.officerId !== undefined) query = query.where('officer_id', '=', q.officerId);
    // Days group by integer division; months are summed from days by the caller.
    // The offset is a literal (a number this code computed), so the select and the group-by are the same expression on PostgreSQL.
    const day = sql<number>`cast((started_at + ${sql.lit(Math.trunc(q.offsetMs))}) / 86400000 as integer)`;
    const rows = await query
      .select([day.as('day'), (eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.sum<number>('size').as('bytes')])
      .groupBy(day)
      .orderBy(day)
      .execute();
    return rows.map((r) => ({ startedAt: Number(r.day) * 86_400_000 - q.offsetMs, count: Number(r.n), bytes: Number(r.bytes ?? 0) }));
  }

  /** R-24H: imports late and on time by unit and by officer, for recordings started in [from, to). */
  async timeliness(q: { unitIds: string[]; from: number; to: number; maxSensitivity: number }): Promise<Array<{ unitId: string; officerBadge: string | null; officerId: string | null; late: number; onTime: number; unknown: number }>> {
    const rows = await this.db.kysely
      .selectFrom('recordings')
      .select(['unit_id', 'officer_badge', 'officer_id', 'late_import', (eb) => eb.fn.countAll<number>().as('n')])
      .where('unit_id', 'in', q.unitIds.length > 0 ? q.unitIds : [''])
      .where('started_at', '>=', q.from)
      .where('started_at', '<', q.to)
      .where('sensitivity', '<=', q.maxSensitivity)
      .groupBy(['unit_id', 'officer_badge', 'officer_id', 'late_import'])
      .execute();
    const out = new Map<string, { unitId: string; officerBadge: string | null; officerId: string | null; late: number; onTime: number; unknown: number }>();
    for (const r of rows) {
      const key = `${r.unit_id}|${r.officer_badge ?? ''}|${r.officer_id ?? ''}`;
      const e = out.get(key) ?? { unitId: r.unit_id, officerBadge: r.officer_badge, officerId: r.officer_id, late: 0, onTime: 0, unknown: 0 };
      const n = Number(r.n);
      if (r.late_import === 1) e.late += n;
      else if (r.late_import === 0) e.onTime += n;
      else e.unknown += n;
      out.set(key, e);
    }
    return [...out.values()];
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
