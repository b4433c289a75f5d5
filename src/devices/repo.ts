import { sql } from 'kysely';
import type { Database, Executor, Trx } from '../platform/db/database.js';
import type {
  DeviceCalibrationTable,
  DeviceCheckTable,
  DeviceEventTable,
  DeviceFaultTable,
  DeviceKind,
  DeviceLoanTable,
  DeviceRepairTable,
  DeviceStatusId,
  DeviceTable,
} from '../platform/db/schema.js';

export type DeviceRow = DeviceTable;
export type LoanRow = DeviceLoanTable;
export type CheckRow = DeviceCheckTable;
export type CalibrationRow = DeviceCalibrationTable;
export type FaultRow = DeviceFaultTable;
export type RepairRow = DeviceRepairTable;
export type DeviceEventRow = DeviceEventTable;

export interface DeviceQuery {
  unitIds: string[];
  status?: DeviceStatusId | undefined;
  kind?: DeviceKind | undefined;
  /** Code, serial, model or asset number containing this text. */
  text?: string | undefined;
  limit: number;
}

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);
const inList = (ids: string[]) => (ids.length > 0 ? ids : ['']);

/** SQL of the device registry and desk; portable (SQLite and PostgreSQL). */
export class DevicesRepo {
  constructor(private readonly db: Database) {}

  byId(id: string, ex: Executor = this.db.kysely): Promise<DeviceRow | undefined> {
    return ex.selectFrom('devices').selectAll().where('id', '=', id).executeTakeFirst();
  }

  byCode(code: string, ex: Executor = this.db.kysely): Promise<DeviceRow | undefined> {
    return ex.selectFrom('devices').selectAll().where('code', '=', code).executeTakeFirst();
  }

  bySerial(serial: string, ex: Executor = this.db.kysely): Promise<DeviceRow | undefined> {
    return ex.selectFrom('devices').selectAll().where('serial', '=', serial).executeTakeFirst();
  }

  async insert(trx: Trx, row: DeviceRow): Promise<void> {
    await trx.insertInto('devices').values(row).execute();
  }

