import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocationCompliance, classRequirement, type UnitHoldings } from './allocation.js';

//          county (2 officers, 0 devices)
//         /                          \
//   station-a (0, 1)              station-b (1, 0)
//     /           \
// team-1 (4, 2)  team-2 (3, 1)
const TREE: UnitHoldings[] = [
  { unitId: 'county', parentId: null, officers: 2, devices: 0, usable: 0 },
  { unitId: 'station-a', parentId: 'county', officers: 0, devices: 1, usable: 1 },
  { unitId: 'station-b', parentId: 'county', officers: 1, devices: 0, usable: 0 },
  { unitId: 'team-1', parentId: 'station-a', officers: 4, devices: 2, usable: 1 },
  { unitId: 'team-2', parentId: 'station-a', officers: 3, devices: 1, usable: 1 },
];

const pick = (rows: ReturnType<typeof allocationCompliance>, id: string) => rows.find((r) => r.unitId === id)!;

describe('allocation standard (R-DEV-RATIO)', () => {
  it('class requirements: A one per 2 officers, B one per 3, C at least 2 for the agency', () => {
    expect([0, 1, 2, 3, 4, 5].map((n) => classRequirement('A', n, true))).toEqual([0, 1, 1, 2, 2, 3]);
    expect([0, 1, 2, 3, 4, 6, 7].map((n) => classRequirement('B', n, false))).toEqual([0, 1, 1, 1, 2, 2, 3]);
    expect(classRequirement('C', 40, true)).toBe(2);
    expect(classRequirement('C', 40, false)).toBe(0);
  });

  it('sums each subtree and finds teams (leaves two levels down)', () => {
    const r = allocationCompliance(TREE, { allocationClass: 'B', teamMinimum: 2 });
    expect(pick(r, 'county')).toMatchObject({ depth: 0, isTeam: false, officers: 10, devices: 4, usable: 3, classRequired: 4, required: 4, compliant: true, shortfall: 0 });
    expect(pick(r, 'station-a')).toMatchObject({ depth: 1, officers: 7, devices: 4, classRequired: 3, compliant: true });
    // A station without teams is not a team itself.
    expect(pick(r, 'station-b')).toMatchObject({ depth: 1, isTeam: false, officers: 1, devices: 0, required: 1, compliant: false, shortfall: 1 });
    expect(pick(r, 'team-1')).toMatchObject({ isTeam: true, classRequired: 2, teamRequired: 2, required: 2, compliant: true });
    expect(pick(r, 'team-2')).toMatchObject({ isTeam: true, classRequired: 1, teamRequired: 2, required: 2, compliant: false, shortfall: 1 });
  });

  it('class A is stricter; the Zibo team rule (1 per squad) is looser', () => {
    const a = allocationCompliance(TREE, { allocationClass: 'A', teamMinimum: 2 });
    expect(pick(a, 'county')).toMatchObject({ classRequired: 5, compliant: false, shortfall: 1 });
    const zb = allocationCompliance(TREE, { allocationClass: 'C', teamMinimum: 1 });
    expect(pick(zb, 'team-2')).toMatchObject({ classRequired: 0, teamRequired: 1, compliant: true });
    expect(pick(zb, 'county')).toMatchObject({ classRequired: 2, compliant: true });
  });

  const holdings = fc.array(fc.record({ officers: fc.nat(30), devices: fc.nat(10), usable: fc.nat(10) }), { minLength: 1, maxLength: 12 });
  const options = fc.record({ allocationClass: fc.constantFrom('A' as const, 'B' as const, 'C' as const), teamMinimum: fc.nat(3) });
  /** A random tree: each unit's parent is an earlier unit. */
  const tree = holdings.chain((hs) =>
    fc.tuple(...hs.map((_, i) => (i === 0 ? fc.constant(-1) : fc.nat(i - 1)))).map((parents) =>
      hs.map((h, i): UnitHoldings => ({ unitId: `u${i}`, parentId: parents[i]! < 0 ? null : `u${parents[i]!}`, officers: h.officers, devices: h.devices, usable: Math.min(h.usable, h.devices) })),
    ),
  );

  it('the top unit sums everything; compliance is exactly devices ≥ required', () => {
    fc.assert(
      fc.property(tree, options, (units, opts) => {
        const r = allocationCompliance(units, opts);
        expect(r[0]!.officers).toBe(units.reduce((s, u) => s + u.officers, 0));
        expect(r[0]!.devices).toBe(units.reduce((s, u) => s + u.devices, 0));
        for (const row of r) {
          expect(row.compliant).toBe(row.devices >= row.required);
          expect(row.shortfall).toBe(Math.max(0, row.required - row.devices));
          if (opts.allocationClass !== 'C') expect(row.devices * (opts.allocationClass === 'A' ? 2 : 3) >= row.officers || !row.compliant).toBe(true);
        }
      }),
    );
  });

  it('one more device never makes a unit non-compliant, one more officer never makes one compliant', () => {
    fc.assert(
      fc.property(tree, options, fc.nat(11), (units, opts, k) => {
        const i = k % units.length;
        const base = allocationCompliance(units, opts);
        const more = allocationCompliance(units.map((u, j) => (j === i ? { ...u, devices: u.devices + 1 } : u)), opts);
        const crowd = allocationCompliance(units.map((u, j) => (j === i ? { ...u, officers: u.officers + 1 } : u)), opts);
        base.forEach((b, j) => {
          if (b.compliant) expect(more[j]!.compliant).toBe(true);
          if (!b.compliant) expect(crowd[j]!.compliant).toBe(false);
        });
      }),
    );
  });
});
