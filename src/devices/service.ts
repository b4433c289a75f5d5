import type { AuditLedger } from '../audit/index.js';
import { auditActor, type Actor, type Authorizer, type RequestMeta, type StepUp } from '../identity/index.js';
import type { Clock } from '../platform/clock.js';
import type { Database, Trx } from '../platform/db/database.js';
import type { DeviceKind } from '../platform/db/schema.js';
import { Conflict, Invalid, NotFound } from '../platform/errors.js';
import { newId } from '../platform/ids.js';
import { clockOffsetFromReading, MAX_CLOCK_OFFSET_MS } from './clock-calibration.js';
import { custodyAt, type DeviceCustodyFacts } from './custody.js';
import { nextDeviceState, REFUSAL_MESSAGES, type DeviceEvent, type DeviceState } from './loan-rules.js';
import { DeviceReads, type AllocationQuery, type AllocationRow, type ListQuery, type PersonDirectory, type PersonRecord, type UnitDirectory } from './reads.js';
import type { CalibrationRow, CheckRow, DeviceRow, DevicesRepo, LoanRow } from './repo.js';
import { deviceView, DEVICE_KINDS, type DeviceHistory, type DeviceView, type FaultCause, type StorageState } from './views.js';

export interface NewDevice {
  code: string;
  serial?: string | null | undefined;
  model?: string | null | undefined;
  assetNumber?: string | null | undefined;
  kind: DeviceKind;
  unitId: string;
  keeperId?: string | null | undefined;
  /** Days between routine inspections; null for none. Default 90. */
  maintenanceIntervalDays?: number | null | undefined;
  notes?: string | null | undefined;
}

export type DeviceChanges = Partial<Omit<NewDevice, 'code' | 'unitId'>>;

/** A clock reading: the offset itself, or the time the device showed (the server supplies the true time). */
export type ClockReading = { clockOffsetMs: number } | { deviceTime: number };

export interface CheckInput {
  batteryPercent?: number | undefined;
  storageState?: StorageState | undefined;
  freeBytes?: number | undefined;
  damage?: string | undefined;
  /** Default: true, unless the check found the device unusable. */
  passed?: boolean | undefined;
  notes?: string | undefined;
  clock?: ClockReading | undefined;
}

export interface IssueInput {
  officerId?: string | undefined;
  officerBadge?: string | undefined;
  /** When it must be back (UTC epoch ms). */
  dueAt: number;
  notes?: string | undefined;
  /** The pre-use check done at the desk (battery, free space, time shown). */
  check?: CheckInput | undefined;
}

export interface ReturnInput extends CheckInput {
  /** The return inspection found it unusable: it goes to `faulty` with this fault. */
  unusable?: { cause: FaultCause; description?: string | undefined } | undefined;
}

const CODE = /^[A-Za-z0-9_.-]{1,64}$/;
const SERIAL = /^[A-Za-z0-9]{1,32}$/;
const DEFAULT_MAINTENANCE_DAYS = 90;
const MAX_LOAN_MS = 366 * 86_400_000;

const text = (s: string | null | undefined, max: number, field: string): string | null => {
  if (s === undefined || s === null) return null;
  const t = s.trim();
  if (t.length > max) throw Invalid(`${field}_too_long`, `${field}: at most ${max} characters`);
  return t === '' ? null : t;
};

function isUniqueViolation(e: unknown): boolean {
  const code = (e as { code?: unknown }).code;
  return code === '23505' || (typeof code === 'string' && code.startsWith('SQLITE_CONSTRAINT_UNIQUE'));
}

interface TransitionContext {
  trx: Trx;
  device: DeviceRow;
  loan: LoanRow | undefined;
  next: DeviceState;
  now: number;
}

interface TransitionOutcome {
  /** Further device fields to set (status, version and updated_at are set for you). */
  changes?: Partial<DeviceRow> | undefined;
  loanId?: string | null | undefined;
  /** Facts for the history row and the ledger entry; `before`/`after` are added. */
  details?: Record<string, unknown> | undefined;
  before?: Record<string, unknown> | undefined;
  after?: Record<string, unknown> | undefined;
  reason?: string | null | undefined;
}

