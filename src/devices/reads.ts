import type { Actor, Authorizer, AuthzAction, RequestMeta, Subject } from '../identity/index.js';
import type { Clock } from '../platform/clock.js';
import type { DeviceKind } from '../platform/db/schema.js';
import { NotFound } from '../platform/errors.js';
import { allocationCompliance, type AllocationClass, type UnitAllocation } from './allocation.js';
import type { DeviceRow, DevicesRepo } from './repo.js';
import { calibrationView, checkView, deviceView, eventView, faultView, loanView, maintenanceDueAt, repairView, type DeviceHistory, type DeviceView, type PersonRef } from './views.js';

/** The people the desk deals with, as the directory (identity) knows them. */
export interface PersonRecord {
  id: string;
  username: string;
  display_name: string;
  badge: string | null;
  unit_id: string;
  /** JSON array of role ids. */
  roles: string;
  active: number;
}

export interface PersonDirectory {
  userById(id: string): Promise<PersonRecord | undefined>;
  userByBadge(badge: string): Promise<PersonRecord | undefined>;
}

/** A unit as the allocation report needs it. */
export interface UnitRef {
  id: string;
  code: string;
  name: string;
  parentId: string | null;
}

export interface UnitDirectory {
  all(): Promise<UnitRef[]>;
  subtreeIds(unitId: string): Promise<string[]>;
}

export interface ListQuery {
  unitId?: string | undefined;
  status?: DeviceView['status'] | undefined;
  kind?: DeviceKind | undefined;
  text?: string | undefined;
  limit?: number | undefined;
}

export interface AllocationQuery {
  unitId?: string | undefined;
  allocationClass: AllocationClass;
  teamMinimum: number;
}

export interface AllocationRow extends UnitAllocation {
  code: string;
  name: string;
}

/** Recorders and handheld terminals: what the allocation standard counts. */
const ALLOCATED_KINDS: readonly DeviceKind[] = ['body_worn', 'handheld_terminal'];

/**
 * What the desk shows: one device, lists (overdue, due for maintenance), a device's history and
 * the allocation report — each asked of the authorization rule and scoped to the unit subtree.
 * Also the gate every change passes first (`deviceFor`). Reads only.
 */
export class DeviceReads {
  constructor(
    private readonly repo: DevicesRepo,
    private readonly clock: Clock,
    private readonly authz: Authorizer,
    private readonly people: PersonDirectory,
    private readonly units: UnitDirectory,
  ) {}

  async getDevice(actor: Actor, id: string, meta: RequestMeta): Promise<DeviceView> {
    const device = await this.deviceFor(actor, id, 'device.read', meta);
    return this.view(device);
  }

  async getDeviceByCode(actor: Actor, code: string, meta: RequestMeta): Promise<DeviceView> {
    const device = await this.repo.byCode(code);
    return this.getDevice(actor, device?.id ?? code, meta);
  }

  async listDevices(actor: Actor, q: ListQuery, meta: RequestMeta): Promise<DeviceView[]> {
    const unitIds = await this.readableUnits(actor, q.unitId, meta);
    const rows = await this.repo.list({ unitIds, status: q.status, kind: q.kind, text: q.text?.trim() || undefined, limit: Math.min(q.limit ?? 500, 5000) });
    return this.views(rows);
  }

  /** R-DEV-LOAN: issued and past their due time. */
  async overdueDevices(actor: Actor, q: { unitId?: string | undefined }, meta: RequestMeta): Promise<DeviceView[]> {
    const unitIds = await this.readableUnits(actor, q.unitId, meta);
    const now = this.clock.now();
    const rows = await this.repo.overdue(unitIds, now);
    const people = this.personCache();
    return Promise.all(rows.map(async ({ device, loan }) => deviceView(device, loanView(loan, await people(loan.officer_id), now))));
  }

  /** Faulty devices, and devices whose last inspection is older than their maintenance interval. */
  async maintenanceDue(actor: Actor, q: { unitId?: string | undefined }, meta: RequestMeta): Promise<DeviceView[]> {
    const unitIds = await this.readableUnits(actor, q.unitId, meta);
    const now = this.clock.now();
    const rows = (await this.repo.maintenanceCandidates(unitIds)).filter((d) => d.status === 'faulty' || (maintenanceDueAt(d) ?? Infinity) <= now);
    return this.views(rows);
  }

