import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEVICE_STATUSES, isConsistentState, nextDeviceState, REFUSAL_MESSAGES, type DeviceEvent, type DeviceState, type DeviceStatus } from './loan-rules.js';

/**
 * Every state × every event, written out by hand (independently of the implementation):
 * a cell is the next state (`status` or `status+loan`) or `!refusal`.
 */
const EVENTS: Record<string, DeviceEvent> = {
  issue: { type: 'issue' },
  return: { type: 'return', unusable: false },
  return_unusable: { type: 'return', unusable: true },
  report_fault: { type: 'report_fault' },
  send_to_repair: { type: 'send_to_repair' },
  repaired: { type: 'repair_done', outcome: 'repaired' },
  not_repaired: { type: 'repair_done', outcome: 'not_repaired' },
  retire: { type: 'retire' },
  check: { type: 'check' },
  edit: { type: 'edit' },
  move: { type: 'move' },
};

// prettier-ignore
const TABLE: Record<string, Record<keyof typeof EVENTS, string>> = {
  'in_store':       { issue: 'issued+loan',             return: '!device_not_issued', return_unusable: '!device_not_issued', report_fault: 'faulty',                   send_to_repair: 'in_repair',                 repaired: '!device_not_in_repair', not_repaired: '!device_not_in_repair', retire: 'retired',           check: 'in_store',        edit: 'in_store',        move: 'in_store' },
  'issued+loan':    { issue: '!device_already_issued',  return: 'in_store',           return_unusable: 'faulty',             report_fault: 'faulty+loan',              send_to_repair: '!device_on_loan',           repaired: '!device_not_in_repair', not_repaired: '!device_not_in_repair', retire: '!device_on_loan',   check: 'issued+loan',     edit: 'issued+loan',     move: '!device_on_loan' },
  'faulty':         { issue: '!device_faulty',          return: '!device_not_issued', return_unusable: '!device_not_issued', report_fault: '!device_already_faulty',   send_to_repair: 'in_repair',                 repaired: '!device_not_in_repair', not_repaired: '!device_not_in_repair', retire: 'retired',           check: 'faulty',          edit: 'faulty',          move: 'faulty' },
  'faulty+loan':    { issue: '!device_already_issued',  return: 'faulty',             return_unusable: 'faulty',             report_fault: '!device_already_faulty',   send_to_repair: '!device_on_loan',           repaired: '!device_not_in_repair', not_repaired: '!device_not_in_repair', retire: '!device_on_loan',   check: 'faulty+loan',     edit: 'faulty+loan',     move: '!device_on_loan' },
  'in_repair':      { issue: '!device_in_repair',       return: '!device_not_issued', return_unusable: '!device_not_issued', report_fault: '!device_in_repair',        send_to_repair: '!device_already_in_repair', repaired: 'in_store',              not_repaired: 'faulty',                retire: '!device_in_repair', check: 'in_repair',       edit: 'in_repair',       move: 'in_repair' },
  'retired':        { issue: '!device_retired',         return: '!device_not_issued', return_unusable: '!device_not_issued', report_fault: '!device_retired',          send_to_repair: '!device_retired',           repaired: '!device_retired',       not_repaired: '!device_retired',       retire: '!device_retired',   check: '!device_retired', edit: '!device_retired', move: '!device_retired' },
  // Corrupt combinations: refused whatever happens.
  'in_store+loan':  { issue: '!device_state_invalid', return: '!device_state_invalid', return_unusable: '!device_state_invalid', report_fault: '!device_state_invalid', send_to_repair: '!device_state_invalid', repaired: '!device_state_invalid', not_repaired: '!device_state_invalid', retire: '!device_state_invalid', check: '!device_state_invalid', edit: '!device_state_invalid', move: '!device_state_invalid' },
  'issued':         { issue: '!device_state_invalid', return: '!device_state_invalid', return_unusable: '!device_state_invalid', report_fault: '!device_state_invalid', send_to_repair: '!device_state_invalid', repaired: '!device_state_invalid', not_repaired: '!device_state_invalid', retire: '!device_state_invalid', check: '!device_state_invalid', edit: '!device_state_invalid', move: '!device_state_invalid' },
  'in_repair+loan': { issue: '!device_state_invalid', return: '!device_state_invalid', return_unusable: '!device_state_invalid', report_fault: '!device_state_invalid', send_to_repair: '!device_state_invalid', repaired: '!device_state_invalid', not_repaired: '!device_state_invalid', retire: '!device_state_invalid', check: '!device_state_invalid', edit: '!device_state_invalid', move: '!device_state_invalid' },
  'retired+loan':   { issue: '!device_state_invalid', return: '!device_state_invalid', return_unusable: '!device_state_invalid', report_fault: '!device_state_invalid', send_to_repair: '!device_state_invalid', repaired: '!device_state_invalid', not_repaired: '!device_state_invalid', retire: '!device_state_invalid', check: '!device_state_invalid', edit: '!device_state_invalid', move: '!device_state_invalid' },
};

