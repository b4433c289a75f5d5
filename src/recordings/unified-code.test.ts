import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codeOf, codePrefix } from './unified-code.js';

describe('unified code (统一编码)', () => {
  it('is unit, device, local date and a sequence', () => {
    // 2026-04-01 23:30 UTC is already 2 April in Shanghai.
    const p = codePrefix('S01', 'A123456', Date.parse('2026-04-01T23:30:00Z'), 'Asia/Shanghai');
    expect(p).toBe('S01-A123456-20260402-');
    expect(codeOf(p, 1)).toBe('S01-A123456-20260402-0001');
    expect(codeOf(p, 42)).toBe('S01-A123456-20260402-0042');
    expect(codeOf(p, 12345)).toBe('S01-A123456-20260402-12345');
    expect(codePrefix('S01', null, 0, 'UTC')).toBe('S01-X-19700101-');
    expect(codePrefix('S01', 'DEV/1 2', 0, 'UTC')).toBe('S01-DEV12-19700101-');
  });

  it('codes made one after another are distinct and sort in order (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9999 }), (n) => {
        const p = 'U-D-20260101-';
        const codes = Array.from({ length: n }, (_, i) => codeOf(p, i + 1));
        expect(new Set(codes).size).toBe(n);
        expect([...codes].sort()).toEqual(codes);
      }),
      { numRuns: 50 },
    );
  });
});
