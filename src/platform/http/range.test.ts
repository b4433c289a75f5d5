import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { contentDisposition, parseRange } from './range.js';

describe('parseRange', () => {
  it('handles the forms players send', () => {
    expect(parseRange(undefined, 100)).toBeNull();
    expect(parseRange('bytes=0-', 100)).toEqual({ start: 0, end: 99 });
    expect(parseRange('bytes=10-19', 100)).toEqual({ start: 10, end: 19 });
    expect(parseRange('bytes=90-200', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=-10', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=-500', 100)).toEqual({ start: 0, end: 99 });
    expect(parseRange('bytes=100-', 100)).toBe('unsatisfiable');
    expect(parseRange('bytes=20-10', 100)).toBe('unsatisfiable');
    expect(parseRange('bytes=-0', 100)).toBe('unsatisfiable');
    expect(parseRange('bytes=0-1,5-6', 100)).toBeNull();
    expect(parseRange('items=0-1', 100)).toBeNull();
  });

  it('never returns a range outside the file', () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 0, max: 10 ** 12 }), (h, size) => {
        const r = parseRange(h, size);
        if (r && r !== 'unsatisfiable') {
          expect(r.start).toBeGreaterThanOrEqual(0);
          expect(r.end).toBeLessThan(size);
          expect(r.start).toBeLessThanOrEqual(r.end);
        }
      }),
    );
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.integer({ min: 1, max: 10 ** 12 }), (a, b, size) => {
        const r = parseRange(`bytes=${a}-${b}`, size);
        if (r && r !== 'unsatisfiable') expect(r.end - r.start + 1).toBeLessThanOrEqual(size);
      }),
    );
  });
});

describe('contentDisposition', () => {
  it('keeps Chinese names and neutralizes quotes, slashes and control characters', () => {
    const h = contentDisposition('attachment', '执法/记录"仪\n.mp4');
    expect(h).toContain(`filename*=UTF-8''${encodeURIComponent('执法_记录_仪_.mp4')}`);
    expect(h).not.toMatch(/[\n"]{1}[^;]*"$/);
    expect(h.split('"').length).toBe(3);
  });
});
