import { describe, expect, it } from 'vitest';
import { workRecordStats } from './overview.js';

describe('work records in the overview', () => {
  it('sums groups by kind, decision, reason (most first) and officer (most first, at most 20)', () => {
    const s = workRecordStats([
      { kind: 'interrupted', status: 'approved', reason: 'device_fault', officerId: 'a', n: 2 },
      { kind: 'interrupted', status: 'pending', reason: 'device_fault', officerId: 'b', n: 1 },
      { kind: 'not_recorded', status: 'rejected', reason: 'other', officerId: 'b', n: 4 },
      { kind: 'interrupted', status: 'pending', reason: 'bad_weather', officerId: 'a', n: 1 },
    ]);
    expect(s.total).toBe(8);
    expect(s.byKind).toEqual({ interrupted: 4, notRecorded: 4 });
    expect(s.byStatus).toEqual({ pending: 2, approved: 2, rejected: 4 });
    expect(s.byReason).toEqual([
      { kind: 'not_recorded', reason: 'other', count: 4 },
      { kind: 'interrupted', reason: 'device_fault', count: 3 },
      { kind: 'interrupted', reason: 'bad_weather', count: 1 },
    ]);
    expect(s.byOfficer).toEqual([
      { officerId: 'b', count: 5 },
      { officerId: 'a', count: 3 },
    ]);
  });

  it('keeps the 20 officers with the most records, and is all zeros for none', () => {
    const groups = Array.from({ length: 25 }, (_, i) => ({ kind: 'interrupted' as const, status: 'pending' as const, reason: 'other', officerId: `o${String(i).padStart(2, '0')}`, n: i + 1 }));
    const s = workRecordStats(groups);
    expect(s.byOfficer).toHaveLength(20);
    expect(s.byOfficer[0]).toEqual({ officerId: 'o24', count: 25 });
    expect(workRecordStats([])).toEqual({ total: 0, byKind: { interrupted: 0, notRecorded: 0 }, byStatus: { pending: 0, approved: 0, rejected: 0 }, byReason: [], byOfficer: [] });
  });
});
