import { sql } from 'kysely';
import type { Database } from '../platform/db/database.js';

/** Quarter-hour buckets: every UTC offset in use is a multiple of 15 minutes, so local days are whole buckets. */
export const BUCKET_MS = 15 * 60_000;

const inList = (ids: readonly string[]) => (ids.length > 0 ? [...ids] : ['']);

export interface WorkRecordGroup {
  kind: 'interrupted' | 'not_recorded';
  status: 'pending' | 'approved' | 'rejected';
  reason: string;
  officerId: string;
  n: number;
}

export interface RecordingBucket {
  /** Start of the quarter hour (UTC epoch ms). */
  at: number;
  recordings: number;
  durationMs: number;
}

export interface DeviceCounts {
  inStore: number;
  issued: number;
  faulty: number;
  inRepair: number;
  retired: number;
  overdue: number;
}

/**
 * SQL aggregates for the overview (R-STATS): read-only, portable (SQLite and PostgreSQL), each
 * bounded by the unit subtree the service resolved. Nothing here decides who may see what.
 */
export class OverviewRepo {
  constructor(private readonly db: Database) {}

  /** Recordings started in [from, to), per quarter hour, with their summed duration. */
  async recordingBuckets(q: { unitIds: readonly string[]; from: number; to: number; maxSensitivity: number; officerId: string | null }): Promise<RecordingBucket[]> {
    let query = this.db.kysely
      .selectFrom('recordings')
      .where('unit_id', 'in', inList(q.unitIds))
      .where('started_at', '>=', q.from)
      .where('started_at', '<', q.to)
      .where('deleted_at', 'is', null);
    if (q.maxSensitivity < 3) query = query.where('sensitivity', '<=', q.maxSensitivity);
    if (q.officerId !== null) query = query.where('officer_id', '=', q.officerId);
    // A literal divisor, so the select and the group-by are the same expression on PostgreSQL.
    const bucket = sql<number>`cast(started_at / ${sql.lit(BUCKET_MS)} as integer)`;
    const rows = await query
      .select([bucket.as('bucket'), (eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.sum<number>('duration_ms').as('ms')])
      .groupBy(bucket)
      .orderBy(bucket)
      .execute();
    return rows.map((r) => ({ at: Number(r.bucket) * BUCKET_MS, recordings: Number(r.n), durationMs: Number(r.ms ?? 0) }));
  }

  /** R-24H: recordings started in [from, to) by import timeliness against their profile deadline (late_import 1 / 0 / unknown). */
  async timeliness(q: { unitIds: readonly string[]; from: number; to: number; maxSensitivity: number; officerId: string | null }): Promise<{ late: number; onTime: number; unknown: number }> {
    let query = this.db.kysely
      .selectFrom('recordings')
      .where('unit_id', 'in', inList(q.unitIds))
      .where('started_at', '>=', q.from)
      .where('started_at', '<', q.to)
      .where('deleted_at', 'is', null);
    if (q.maxSensitivity < 3) query = query.where('sensitivity', '<=', q.maxSensitivity);
    if (q.officerId !== null) query = query.where('officer_id', '=', q.officerId);
    const rows = await query.select(['late_import', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('late_import').execute();
    const out = { late: 0, onTime: 0, unknown: 0 };
    for (const r of rows) {
      if (r.late_import === 1) out.late += Number(r.n);
      else if (r.late_import === 0) out.onTime += Number(r.n);
      else out.unknown += Number(r.n);
    }
    return out;
  }

  /** Originals kept (not deleted) and their bytes. */
  async storage(q: { unitIds: readonly string[]; maxSensitivity: number }): Promise<{ recordings: number; bytes: number }> {
    let query = this.db.kysely.selectFrom('recordings').where('unit_id', 'in', inList(q.unitIds)).where('deleted_at', 'is', null);
    if (q.maxSensitivity < 3) query = query.where('sensitivity', '<=', q.maxSensitivity);
    const r = await query.select([(eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.sum<number>('size').as('bytes')]).executeTakeFirst();
    return { recordings: Number(r?.n ?? 0), bytes: Number(r?.bytes ?? 0) };
  }

  /** Devices by status, and those on loan past their due time. */
  async devices(q: { unitIds: readonly string[]; now: number }): Promise<DeviceCounts> {
    const rows = await this.db.kysely
      .selectFrom('devices')
      .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
      .where('unit_id', 'in', inList(q.unitIds))
      .groupBy('status')
      .execute();
    const by = new Map(rows.map((r) => [r.status, Number(r.n)]));
    const overdue = await this.db.kysely
      .selectFrom('device_loans as l')
      .innerJoin('devices as d', 'd.id', 'l.device_id')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('l.returned_at', 'is', null)
      .where('l.due_at', '<', q.now)
      .where('d.unit_id', 'in', inList(q.unitIds))
      .executeTakeFirst();
    return {
      inStore: by.get('in_store') ?? 0,
      issued: by.get('issued') ?? 0,
      faulty: by.get('faulty') ?? 0,
      inRepair: by.get('in_repair') ?? 0,
      retired: by.get('retired') ?? 0,
      overdue: Number(overdue?.n ?? 0),
    };
  }

  /** Access requests waiting for a decision that touch recordings of these units. */
  async pendingAccessRequests(unitIds: readonly string[]): Promise<number> {
    const r = await this.db.kysely
      .selectFrom('access_requests')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', '=', 'pending')
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('access_request_items as i')
            .innerJoin('recordings as rec', 'rec.id', 'i.recording_id')
            .select('i.recording_id')
            .whereRef('i.request_id', '=', 'access_requests.id')
            .where('rec.unit_id', 'in', inList(unitIds)),
        ),
      )
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  /** Work records of the units that occurred in [from, to), grouped by kind, status, reason and officer (an officer: their own). */
  async workRecordGroups(q: { unitIds: readonly string[]; from: number; to: number; officerId: string | null }): Promise<WorkRecordGroup[]> {
    let query = this.db.kysely
      .selectFrom('work_records')
      .select(['kind', 'status', 'reason_code', 'officer_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('unit_id', 'in', inList(q.unitIds))
      .where('occurred_at', '>=', q.from)
      .where('occurred_at', '<', q.to);
    if (q.officerId !== null) query = query.where('officer_id', '=', q.officerId);
    const rows = await query.groupBy(['kind', 'status', 'reason_code', 'officer_id']).execute();
    return rows.map((r) => ({ kind: r.kind, status: r.status, reason: r.reason_code, officerId: r.officer_id, n: Number(r.n) }));
  }

  async pendingWorkRecords(unitIds: readonly string[]): Promise<number> {
    const r = await this.db.kysely
      .selectFrom('work_records')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', '=', 'pending')
      .where('unit_id', 'in', inList(unitIds))
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  async proposedDeletionBatches(unitIds: readonly string[]): Promise<number> {
    const r = await this.db.kysely
      .selectFrom('deletion_batches')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', '=', 'proposed')
      .where('unit_id', 'in', inList(unitIds))
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }
}
