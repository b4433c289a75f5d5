/** The device desk's API shapes (src/devices/routes.ts). Times are UTC epoch milliseconds. */

export const DEVICE_STATUSES = ['in_store', 'issued', 'faulty', 'in_repair', 'retired'] as const;
export type DeviceStatus = (typeof DEVICE_STATUSES)[number];
export const DEVICE_KINDS = ['body_worn', 'handheld_terminal', 'camera', 'audio_recorder', 'fixed_surveillance'] as const;
export type DeviceKind = (typeof DEVICE_KINDS)[number];
export const FAULT_CAUSES = ['fault', 'weather', 'battery', 'storage', 'damage', 'other'] as const;
export type FaultCause = (typeof FAULT_CAUSES)[number];
export const STORAGE_STATES = ['ok', 'low', 'full', 'error'] as const;
export type StorageState = (typeof STORAGE_STATES)[number];
export const ALLOCATION_CLASSES = ['A', 'B', 'C'] as const;
export type AllocationClass = (typeof ALLOCATION_CLASSES)[number];

export interface PersonRef {
  id: string;
  username: string;
  name: string;
  badge: string | null;
}

export interface Loan {
  id: string;
  deviceId: string;
  officer: PersonRef | null;
  officerId: string;
  issuedBy: string | null;
  issuedAt: number;
  dueAt: number;
  overdue: boolean;
  issueNotes: string | null;
  returnedAt: number | null;
  receivedBy: string | null;
  returnNotes: string | null;
}

export interface Device {
  id: string;
  code: string;
  serial: string | null;
  model: string | null;
  assetNumber: string | null;
  kind: DeviceKind;
  unitId: string;
  keeperId: string | null;
  status: DeviceStatus;
  maintenanceIntervalDays: number | null;
  maintenanceDueAt: number | null;
  notes: string | null;
  lastInspectedAt: number | null;
  /** Latest calibration: device clock − true time (positive: the device runs fast). */
  clockOffsetMs: number | null;
  clockCalibratedAt: number | null;
  createdAt: number;
  updatedAt: number;
  retiredAt: number | null;
  loan: Loan | null;
}

export type CheckKind = 'pre_use' | 'return' | 'inspection';

export interface DeviceHistory {
  device: Device;
  loans: Loan[];
  checks: Array<{
    id: string;
    kind: CheckKind;
    loanId: string | null;
    checkedAt: number;
    checkedBy: string | null;
    batteryPercent: number | null;
    storageState: StorageState | null;
    freeBytes: number | null;
    damage: string | null;
    passed: boolean;
    notes: string | null;
  }>;
  calibrations: Array<{ id: string; measuredAt: number; measuredBy: string | null; deviceTime: number | null; clockOffsetMs: number; source: CheckKind; loanId: string | null; checkId: string | null }>;
  faults: Array<{ id: string; loanId: string | null; reportedAt: number; reportedBy: string | null; cause: FaultCause; description: string | null; resolvedAt: number | null; resolution: string | null }>;
  repairs: Array<{
    id: string;
    sentAt: number;
    sentBy: string | null;
    repairer: string | null;
    reference: string | null;
    notes: string | null;
    returnedAt: number | null;
    receivedBy: string | null;
    outcome: 'repaired' | 'not_repaired' | null;
    outcomeNotes: string | null;
  }>;
  events: Array<{ id: string; at: number; actorId: string | null; event: string; statusBefore: DeviceStatus | null; statusAfter: DeviceStatus; loanId: string | null; details: unknown; ledgerSeq: number }>;
}

export interface UnitAllocation {
  unitId: string;
  code: string;
  name: string;
  depth: number;
  isTeam: boolean;
  officers: number;
  devices: number;
  usable: number;
  classRequired: number;
  teamRequired: number;
  required: number;
  compliant: boolean;
  shortfall: number;
}

export interface AllocationReport {
  allocationClass: AllocationClass;
  teamMinimum: number;
  items: UnitAllocation[];
}

/** A clock reading (校时): the offset the custodian worked out, or what the device's screen shows. */
export type ClockReading = { clockOffsetMs: number } | { deviceTime: number };

export interface CheckInput {
  batteryPercent?: number;
  storageState?: StorageState;
  freeBytes?: number;
  damage?: string;
  passed?: boolean;
  notes?: string;
  clock?: ClockReading;
}

export interface ReturnInput extends CheckInput {
  unusable?: { cause: FaultCause; description?: string };
}

export interface IssueInput {
  officerId: string;
  dueAt: number;
  notes?: string;
  check?: CheckInput;
}

export interface RegisterInput {
  code: string;
  serial?: string | null;
  model?: string | null;
  assetNumber?: string | null;
  kind: DeviceKind;
  unitId: string;
  maintenanceIntervalDays?: number | null;
  notes?: string | null;
}

export const isOneOf = <T extends string>(list: readonly T[], v: string | null | undefined): v is T => typeof v === 'string' && (list as readonly string[]).includes(v);