  async deviceHistory(actor: Actor, id: string, meta: RequestMeta): Promise<DeviceHistory> {
    const device = await this.deviceFor(actor, id, 'device.read', meta);
    const now = this.clock.now();
    const people = this.personCache();
    const [loans, checks, calibrations, faults, repairs, events] = await Promise.all([
      this.repo.loans(id),
      this.repo.checks(id),
      this.repo.calibrations(id),
      this.repo.faults(id),
      this.repo.repairs(id),
      this.repo.events(id),
    ]);
    return {
      device: await this.view(device),
      loans: await Promise.all(loans.map(async (l) => loanView(l, await people(l.officer_id), now))),
      checks: checks.map(checkView),
      calibrations: calibrations.map(calibrationView),
      faults: faults.map(faultView),
      repairs: repairs.map(repairView),
      events: events.map(eventView),
    };
  }

  /**
   * R-DEV-RATIO per unit in the actor's subtree (or the given unit's). Officers are active users
   * with the officer role; devices are non-retired recorders and handheld terminals.
   */
  async allocation(actor: Actor, q: AllocationQuery, meta: RequestMeta): Promise<AllocationRow[]> {
    const unitIds = new Set(await this.readableUnits(actor, q.unitId, meta));
    const [units, holdings, officers] = await Promise.all([this.units.all(), this.repo.holdingsByUnit(ALLOCATED_KINDS), this.repo.officersByUnit()]);
    const held = new Map(holdings.map((h) => [h.unitId, h]));
    const rows = allocationCompliance(
      units.map((u) => ({ unitId: u.id, parentId: u.parentId, officers: officers.get(u.id) ?? 0, devices: held.get(u.id)?.devices ?? 0, usable: held.get(u.id)?.usable ?? 0 })),
      { allocationClass: q.allocationClass, teamMinimum: q.teamMinimum },
    );
    const byId = new Map(units.map((u) => [u.id, u]));
    return rows
      .filter((r) => unitIds.has(r.unitId))
      .map((r) => ({ ...r, code: byId.get(r.unitId)!.code, name: byId.get(r.unitId)!.name }))
      .sort((a, b) => a.depth - b.depth || a.code.localeCompare(b.code));
  }

  /**
   * The device, if the actor may do `action` on it. A device outside the actor's subtree answers
   * like an unknown one (404) — after the role itself was checked, so a wrong role is still 403.
   * The officer holding a device reaches it through the loan even when it belongs to a unit above.
   */
  async deviceFor(actor: Actor, id: string, action: AuthzAction, meta: RequestMeta): Promise<DeviceRow> {
    const device = await this.repo.byId(id);
    const mine = await this.authz.subtreeIds(actor.unitId);
    let unitId = device && mine.includes(device.unit_id) ? device.unit_id : null;
    if (device && unitId === null && (action === 'device.read' || action === 'device.report_fault')) {
      const loan = await this.repo.openLoan(device.id);
      if (loan?.officer_id === actor.id) unitId = actor.unitId;
    }
    const subject: Subject = { type: 'device', id, unitId };
    await this.authz.require(actor, action, subject, meta);
    if (!device || unitId === null) throw NotFound('device_not_found', `no device ${id}`);
    return device;
  }

  /** The units a list may show: the actor's subtree, or the given unit's when it lies within. */
  async readableUnits(actor: Actor, unitId: string | undefined, meta: RequestMeta): Promise<string[]> {
    await this.authz.require(actor, 'device.read', null, meta);
    const mine = await this.authz.subtreeIds(actor.unitId);
    if (!unitId) return mine;
    return mine.includes(unitId) ? this.authz.subtreeIds(unitId) : [];
  }

  personCache(): (id: string) => Promise<PersonRef | null> {
    const seen = new Map<string, Promise<PersonRef | null>>();
    return (id) => {
      let p = seen.get(id);
      if (!p) {
        p = this.people.userById(id).then((u) => (u ? { id: u.id, username: u.username, name: u.display_name, badge: u.badge } : null));
        seen.set(id, p);
      }
      return p;
    };
  }

  async view(device: DeviceRow): Promise<DeviceView> {
    return (await this.views([device]))[0]!;
  }

  async views(rows: DeviceRow[]): Promise<DeviceView[]> {
    const now = this.clock.now();
    const loans = new Map((await this.repo.openLoansOf(rows.filter((r) => r.status === 'issued' || r.status === 'faulty').map((r) => r.id))).map((l) => [l.device_id, l]));
    const people = this.personCache();
    return Promise.all(
      rows.map(async (r) => {
        const l = loans.get(r.id);
        return deviceView(r, l ? loanView(l, await people(l.officer_id), now) : null);
      }),
    );
  }
}