/**
 * The device registry and the issue/return desk (R-DEV-REG, R-DEV-LOAN, R-DEV-CHECK, R-DEV-FAULT,
 * R-DEV-RATIO). Every change asks the authorization rule, then the custody rule (loan-rules.ts),
 * and commits the change, its history row and its ledger entry in one transaction. The database
 * holds the line under races: a change applies only to the version of the device it read, and a
 * device has at most one open loan (unique partial index).
 */
export class DevicesService {
  constructor(
    private readonly db: Database,
    private readonly repo: DevicesRepo,
    private readonly ledger: AuditLedger,
    private readonly clock: Clock,
    private readonly authz: Authorizer,
    private readonly stepUp: StepUp,
    private readonly people: PersonDirectory,
    units: UnitDirectory,
  ) {
    this.reads = new DeviceReads(repo, clock, authz, people, units);
  }

  private readonly reads: DeviceReads;

  // Registry

  async registerDevice(actor: Actor, input: NewDevice, meta: RequestMeta): Promise<DeviceView> {
    await this.authz.require(actor, 'device.register', { type: 'device', id: null, unitId: input.unitId }, meta);
    await this.requireUnitInScope(actor, input.unitId);
    if (!CODE.test(input.code)) throw Invalid('device_code_invalid', 'device number: 1–64 letters, digits, "_", "-", "."');
    if (!(DEVICE_KINDS as readonly string[]).includes(input.kind)) throw Invalid('device_kind_invalid', `kind: one of ${DEVICE_KINDS.join(', ')}`);
    const serial = this.checkSerial(input.serial);
    const keeperId = await this.checkKeeper(actor, input.keeperId);
    const interval = this.checkInterval(input.maintenanceIntervalDays === undefined ? DEFAULT_MAINTENANCE_DAYS : input.maintenanceIntervalDays);
    if (await this.repo.byCode(input.code)) throw Conflict('device_code_taken', `device number ${input.code} is already registered`);
    if (serial && (await this.repo.bySerial(serial))) throw Conflict('device_serial_taken', `serial ${serial} already belongs to another device`);
    const now = this.clock.now();
    const row: DeviceRow = {
      id: newId(now),
      code: input.code,
      serial,
      model: text(input.model, 100, 'model'),
      asset_number: text(input.assetNumber, 64, 'asset_number'),
      kind: input.kind,
      unit_id: input.unitId,
      keeper_id: keeperId,
      status: 'in_store',
      maintenance_interval_days: interval,
      notes: text(input.notes, 2000, 'notes'),
      last_inspected_at: null,
      clock_offset_ms: null,
      clock_calibrated_at: null,
      version: 1,
      created_at: now,
      updated_at: now,
      retired_at: null,
    };
    await this.db.transact(async (trx) => {
      try {
        await this.repo.insert(trx, row);
      } catch (e) {
        if (isUniqueViolation(e)) throw Conflict('device_code_taken', `device number ${input.code} or serial ${serial ?? ''} is already registered`);
        throw e;
      }
      const after = registryFacts(row);
      await this.writeHistory(trx, actor, meta, row, 'register', null, row.status, null, { before: null, after }, null);
    });
    return deviceView(row, null);
  }

