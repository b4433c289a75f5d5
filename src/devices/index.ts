export { DevicesRepo, type DeviceRow, type LoanRow } from './repo.js';
export {
  DevicesService,
  type NewDevice,
  type DeviceChanges,
  type ClockReading,
  type CheckInput,
  type IssueInput,
  type ReturnInput,
} from './service.js';
export { DeviceReads, type ListQuery, type AllocationQuery, type AllocationRow, type PersonDirectory, type PersonRecord, type UnitDirectory, type UnitRef } from './reads.js';
export type { DeviceCustodyFacts } from './custody.js';
export { DEVICE_STATUSES, nextDeviceState, type DeviceStatus, type DeviceState, type DeviceEvent, type CustodyRefusal } from './loan-rules.js';
export { ALLOCATION_CLASSES, allocationCompliance, type AllocationClass } from './allocation.js';
export { calibrationFor, clockOffsetFromReading } from './clock-calibration.js';
export { DEVICE_KINDS, FAULT_CAUSES, STORAGE_STATES, type DeviceView, type LoanView, type DeviceHistory, type FaultCause, type StorageState } from './views.js';
