import { describe, expect, it } from 'vitest';
import { parseRecorderFileName } from '../ingest/index.js';
import { DEMO_DEVICES, personNamed } from './cast.js';
import { planDemo, type DemoStep } from './plan.js';

const NOW = Date.UTC(2026, 10, 23, 3, 20, 0);
const TZ = 'Asia/Shanghai';

const refsOf = (s: DemoStep): string[] => {
  switch (s.kind) {
    case 'case':
    case 'request':
      return s.recordings;
    case 'long_term':
    case 'hold':
    case 'sensitivity':
    case 'use':
      return [s.recording];
    case 'work_record':
      return s.recording ? [s.recording] : [];
    default:
      return [];
  }
};

describe('the demo plan', () => {
  for (const n of [16, 24, 300]) {
    it(`${n} recordings: named as their recorders name them, every step in order and before now, nothing used before it exists`, () => {
      const plan = planDemo({ now: NOW, recordings: n, timeZone: TZ });
      expect(plan.files).toHaveLength(n);
      expect(new Set(plan.files.map((f) => f.name)).size).toBe(n);
      expect(plan.steps[0]!.kind).toBe('setup');
      for (let i = 1; i < plan.steps.length; i++) expect(plan.steps[i]!.at).toBeGreaterThanOrEqual(plan.steps[i - 1]!.at);
      expect(plan.steps.at(-1)!.at).toBeLessThanOrEqual(NOW);

      for (const f of plan.files) {
        const device = DEMO_DEVICES.find((d) => d.code === f.device)!;
        const parsed = parseRecorderFileName(f.name, { timeZone: TZ });
        expect(parsed, f.name).toMatchObject({ pattern: 'ga-t947', deviceSerial: device.serial, officerBadge: personNamed(f.officer).badge, deviceStartedAt: Math.floor(f.deviceStartedAt / 1000) * 1000 });
        expect(device.officer).toBe(f.officer);
      }

      const imported = new Map<string, number>();
      const onLoan = new Map<string, boolean>();
      for (const s of plan.steps) {
        for (const key of refsOf(s)) expect(imported.get(key), `${s.kind} uses ${key}`).toBeLessThan(s.at);
        if (s.kind === 'import') for (const f of s.files) imported.set(f.key, s.at);
        if (s.kind === 'issue') {
          expect(onLoan.get(s.device), `issue of ${s.device} at ${s.at}`).not.toBe(true);
          expect(s.dueAt).toBeGreaterThan(s.at);
          onLoan.set(s.device, true);
        }
        if (s.kind === 'return') {
          expect(onLoan.get(s.device), `return of ${s.device}`).toBe(true);
          onLoan.set(s.device, false);
        }
      }
      // Each recording is docked after its recorder came back.
      for (const s of plan.steps) if (s.kind === 'import') for (const f of s.files) expect(f.startedAt).toBeLessThan(s.at);
      expect([...onLoan].filter(([, out]) => out).map(([d]) => d).sort()).toEqual(['PS-DSJ-01', 'SJ-ZF-02', 'TJ-DSJ-01']);
      const kinds = new Set(plan.steps.map((s) => s.kind));
      for (const k of ['case', 'request', 'approve', 'reject', 'use', 'long_term', 'hold', 'work_record', 'decide_work_record', 'fault', 'repair', 'propose_expired']) expect(kinds.has(k as DemoStep['kind']), k).toBe(true);
    });
  }

  it('is the same for the same inputs', () => {
    expect(planDemo({ now: NOW, recordings: 40, timeZone: TZ })).toEqual(planDemo({ now: NOW, recordings: 40, timeZone: TZ }));
    expect(planDemo({ now: NOW, recordings: 40, timeZone: TZ, seed: 2 }).files.map((f) => f.name)).not.toEqual(planDemo({ now: NOW, recordings: 40, timeZone: TZ }).files.map((f) => f.name));
  });

  it('refuses fewer recordings than its stories need', () => {
    expect(() => planDemo({ now: NOW, recordings: 15, timeZone: TZ })).toThrow(RangeError);
  });
});