  /** Changes descriptive fields (never status, unit or number: those have their own steps). */
  async updateDevice(actor: Actor, id: string, changes: DeviceChanges, reason: string | null, meta: RequestMeta): Promise<DeviceView> {
    await this.reads.deviceFor(actor, id, 'device.register', meta);
    const set: Partial<DeviceRow> = {};
    if (changes.serial !== undefined) set.serial = this.checkSerial(changes.serial);
    if (changes.model !== undefined) set.model = text(changes.model, 100, 'model');
    if (changes.assetNumber !== undefined) set.asset_number = text(changes.assetNumber, 64, 'asset_number');
    if (changes.kind !== undefined) {
      if (!(DEVICE_KINDS as readonly string[]).includes(changes.kind)) throw Invalid('device_kind_invalid', `kind: one of ${DEVICE_KINDS.join(', ')}`);
      set.kind = changes.kind;
    }
    if (changes.keeperId !== undefined) set.keeper_id = await this.checkKeeper(actor, changes.keeperId);
    if (changes.maintenanceIntervalDays !== undefined) set.maintenance_interval_days = this.checkInterval(changes.maintenanceIntervalDays);
    if (changes.notes !== undefined) set.notes = text(changes.notes, 2000, 'notes');
    if (set.serial) {
      const other = await this.repo.bySerial(set.serial);
      if (other && other.id !== id) throw Conflict('device_serial_taken', `serial ${set.serial} already belongs to another device`);
    }
    return this.transition(actor, meta, id, { type: 'edit' }, 'update', ({ device }) => {
      const before: Record<string, unknown> = {};
      const after: Record<string, unknown> = {};
      const changed: Partial<DeviceRow> = {};
      for (const [k, v] of Object.entries(set) as Array<[keyof DeviceRow, unknown]>) {
        if (device[k] === v) continue;
        before[k] = device[k];
        after[k] = v;
        (changed as Record<string, unknown>)[k] = v;
      }
      if (Object.keys(changed).length === 0) return null;
      return { changes: changed, before, after, reason };
    });
  }

  /** Moves a device to another unit; both must be within the actor's reach. */
  async moveDevice(actor: Actor, id: string, unitId: string, reason: string | null, meta: RequestMeta): Promise<DeviceView> {
    await this.reads.deviceFor(actor, id, 'device.register', meta);
    await this.authz.require(actor, 'device.register', { type: 'unit', id: unitId, unitId }, meta);
    await this.requireUnitInScope(actor, unitId);
    return this.transition(actor, meta, id, { type: 'move' }, 'move', ({ device }) =>
      device.unit_id === unitId ? null : { changes: { unit_id: unitId }, before: { unit_id: device.unit_id }, after: { unit_id: unitId }, reason },
    );
  }

  async retireDevice(actor: Actor, id: string, reason: string, meta: RequestMeta): Promise<DeviceView> {
    await this.reads.deviceFor(actor, id, 'device.register', meta);
    const why = text(reason, 500, 'reason');
    if (!why) throw Invalid('reason_required', 'say why the device is retired');
    return this.transition(actor, meta, id, { type: 'retire' }, 'retire', async ({ trx, device, now }) => {
      const resolved = await this.repo.resolveFaults(trx, device.id, now, 'retired');
      return { changes: { retired_at: now }, reason: why, details: { faultsClosed: resolved } };
    });
  }

  // The desk

  /** 领用: hands the device to an officer until `dueAt`, with the pre-use check when one was done. */
  async issueDevice(actor: Actor, id: string, input: IssueInput, meta: RequestMeta): Promise<DeviceView> {
    await this.reads.deviceFor(actor, id, 'device.issue', meta);
    const officer = await this.officerFor(actor, input);
    const now = this.clock.now();
    if (!Number.isInteger(input.dueAt) || input.dueAt <= now) throw Invalid('due_at_invalid', 'the due time must be in the future');
    if (input.dueAt - now > MAX_LOAN_MS) throw Invalid('due_at_invalid', 'a loan lasts at most a year');
    const notes = text(input.notes, 2000, 'notes');
    await this.stepUp.require(actor, 'issue_return', meta);
    return this.transition(actor, meta, id, { type: 'issue' }, 'issue', async ({ trx, device, now: at }) => {
      const loan: LoanRow = {
        id: newId(at),
        device_id: device.id,
        officer_id: officer.id,
        issued_by: actor.id,
        issued_at: at,
        due_at: input.dueAt,
        issue_notes: notes,
        returned_at: null,
        received_by: null,
        return_notes: null,
      };
      try {
        await this.repo.insertLoan(trx, loan);
      } catch (e) {
        // The unique open-loan index: someone issued it in the same instant.
        if (isUniqueViolation(e)) throw Conflict('device_already_issued', REFUSAL_MESSAGES.device_already_issued);
        throw e;
      }
      const check = input.check ? await this.writeCheck(trx, actor, device, loan.id, 'pre_use', input.check, at) : null;
      return {
        loanId: loan.id,
        changes: check?.calibration ? calibrationChanges(check.calibration) : undefined,
        details: { loan: { id: loan.id, officerId: officer.id, officerBadge: officer.badge, dueAt: loan.due_at }, check: check?.facts ?? null },
      };
    });
  }

