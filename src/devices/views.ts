import type { DeviceKind } from '../platform/db/schema.js';
import type { DeviceStatus } from './loan-rules.js';
import type { CalibrationRow, CheckRow, DeviceEventRow, DeviceRow, FaultRow, LoanRow, RepairRow } from './repo.js';

/** What the API, the CLI and the web app show of the device desk. */

export const DEVICE_KINDS = ['body_worn', 'handheld_terminal', 'camera', 'audio_recorder', 'fixed_surveillance'] as const satisfies readonly DeviceKind[];
export const FAULT_CAUSES = ['fault', 'weather', 'battery', 'storage', 'damage', 'other'] as const;
export type FaultCause = (typeof FAULT_CAUSES)[number];
export const STORAGE_STATES = ['ok', 'low', 'full', 'error'] as const;
export type StorageState = (typeof STORAGE_STATES)[number];

const DAY_MS = 86_400_000;

export interface PersonRef {
  id: string;
  username: string;
  name: string;
  badge: string | null;
}

export interface LoanView {
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

export interface DeviceView {
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
  /** When the next routine inspection is due (null without a schedule). */
  maintenanceDueAt: number | null;
  notes: string | null;
  lastInspectedAt: number | null;
  /** Latest calibration: device − true, ms. */
  clockOffsetMs: number | null;
  clockCalibratedAt: number | null;
  createdAt: number;
  updatedAt: number;
  retiredAt: number | null;
  /** The open loan, when an officer holds it. */
  loan: LoanView | null;
}

export interface CheckView {
  id: string;
  kind: CheckRow['kind'];
  loanId: string | null;
  checkedAt: number;
  checkedBy: string | null;
  batteryPercent: number | null;
  storageState: CheckRow['storage_state'];
  freeBytes: number | null;
  damage: string | null;
  passed: boolean;
  notes: string | null;
}

export interface CalibrationView {
  id: string;
  measuredAt: number;
  measuredBy: string | null;
  deviceTime: number | null;
  clockOffsetMs: number;
  source: CalibrationRow['source'];
  loanId: string | null;
  checkId: string | null;
}

export interface FaultView {
  id: string;
  loanId: string | null;
  reportedAt: number;
  reportedBy: string | null;
  cause: FaultRow['cause'];
  description: string | null;
  resolvedAt: number | null;
  resolution: string | null;
}

export interface RepairView {
  id: string;
  sentAt: number;
  sentBy: string | null;
  repairer: string | null;
  reference: string | null;
  notes: string | null;
  returnedAt: number | null;
  receivedBy: string | null;
  outcome: RepairRow['outcome'];
  outcomeNotes: string | null;
}

export interface DeviceEventView {
  id: string;
  at: number;
  actorId: string | null;
  event: string;
  statusBefore: DeviceStatus | null;
  statusAfter: DeviceStatus;
  loanId: string | null;
  details: unknown;
  ledgerSeq: number;
}

export interface DeviceHistory {
  device: DeviceView;
  loans: LoanView[];
  checks: CheckView[];
  calibrations: CalibrationView[];
  faults: FaultView[];
  repairs: RepairView[];
  events: DeviceEventView[];
}

export function maintenanceDueAt(d: Pick<DeviceRow, 'maintenance_interval_days' | 'last_inspected_at' | 'created_at'>): number | null {
  return d.maintenance_interval_days === null ? null : (d.last_inspected_at ?? d.created_at) + d.maintenance_interval_days * DAY_MS;
}

export function loanView(l: LoanRow, officer: PersonRef | null, now: number): LoanView {
  return {
    id: l.id,
    deviceId: l.device_id,
    officer,
    officerId: l.officer_id,
    issuedBy: l.issued_by,
    issuedAt: l.issued_at,
    dueAt: l.due_at,
    overdue: l.returned_at === null && l.due_at < now,
    issueNotes: l.issue_notes,
    returnedAt: l.returned_at,
    receivedBy: l.received_by,
    returnNotes: l.return_notes,
  };
}

export function deviceView(d: DeviceRow, loan: LoanView | null): DeviceView {
  return {
    id: d.id,
    code: d.code,
    serial: d.serial,
    model: d.model,
    assetNumber: d.asset_number,
    kind: d.kind,
    unitId: d.unit_id,
    keeperId: d.keeper_id,
    status: d.status,
    maintenanceIntervalDays: d.maintenance_interval_days,
    maintenanceDueAt: maintenanceDueAt(d),
    notes: d.notes,
    lastInspectedAt: d.last_inspected_at,
    clockOffsetMs: d.clock_offset_ms,
    clockCalibratedAt: d.clock_calibrated_at,
    createdAt: d.created_at,
    updatedAt: d.updated_at,
    retiredAt: d.retired_at,
    loan,
  };
}

export const checkView = (c: CheckRow): CheckView => ({
  id: c.id,
  kind: c.kind,
  loanId: c.loan_id,
  checkedAt: c.checked_at,
  checkedBy: c.checked_by,
  batteryPercent: c.battery_percent,
  storageState: c.storage_state,
  freeBytes: c.free_bytes,
  damage: c.damage,
  passed: c.passed === 1,
  notes: c.notes,
});

export const calibrationView = (c: CalibrationRow): CalibrationView => ({
  id: c.id,
  measuredAt: c.measured_at,
  measuredBy: c.measured_by,
  deviceTime: c.device_time,
  clockOffsetMs: c.offset_ms,
  source: c.source,
  loanId: c.loan_id,
  checkId: c.check_id,
});

export const faultView = (f: FaultRow): FaultView => ({
  id: f.id,
  loanId: f.loan_id,
  reportedAt: f.reported_at,
  reportedBy: f.reported_by,
  cause: f.cause,
  description: f.description,
  resolvedAt: f.resolved_at,
  resolution: f.resolution,
});

export const repairView = (r: RepairRow): RepairView => ({
  id: r.id,
  sentAt: r.sent_at,
  sentBy: r.sent_by,
  repairer: r.repairer,
  reference: r.reference,
  notes: r.notes,
  returnedAt: r.returned_at,
  receivedBy: r.received_by,
  outcome: r.outcome,
  outcomeNotes: r.outcome_notes,
});

export const eventView = (e: DeviceEventRow): DeviceEventView => ({
  id: e.id,
  at: e.at,
  actorId: e.actor_id,
  event: e.event,
  statusBefore: e.status_before,
  statusAfter: e.status_after,
  loanId: e.loan_id,
  details: JSON.parse(e.details) as unknown,
  ledgerSeq: e.ledger_seq,
});
