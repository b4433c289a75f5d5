/**
 * The custody rule of a device (R-DEV-LOAN, R-DEV-FAULT): its state × an event → the next state,
 * or a typed refusal. Pure, no I/O. The service asks here before every change and the database
 * enforces the same answer (a conditional update on the state it read, a unique open loan).
 *
 * A device's state is its status plus whether a loan is open. Both are needed because a device
 * can be reported unusable while an officer still has it (bad weather, a flat battery in the
 * field): it is then `faulty` and still on loan until it comes back to the desk.
 */

export const DEVICE_STATUSES = ['in_store', 'issued', 'faulty', 'in_repair', 'retired'] as const;
export type DeviceStatus = (typeof DEVICE_STATUSES)[number];

export interface DeviceState {
  status: DeviceStatus;
  /** A loan is open: an officer holds the device. */
  onLoan: boolean;
}

/** What can happen to a device. Events that keep the state (edit, move, check) are asked too. */
export type DeviceEvent =
  | { type: 'issue' }
  /** Back at the desk; `unusable` when the return inspection finds it can't be used. */
  | { type: 'return'; unusable: boolean }
  | { type: 'report_fault' }
  /** To repair or maintenance: a faulty device, or a working one sent for servicing. */
  | { type: 'send_to_repair' }
  | { type: 'repair_done'; outcome: 'repaired' | 'not_repaired' }
  | { type: 'retire' }
  /** A check or inspection (pre-use, routine), with or without a clock reading. */
  | { type: 'check' }
  /** Descriptive fields (model, asset number, keeper, maintenance interval…). */
  | { type: 'edit' }
  /** To another unit. */
  | { type: 'move' };

export type DeviceEventType = DeviceEvent['type'];
export const DEVICE_EVENT_TYPES: readonly DeviceEventType[] = ['issue', 'return', 'report_fault', 'send_to_repair', 'repair_done', 'retire', 'check', 'edit', 'move'];

/** Stable ids of refusals; each becomes a 409 with this id. */
export type CustodyRefusal =
  | 'device_already_issued'
  | 'device_not_issued'
  | 'device_faulty'
  | 'device_in_repair'
  | 'device_retired'
  | 'device_on_loan'
  | 'device_already_faulty'
  | 'device_already_in_repair'
  | 'device_not_in_repair'
  | 'device_state_invalid';

export type CustodyDecision = { ok: true; next: DeviceState } | { ok: false; refusal: CustodyRefusal };

const to = (status: DeviceStatus, onLoan: boolean): CustodyDecision => ({ ok: true, next: { status, onLoan } });
const refuse = (refusal: CustodyRefusal): CustodyDecision => ({ ok: false, refusal });

/** The states a device can really be in; anything else (e.g. `issued` without a loan) is corrupt data. */
export function isConsistentState(s: DeviceState): boolean {
  if (s.onLoan) return s.status === 'issued' || s.status === 'faulty';
  return s.status !== 'issued';
}

export function nextDeviceState(state: DeviceState, event: DeviceEvent): CustodyDecision {
  if (!isConsistentState(state)) return refuse('device_state_invalid');
  const { status, onLoan } = state;
  switch (event.type) {
    case 'issue':
      if (onLoan) return refuse('device_already_issued');
      if (status === 'in_store') return to('issued', true);
      return refuse(status === 'faulty' ? 'device_faulty' : status === 'in_repair' ? 'device_in_repair' : 'device_retired');
    case 'return':
      if (!onLoan) return refuse('device_not_issued');
      // A device reported faulty in the field stays faulty when it comes back.
      return to(status === 'faulty' || event.unusable ? 'faulty' : 'in_store', false);
    case 'report_fault':
      if (status === 'faulty') return refuse('device_already_faulty');
      if (status === 'in_repair') return refuse('device_in_repair');
      if (status === 'retired') return refuse('device_retired');
      return to('faulty', onLoan);
    case 'send_to_repair':
      if (onLoan) return refuse('device_on_loan');
      if (status === 'in_repair') return refuse('device_already_in_repair');
      if (status === 'retired') return refuse('device_retired');
      return to('in_repair', false);
    case 'repair_done':
      if (status !== 'in_repair') return refuse(status === 'retired' ? 'device_retired' : 'device_not_in_repair');
      return to(event.outcome === 'repaired' ? 'in_store' : 'faulty', false);
    case 'retire':
      if (onLoan) return refuse('device_on_loan');
      if (status === 'in_repair') return refuse('device_in_repair');
      if (status === 'retired') return refuse('device_retired');
      return to('retired', false);
    case 'check':
    case 'edit':
      if (status === 'retired') return refuse('device_retired');
      return to(status, onLoan);
    case 'move':
      if (onLoan) return refuse('device_on_loan');
      if (status === 'retired') return refuse('device_retired');
      return to(status, onLoan);
  }
}

/** Human wording of a refusal (the id is what clients match on). */
export const REFUSAL_MESSAGES: Readonly<Record<CustodyRefusal, string>> = {
  device_already_issued: 'the device is already issued: it must be returned first',
  device_not_issued: 'the device is not issued: there is nothing to return',
  device_faulty: 'the device is reported faulty: repair it before issuing it',
  device_in_repair: 'the device is in repair',
  device_retired: 'the device is retired',
  device_on_loan: 'the device is on loan: it must be returned first',
  device_already_faulty: 'the device is already reported faulty',
  device_already_in_repair: 'the device is already in repair',
  device_not_in_repair: 'the device is not in repair',
  device_state_invalid: 'the device record is inconsistent (status and open loan disagree): run `custodia verify` and check its history',
};