  /** 归还: the officer brings it back; the return inspection and the clock calibration are recorded with it. */
  async returnDevice(actor: Actor, id: string, input: ReturnInput, meta: RequestMeta): Promise<DeviceView> {
    await this.reads.deviceFor(actor, id, 'device.return', meta);
    const unusable = input.unusable ? { cause: input.unusable.cause, description: text(input.unusable.description, 2000, 'description') } : null;
    const notes = text(input.notes, 2000, 'notes');
    await this.stepUp.require(actor, 'issue_return', meta);
    return this.transition(actor, meta, id, { type: 'return', unusable: unusable !== null }, 'return', async ({ trx, device, loan, now }) => {
      const open = loan!;
      if (!(await this.repo.closeLoan(trx, open.id, { returned_at: now, received_by: actor.id, return_notes: notes }))) {
        throw Conflict('device_not_issued', REFUSAL_MESSAGES.device_not_issued);
      }
      const check = await this.writeCheck(trx, actor, device, open.id, 'return', { ...input, passed: input.passed ?? unusable === null }, now);
      let faultId: string | null = null;
      if (unusable) {
        faultId = newId(now);
        await this.repo.insertFault(trx, { id: faultId, device_id: device.id, loan_id: open.id, reported_at: now, reported_by: actor.id, cause: unusable.cause, description: unusable.description, resolved_at: null, resolution: null });
      }
      return {
        loanId: open.id,
        changes: check.calibration ? calibrationChanges(check.calibration) : undefined,
        details: { loan: { id: open.id, officerId: open.officer_id, issuedAt: open.issued_at, dueAt: open.due_at, late: now > open.due_at }, check: check.facts, fault: unusable ? { id: faultId, ...unusable } : null },
      };
    });
  }

  /** A pre-use check or a routine inspection (which restarts the maintenance interval). */
  async checkDevice(actor: Actor, id: string, kind: 'pre_use' | 'inspection', input: CheckInput, meta: RequestMeta): Promise<DeviceView> {
    await this.reads.deviceFor(actor, id, 'device.inspect', meta);
    return this.transition(actor, meta, id, { type: 'check' }, kind === 'inspection' ? 'inspect' : 'check', async ({ trx, device, loan, now }) => {
      const check = await this.writeCheck(trx, actor, device, loan?.id ?? null, kind, input, now);
      const changes: Partial<DeviceRow> = { ...(check.calibration ? calibrationChanges(check.calibration) : {}) };
      if (kind === 'inspection') changes.last_inspected_at = now;
      return { loanId: loan?.id ?? null, changes, details: { check: check.facts } };
    });
  }

  /** R-DEV-FAULT: unusable (fault, weather, battery, storage…). The officer holding it may report it too. */
  async reportFault(actor: Actor, id: string, input: { cause: FaultCause; description?: string | undefined }, meta: RequestMeta): Promise<DeviceView> {
    await this.reads.deviceFor(actor, id, 'device.report_fault', meta);
    const description = text(input.description, 2000, 'description');
    return this.transition(actor, meta, id, { type: 'report_fault' }, 'report_fault', async ({ trx, device, loan, now }) => {
      const faultId = newId(now);
      await this.repo.insertFault(trx, { id: faultId, device_id: device.id, loan_id: loan?.id ?? null, reported_at: now, reported_by: actor.id, cause: input.cause, description, resolved_at: null, resolution: null });
      return { loanId: loan?.id ?? null, details: { fault: { id: faultId, cause: input.cause, description } } };
    });
  }

