import { describe, expect, it } from 'vitest';
import { clampTo, drifted, SharedClock, sharedRange, targetOf } from './sync-clock';

const T = Date.parse('2026-04-02T02:00:00Z');

describe('synchronized view arithmetic', () => {
  it('a player shows shared time minus its corrected start, and idles outside its span', () => {
    const span = { start: T + 2000, end: T + 8000 };
    expect(targetOf(span, T)).toEqual({ phase: 'before', seconds: 0 });
    expect(targetOf(span, T + 2000)).toEqual({ phase: 'within', seconds: 0 });
    expect(targetOf(span, T + 5500)).toEqual({ phase: 'within', seconds: 3.5 });
    expect(targetOf(span, T + 8000)).toEqual({ phase: 'after', seconds: 6 });
  });

  it('re-seeks only beyond the drift limit', () => {
    expect(drifted(3.2, 3.0)).toBe(false);
    expect(drifted(3.31, 3.0)).toBe(true);
    expect(drifted(2.6, 3.0)).toBe(true);
  });

  it('the shared range spans every chosen recording; seeks stay inside it', () => {
    const r = sharedRange([
      { start: T + 1000, end: T + 5000 },
      { start: T, end: T + 3000 },
    ])!;
    expect(r).toEqual({ start: T, end: T + 5000 });
    expect(clampTo(r, T - 10)).toBe(T);
    expect(clampTo(r, T + 9999)).toBe(T + 5000);
    expect(sharedRange([])).toBeNull();
  });

  it('the shared clock advances with wall time at its rate and re-anchors on pause, seek and rate', () => {
    let wall = 1000;
    const c = new SharedClock(T, () => wall);
    expect(c.now()).toBe(T);
    c.play();
    wall += 1500;
    expect(c.now()).toBe(T + 1500);
    c.setRate(2);
    wall += 1000;
    expect(c.now()).toBe(T + 3500);
    c.pause();
    wall += 5000;
    expect(c.now()).toBe(T + 3500);
    c.seek(T + 100);
    expect(c.now()).toBe(T + 100);
    c.play();
    wall += 250;
    expect(c.now()).toBe(T + 600);
  });
});