  /**
   * Compare-and-set: applies `changes` (and bumps the version) only if the device is still at
   * `version`. False when someone changed it meanwhile — the caller re-reads and decides again.
   */
  async updateIfVersion(trx: Trx, id: string, version: number, changes: Partial<DeviceRow>): Promise<boolean> {
    const r = await trx
      .updateTable('devices')
      .set({ ...changes, version: version + 1 })
      .where('id', '=', id)
      .where('version', '=', version)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  list(q: DeviceQuery): Promise<DeviceRow[]> {
    let query = this.db.kysely.selectFrom('devices').selectAll().where('unit_id', 'in', inList(q.unitIds));
    if (q.status) query = query.where('status', '=', q.status);
    if (q.kind) query = query.where('kind', '=', q.kind);
    if (q.text) {
      const pattern = `%${likeEscape(q.text)}%`;
      const like = this.db.dialect === 'postgres' ? 'ilike' : 'like';
      query = query.where((eb) =>
        eb.or([
          eb('code', like, eb.val(pattern)),
          eb('serial', like, eb.val(pattern)),
          eb('model', like, eb.val(pattern)),
          eb('asset_number', like, eb.val(pattern)),
        ]),
      );
    }
    return query.orderBy('code').limit(q.limit).execute();
  }

  /** Non-retired devices of the given kinds, counted per unit and by usability. */
  async holdingsByUnit(kinds: readonly DeviceKind[]): Promise<Array<{ unitId: string; devices: number; usable: number }>> {
    const rows = await this.db.kysely
      .selectFrom('devices')
      .select(['unit_id', 'status'])
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('kind', 'in', [...kinds])
      .where('status', '!=', 'retired')
      .groupBy(['unit_id', 'status'])
      .execute();
    const out = new Map<string, { unitId: string; devices: number; usable: number }>();
    for (const r of rows) {
      const u = out.get(r.unit_id) ?? { unitId: r.unit_id, devices: 0, usable: 0 };
      u.devices += Number(r.n);
      if (r.status === 'in_store' || r.status === 'issued') u.usable += Number(r.n);
      out.set(r.unit_id, u);
    }
    return [...out.values()];
  }

  /**
   * Active users holding the officer role, counted per unit (for the allocation standard).
   * Roles are a JSON array in a text column; the filter is exact on the parsed value.
   */
  async officersByUnit(): Promise<Map<string, number>> {
    const rows = await this.db.kysely.selectFrom('users').select(['unit_id', 'roles']).where('active', '=', 1).where('roles', 'like', '%"officer"%').execute();
    const out = new Map<string, number>();
    for (const r of rows) if ((JSON.parse(r.roles) as string[]).includes('officer')) out.set(r.unit_id, (out.get(r.unit_id) ?? 0) + 1);
    return out;
  }

  // Loans

  openLoan(deviceId: string, ex: Executor = this.db.kysely): Promise<LoanRow | undefined> {
    return ex.selectFrom('device_loans').selectAll().where('device_id', '=', deviceId).where('returned_at', 'is', null).executeTakeFirst();
  }

  async insertLoan(trx: Trx, row: LoanRow): Promise<void> {
    await trx.insertInto('device_loans').values(row).execute();
  }

  /** Closes the loan if it is still open; false when it was closed meanwhile. */
  async closeLoan(trx: Trx, id: string, changes: Pick<LoanRow, 'returned_at' | 'received_by' | 'return_notes'>): Promise<boolean> {
    const r = await trx.updateTable('device_loans').set(changes).where('id', '=', id).where('returned_at', 'is', null).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** The loan of a device covering a true instant: issued at or before it and not returned by then. */
  loanCovering(deviceId: string, at: number): Promise<LoanRow | undefined> {
    return this.db.kysely
      .selectFrom('device_loans')
      .selectAll()
      .where('device_id', '=', deviceId)
      .where('issued_at', '<=', at)
      .where((eb) => eb.or([eb('returned_at', 'is', null), eb('returned_at', '>', at)]))
      .orderBy('issued_at', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  /** Open loans past their due time, for devices in these units, most overdue first. */
  async overdue(unitIds: string[], now: number): Promise<Array<{ device: DeviceRow; loan: LoanRow }>> {
    const loans = await this.db.kysely
      .selectFrom('device_loans as l')
      .innerJoin('devices as d', 'd.id', 'l.device_id')
      .selectAll('l')
      .where('l.returned_at', 'is', null)
      .where('l.due_at', '<', now)
      .where('d.unit_id', 'in', inList(unitIds))
      .orderBy('l.due_at')
      .limit(5000)
      .execute();
    const devices = await this.byIds(loans.map((l) => l.device_id));
    return loans.map((loan) => ({ device: devices.get(loan.device_id)!, loan }));
  }

  /** Devices that may need maintenance: faulty ones, and those on a maintenance schedule. */
  maintenanceCandidates(unitIds: string[]): Promise<DeviceRow[]> {
    return this.db.kysely
      .selectFrom('devices')
      .selectAll()
      .where('unit_id', 'in', inList(unitIds))
      .where('status', '!=', 'retired')
      .where((eb) => eb.or([eb('status', '=', 'faulty'), eb('maintenance_interval_days', 'is not', null)]))
      .orderBy('code')
      .limit(5000)
      .execute();
  }

  async byIds(ids: string[]): Promise<Map<string, DeviceRow>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db.kysely.selectFrom('devices').selectAll().where('id', 'in', [...new Set(ids)]).execute();
    return new Map(rows.map((r) => [r.id, r]));
  }

  openLoansOf(deviceIds: string[]): Promise<LoanRow[]> {
    if (deviceIds.length === 0) return Promise.resolve([]);
    return this.db.kysely.selectFrom('device_loans').selectAll().where('device_id', 'in', deviceIds).where('returned_at', 'is', null).execute();
  }

  loans(deviceId: string): Promise<LoanRow[]> {
    return this.db.kysely.selectFrom('device_loans').selectAll().where('device_id', '=', deviceId).orderBy('issued_at', 'desc').limit(1000).execute();
  }

  // Checks and calibrations

  async insertCheck(trx: Trx, row: CheckRow): Promise<void> {
    await trx.insertInto('device_checks').values(row).execute();
  }

  async insertCalibration(trx: Trx, row: CalibrationRow): Promise<void> {
    await trx.insertInto('device_calibrations').values(row).execute();
  }

  checks(deviceId: string): Promise<CheckRow[]> {
    return this.db.kysely.selectFrom('device_checks').selectAll().where('device_id', '=', deviceId).orderBy('checked_at', 'desc').limit(1000).execute();
  }

  calibrations(deviceId: string): Promise<CalibrationRow[]> {
    return this.db.kysely.selectFrom('device_calibrations').selectAll().where('device_id', '=', deviceId).orderBy('measured_at', 'desc').limit(1000).execute();
  }

  /**
   * The calibrations that can apply to a recording at `deviceTime` (see clock-calibration.ts): the
   * first one whose instant is at or after the recording's time as it corrects it, and the latest.
   */
  async calibrationsAround(deviceId: string, deviceTime: number): Promise<CalibrationRow[]> {
    const after = await this.db.kysely
      .selectFrom('device_calibrations')
      .selectAll()
      .where('device_id', '=', deviceId)
      .where(sql<number>`measured_at + offset_ms`, '>=', deviceTime)
      .orderBy('measured_at')
      .limit(1)
      .executeTakeFirst();
    const latest = await this.db.kysely.selectFrom('device_calibrations').selectAll().where('device_id', '=', deviceId).orderBy('measured_at', 'desc').limit(1).executeTakeFirst();
    return [after, latest].filter((c): c is CalibrationRow => c !== undefined);
  }

  // Faults and repairs

  async insertFault(trx: Trx, row: FaultRow): Promise<void> {
    await trx.insertInto('device_faults').values(row).execute();
  }

  async resolveFaults(trx: Trx, deviceId: string, at: number, resolution: string): Promise<number> {
    const r = await trx.updateTable('device_faults').set({ resolved_at: at, resolution }).where('device_id', '=', deviceId).where('resolved_at', 'is', null).executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  openFaults(deviceId: string, ex: Executor = this.db.kysely): Promise<FaultRow[]> {
    return ex.selectFrom('device_faults').selectAll().where('device_id', '=', deviceId).where('resolved_at', 'is', null).orderBy('reported_at').execute();
  }

  faults(deviceId: string): Promise<FaultRow[]> {
    return this.db.kysely.selectFrom('device_faults').selectAll().where('device_id', '=', deviceId).orderBy('reported_at', 'desc').limit(1000).execute();
  }

  async insertRepair(trx: Trx, row: RepairRow): Promise<void> {
    await trx.insertInto('device_repairs').values(row).execute();
  }

  openRepair(deviceId: string, ex: Executor = this.db.kysely): Promise<RepairRow | undefined> {
    return ex.selectFrom('device_repairs').selectAll().where('device_id', '=', deviceId).where('returned_at', 'is', null).orderBy('sent_at', 'desc').limit(1).executeTakeFirst();
  }

  async closeRepair(trx: Trx, id: string, changes: Pick<RepairRow, 'returned_at' | 'received_by' | 'outcome' | 'outcome_notes'>): Promise<void> {
    await trx.updateTable('device_repairs').set(changes).where('id', '=', id).execute();
  }

  repairs(deviceId: string): Promise<RepairRow[]> {
    return this.db.kysely.selectFrom('device_repairs').selectAll().where('device_id', '=', deviceId).orderBy('sent_at', 'desc').limit(1000).execute();
  }

  // History

  async insertEvent(trx: Trx, row: DeviceEventRow): Promise<void> {
    await trx.insertInto('device_events').values(row).execute();
  }

  events(deviceId: string): Promise<DeviceEventRow[]> {
    return this.db.kysely.selectFrom('device_events').selectAll().where('device_id', '=', deviceId).orderBy('at', 'desc').orderBy('id', 'desc').limit(2000).execute();
  }
}