  async sendToRepair(actor: Actor, id: string, input: { repairer?: string | undefined; reference?: string | undefined; notes?: string | undefined }, meta: RequestMeta): Promise<DeviceView> {
    await this.reads.deviceFor(actor, id, 'device.repair', meta);
    const repair = { repairer: text(input.repairer, 200, 'repairer'), reference: text(input.reference, 100, 'reference'), notes: text(input.notes, 2000, 'notes') };
    return this.transition(actor, meta, id, { type: 'send_to_repair' }, 'send_to_repair', async ({ trx, device, now }) => {
      const repairId = newId(now);
      await this.repo.insertRepair(trx, { id: repairId, device_id: device.id, sent_at: now, sent_by: actor.id, ...repair, returned_at: null, received_by: null, outcome: null, outcome_notes: null });
      return { details: { repair: { id: repairId, ...repair } } };
    });
  }

  /** Back from repair: repaired → in store (open faults closed, counts as an inspection); not repaired → faulty. */
  async completeRepair(actor: Actor, id: string, input: { outcome: 'repaired' | 'not_repaired'; notes?: string | undefined }, meta: RequestMeta): Promise<DeviceView> {
    await this.reads.deviceFor(actor, id, 'device.repair', meta);
    const notes = text(input.notes, 2000, 'notes');
    return this.transition(actor, meta, id, { type: 'repair_done', outcome: input.outcome }, 'repair_done', async ({ trx, device, now }) => {
      const repair = await this.repo.openRepair(device.id, trx);
      if (repair) await this.repo.closeRepair(trx, repair.id, { returned_at: now, received_by: actor.id, outcome: input.outcome, outcome_notes: notes });
      const faultsClosed = input.outcome === 'repaired' ? await this.repo.resolveFaults(trx, device.id, now, 'repaired') : 0;
      return {
        changes: input.outcome === 'repaired' ? { last_inspected_at: now } : undefined,
        details: { repair: { id: repair?.id ?? null, outcome: input.outcome, notes }, faultsClosed },
      };
    });
  }

  // Reading (see reads.ts)

  getDevice(actor: Actor, id: string, meta: RequestMeta): Promise<DeviceView> {
    return this.reads.getDevice(actor, id, meta);
  }

  getDeviceByCode(actor: Actor, code: string, meta: RequestMeta): Promise<DeviceView> {
    return this.reads.getDeviceByCode(actor, code, meta);
  }

  listDevices(actor: Actor, q: ListQuery, meta: RequestMeta): Promise<DeviceView[]> {
    return this.reads.listDevices(actor, q, meta);
  }

  overdueDevices(actor: Actor, q: { unitId?: string | undefined }, meta: RequestMeta): Promise<DeviceView[]> {
    return this.reads.overdueDevices(actor, q, meta);
  }

  maintenanceDue(actor: Actor, q: { unitId?: string | undefined }, meta: RequestMeta): Promise<DeviceView[]> {
    return this.reads.maintenanceDue(actor, q, meta);
  }

  deviceHistory(actor: Actor, id: string, meta: RequestMeta): Promise<DeviceHistory> {
    return this.reads.deviceHistory(actor, id, meta);
  }

  allocation(actor: Actor, q: AllocationQuery, meta: RequestMeta): Promise<AllocationRow[]> {
    return this.reads.allocation(actor, q, meta);
  }

  /** The custody seam of the import pipeline (see custody.ts). */
  custodyAt(serial: string, deviceTime: number, measuredOffsetMs?: number): Promise<DeviceCustodyFacts | null> {
    return custodyAt(this.repo, this.people, serial, deviceTime, measuredOffsetMs);
  }

  // Internals

  private async requireUnitInScope(actor: Actor, unitId: string): Promise<void> {
    if (!(await this.authz.subtreeIds(actor.unitId)).includes(unitId)) throw NotFound('unit_not_found', `no unit ${unitId}`);
  }

  private checkSerial(serial: string | null | undefined): string | null {
    if (serial === undefined || serial === null || serial.trim() === '') return null;
    const s = serial.trim().toUpperCase();
    if (!SERIAL.test(s)) throw Invalid('device_serial_invalid', 'serial: 1–32 letters or digits, as the recorder stamps it into file names');
    return s;
  }

  private checkInterval(days: number | null): number | null {
    if (days === null) return null;
    if (!Number.isInteger(days) || days < 1 || days > 3650) throw Invalid('maintenance_interval_invalid', 'maintenance interval: 1–3650 days, or none');
    return days;
  }

