/**
 * The allocation standard (配备标准, R-DEV-RATIO). Pure.
 *
 * Recorders and handheld enforcement terminals count as allocated devices (retired ones don't;
 * faulty and in-repair ones do — they are allocated, if not usable today, and are reported apart).
 * - Class A agencies: at least 1 device per 2 enforcement officers; class B: 1 per 3 (both
 *   checked for every unit over its subtree, since devices are allocated per team);
 * - class C: at least 2 devices for the agency (the top unit of the tree);
 * - every team (a leaf unit two or more levels below the top, R-ORG) needs at least
 *   `teamMinimum` recorders: 2 in the Jiangsu rule (每个执法小组不少于二人佩带), 1 in the Zibo
 *   rule (每个稽查中队至少配备一台).
 */

export const ALLOCATION_CLASSES = ['A', 'B', 'C'] as const;
export type AllocationClass = (typeof ALLOCATION_CLASSES)[number];

export interface AllocationOptions {
  allocationClass: AllocationClass;
  teamMinimum: number;
}

/** One unit with the officers and devices that belong to it directly (not below it). */
export interface UnitHoldings {
  unitId: string;
  parentId: string | null;
  officers: number;
  devices: number;
  /** Of `devices`, those usable today (in store or issued). */
  usable: number;
}

export interface UnitAllocation {
  unitId: string;
  depth: number;
  isTeam: boolean;
  /** Over the unit's subtree. */
  officers: number;
  devices: number;
  usable: number;
  /** Devices the class rule asks for. */
  classRequired: number;
  /** Devices the team rule asks for (0 for a unit that is not a team). */
  teamRequired: number;
  required: number;
  compliant: boolean;
  shortfall: number;
}

/** Devices the class rule requires for a unit with `officers` enforcement officers in its subtree. */
export function classRequirement(allocationClass: AllocationClass, officers: number, isAgency: boolean): number {
  switch (allocationClass) {
    case 'A':
      return Math.ceil(officers / 2);
    case 'B':
      return Math.ceil(officers / 3);
    case 'C':
      return isAgency ? 2 : 0;
  }
}

/** Compliance of every unit given, in the order given. Units whose parent is not given count as tops. */
export function allocationCompliance(units: readonly UnitHoldings[], opts: AllocationOptions): UnitAllocation[] {
  const byId = new Map(units.map((u) => [u.unitId, u]));
  const children = new Map<string, string[]>();
  for (const u of units) if (u.parentId !== null && byId.has(u.parentId)) children.set(u.parentId, [...(children.get(u.parentId) ?? []), u.unitId]);
  const depthOf = (id: string): number => {
    let d = 0;
    let cur = byId.get(id);
    while (cur?.parentId && byId.has(cur.parentId) && d < 64) {
      d += 1;
      cur = byId.get(cur.parentId);
    }
    return d;
  };
  const totals = new Map<string, { officers: number; devices: number; usable: number }>();
  const total = (id: string, guard = 0): { officers: number; devices: number; usable: number } => {
    const known = totals.get(id);
    if (known) return known;
    const u = byId.get(id)!;
    const t = { officers: u.officers, devices: u.devices, usable: u.usable };
    if (guard < 64) {
      for (const c of children.get(id) ?? []) {
        const ct = total(c, guard + 1);
        t.officers += ct.officers;
        t.devices += ct.devices;
        t.usable += ct.usable;
      }
    }
    totals.set(id, t);
    return t;
  };
  return units.map((u) => {
    const depth = depthOf(u.unitId);
    const isTeam = depth >= 2 && (children.get(u.unitId)?.length ?? 0) === 0;
    const t = total(u.unitId);
    const classRequired = classRequirement(opts.allocationClass, t.officers, depth === 0);
    const teamRequired = isTeam ? opts.teamMinimum : 0;
    const required = Math.max(classRequired, teamRequired);
    return { unitId: u.unitId, depth, isTeam, ...t, classRequired, teamRequired, required, compliant: t.devices >= required, shortfall: Math.max(0, required - t.devices) };
  });
}