const parseState = (s: string): DeviceState => ({ status: s.replace('+loan', '') as DeviceStatus, onLoan: s.endsWith('+loan') });
const showState = (s: DeviceState) => (s.onLoan ? `${s.status}+loan` : s.status);

const cases = Object.entries(TABLE).flatMap(([state, row]) => Object.entries(row).map(([event, expected]) => ({ state, event, expected })));

describe('device custody transitions', () => {
  it('the table covers every status × loan flag × event', () => {
    const states = DEVICE_STATUSES.flatMap((s) => [s, `${s}+loan`]);
    expect(Object.keys(TABLE).sort()).toEqual(states.sort());
    expect(cases).toHaveLength(states.length * Object.keys(EVENTS).length);
  });

  it.each(cases)('$state × $event → $expected', ({ state, event, expected }) => {
    const d = nextDeviceState(parseState(state), EVENTS[event]!);
    expect(d.ok ? showState(d.next) : `!${d.refusal}`).toBe(expected);
  });

  it('every refusal has a message', () => {
    for (const c of cases) if (c.expected.startsWith('!')) expect(REFUSAL_MESSAGES[c.expected.slice(1) as keyof typeof REFUSAL_MESSAGES]).toBeTruthy();
  });

  // Properties over any sequence of events from a new device.
  const event = fc.constantFrom(...Object.values(EVENTS));
  it('from a registered device, any sequence of events keeps the state consistent and loans strictly alternate', () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 60 }), (events) => {
        let s: DeviceState = { status: 'in_store', onLoan: false };
        let opened = 0;
        let closed = 0;
        for (const e of events) {
          const d = nextDeviceState(s, e);
          if (!d.ok) {
            expect(d.refusal).not.toBe('device_state_invalid');
            continue;
          }
          expect(isConsistentState(d.next)).toBe(true);
          if (!s.onLoan && d.next.onLoan) opened += 1;
          if (s.onLoan && !d.next.onLoan) closed += 1;
          // Only issue opens a loan and only return closes one.
          if (d.next.onLoan !== s.onLoan) expect(e.type).toBe(d.next.onLoan ? 'issue' : 'return');
          s = d.next;
        }
        expect(opened - closed).toBe(s.onLoan ? 1 : 0);
      }),
    );
  });

  it('retired is final, and nothing issues a device that is not in store', () => {
    fc.assert(
      fc.property(fc.constantFrom(...DEVICE_STATUSES), fc.boolean(), event, (status, onLoan, e) => {
        const s = { status, onLoan };
        const d = nextDeviceState(s, e);
        if (status === 'retired') expect(d.ok).toBe(false);
        if (e.type === 'issue' && d.ok) expect(s).toEqual({ status: 'in_store', onLoan: false });
      }),
    );
  });
});