  private async checkKeeper(actor: Actor, keeperId: string | null | undefined): Promise<string | null> {
    if (keeperId === undefined || keeperId === null) return null;
    const u = await this.people.userById(keeperId);
    if (!u || !(await this.authz.subtreeIds(actor.unitId)).includes(u.unit_id)) throw NotFound('user_not_found', `no user ${keeperId}`);
    return u.id;
  }

  /** The officer a device is issued to: an active user with the officer role, in the actor's subtree. */
  private async officerFor(actor: Actor, input: IssueInput): Promise<PersonRecord> {
    const who = input.officerId ?? input.officerBadge;
    if (!who) throw Invalid('officer_required', 'name the officer (officerId or officerBadge)');
    const u = input.officerId ? await this.people.userById(input.officerId) : await this.people.userByBadge(input.officerBadge!);
    if (!u || !(await this.authz.subtreeIds(actor.unitId)).includes(u.unit_id)) throw NotFound('officer_not_found', `no officer ${who}`);
    if (u.active !== 1) throw Invalid('officer_inactive', `${u.username} is deactivated`);
    if (!(JSON.parse(u.roles) as string[]).includes('officer')) throw Invalid('not_an_officer', `${u.username} does not hold the officer role: devices are issued to officers`);
    return u;
  }

  /**
   * One custody transition: re-reads the device in the transaction, asks the custody rule, claims
   * the device's current version (so a concurrent change loses with a conflict), lets `apply`
   * write what the step writes, and adds the history row and the ledger entry. `apply` returning
   * null means nothing changed (no version bump, no entry).
   */
  private async transition(
    actor: Actor,
    meta: RequestMeta,
    id: string,
    event: DeviceEvent,
    name: string,
    apply: (ctx: TransitionContext) => Promise<TransitionOutcome | null> | TransitionOutcome | null,
  ): Promise<DeviceView> {
    const device = await this.db.transact(async (trx) => {
      const now = this.clock.now();
      const current = await this.repo.byId(id, trx);
      if (!current) throw NotFound('device_not_found', `no device ${id}`);
      const loan = await this.repo.openLoan(id, trx);
      const d = nextDeviceState({ status: current.status, onLoan: loan !== undefined }, event);
      if (!d.ok) throw Conflict(d.refusal, REFUSAL_MESSAGES[d.refusal], { status: current.status, onLoan: loan !== undefined });
      const claim = { status: d.next.status, updated_at: now };
      if (!(await this.repo.updateIfVersion(trx, id, current.version, claim))) {
        // Changed by another process between our read and our write: decide again on what is there now.
        const again = await this.repo.byId(id, trx);
        const againLoan = await this.repo.openLoan(id, trx);
        const d2 = again ? nextDeviceState({ status: again.status, onLoan: againLoan !== undefined }, event) : null;
        const refusal = d2 && !d2.ok ? d2.refusal : event.type === 'issue' ? 'device_already_issued' : 'device_state_invalid';
        throw Conflict(refusal, REFUSAL_MESSAGES[refusal]);
      }
      const out = await apply({ trx, device: current, loan, next: d.next, now });
      if (out === null) throw new NothingChanged(current);
      const updated: DeviceRow = { ...current, ...claim, ...out.changes, version: current.version + 1 };
      if (out.changes && Object.keys(out.changes).length > 0) {
        try {
          await trx.updateTable('devices').set(out.changes).where('id', '=', id).execute();
        } catch (e) {
          if (isUniqueViolation(e)) throw Conflict('device_serial_taken', 'that serial already belongs to another device');
          throw e;
        }
      }
      const before = { status: current.status, onLoan: loan !== undefined, ...out.before };
      const after = { status: updated.status, onLoan: d.next.onLoan, ...out.after };
      await this.writeHistory(trx, actor, meta, updated, name, current.status, updated.status, out.loanId ?? null, { ...out.details, before, after }, out.reason ?? null);
      return updated;
    }).catch((e: unknown) => {
      if (e instanceof NothingChanged) return e.device;
      throw e;
    });
    return this.reads.view(device);
  }

  /** The history row and its ledger entry, in the change's transaction. */
  private async writeHistory(trx: Trx, actor: Actor, meta: RequestMeta, device: DeviceRow, event: string, statusBefore: DeviceRow['status'] | null, statusAfter: DeviceRow['status'], loanId: string | null, details: Record<string, unknown>, reason: string | null): Promise<void> {
    const now = this.clock.now();
    const seq = await this.ledger.append(trx, {
      actor: auditActor(actor),
      action: `device.${event}`,
      subject: { type: 'device', id: device.id },
      ip: meta.ip,
      reason,
      details: { code: device.code, serial: device.serial, unitId: device.unit_id, ...details },
    });
    await this.repo.insertEvent(trx, { id: newId(now), device_id: device.id, at: now, actor_id: actor.id, event, status_before: statusBefore, status_after: statusAfter, loan_id: loanId, details: JSON.stringify(details), ledger_seq: seq });
  }

  /** Stores a check, and its clock calibration when the clock was read. */
  private async writeCheck(trx: Trx, actor: Actor, device: DeviceRow, loanId: string | null, kind: CheckRow['kind'], input: CheckInput, now: number): Promise<{ facts: Record<string, unknown>; calibration: CalibrationRow | null }> {
    if (input.batteryPercent !== undefined && (!Number.isInteger(input.batteryPercent) || input.batteryPercent < 0 || input.batteryPercent > 100)) throw Invalid('battery_invalid', 'battery: 0–100 %');
    if (input.freeBytes !== undefined && (!Number.isSafeInteger(input.freeBytes) || input.freeBytes < 0)) throw Invalid('free_bytes_invalid', 'free space: bytes, 0 or more');
    const check: CheckRow = {
      id: newId(now),
      device_id: device.id,
      loan_id: loanId,
      kind,
      checked_at: now,
      checked_by: actor.id,
      battery_percent: input.batteryPercent ?? null,
      storage_state: input.storageState ?? null,
      free_bytes: input.freeBytes ?? null,
      damage: text(input.damage, 2000, 'damage'),
      passed: input.passed === false ? 0 : 1,
      notes: text(input.notes, 2000, 'notes'),
    };
    await this.repo.insertCheck(trx, check);
    let calibration: CalibrationRow | null = null;
    if (input.clock) {
      const deviceTime = 'deviceTime' in input.clock ? input.clock.deviceTime : null;
      const offset = deviceTime !== null ? clockOffsetFromReading(deviceTime, now) : (input.clock as { clockOffsetMs: number }).clockOffsetMs;
      if (!Number.isSafeInteger(offset) || Math.abs(offset) > MAX_CLOCK_OFFSET_MS) throw Invalid('clock_offset_invalid', 'the clock offset is not a plausible number of milliseconds');
      calibration = { id: newId(now), device_id: device.id, check_id: check.id, loan_id: loanId, measured_at: now, measured_by: actor.id, device_time: deviceTime, offset_ms: offset, source: kind };
      await this.repo.insertCalibration(trx, calibration);
    }
    const facts = {
      id: check.id,
      kind,
      batteryPercent: check.battery_percent,
      storageState: check.storage_state,
      freeBytes: check.free_bytes,
      damage: check.damage,
      passed: check.passed === 1,
      notes: check.notes,
      clock: calibration ? { clockOffsetMs: calibration.offset_ms, deviceTime: calibration.device_time, measuredAt: calibration.measured_at } : null,
    };
    return { facts, calibration };
  }

}

/** Thrown inside a transition whose step changed nothing, to roll back the version claim. */
class NothingChanged extends Error {
  constructor(readonly device: DeviceRow) {
    super('nothing changed');
  }
}

const calibrationChanges = (c: CalibrationRow): Partial<DeviceRow> => ({ clock_offset_ms: c.offset_ms, clock_calibrated_at: c.measured_at });

function registryFacts(d: DeviceRow): Record<string, unknown> {
  return {
    code: d.code,
    serial: d.serial,
    model: d.model,
    asset_number: d.asset_number,
    kind: d.kind,
    unit_id: d.unit_id,
    keeper_id: d.keeper_id,
    maintenance_interval_days: d.maintenance_interval_days,
    status: d.status,
  };
}
