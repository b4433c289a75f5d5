import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { UploadRules } from './profile-schema.js';
import { shippedProfile } from './shipped-profiles.js';
import { isLate, uploadDeadline, uploadTimeliness, type UploadTiming } from './upload-deadline.js';

const SH = 'Asia/Shanghai';
const bj = (wall: string): number => Date.parse(`${wall}+08:00`);
const upload = (id: string): UploadRules => shippedProfile(id)!.upload;
const deadlineOf = (rules: UploadRules, timing: UploadTiming, stage: 'collect' | 'archive' = 'collect'): number => {
  const d = uploadDeadline(rules, timing, SH, stage);
  if (d.kind !== 'deadline') throw new Error(`expected a deadline, got ${d.kind}`);
  return d.at;
};

describe('upload deadlines around Beijing midnight, one table per kind', () => {
  // within_hours (24 小时内): to the millisecond, whatever the calendar day.
  it.each<[string, string]>([
    ['2025-01-01T23:59:59.999', '2025-01-02T23:59:59.999'],
    ['2025-01-02T00:00:00', '2025-01-03T00:00:00'],
    ['2025-01-02T00:00:00.001', '2025-01-03T00:00:00.001'],
    ['2024-02-28T12:00:00', '2024-02-29T12:00:00'],
    ['2024-12-31T18:30:00', '2025-01-01T18:30:00'],
  ])('within 24 h (mingshan-hr 第十五条): recording made %s → %s', (made, due) => {
    expect(deadlineOf(upload('mingshan-hr'), { recordingEnd: bj(made) })).toBe(bj(due));
    expect(deadlineOf(upload('yunnan-eshan'), { recordingEnd: bj(made) })).toBe(bj(due));
  });

  // end_of_day (每天工作结束后): 24:00 of the local day of the anchor.
  it.each<[string, string]>([
    ['2025-01-01T23:59:59.999', '2025-01-02T00:00:00'],
    ['2025-01-02T00:00:00', '2025-01-03T00:00:00'],
    ['2025-01-01T00:00:00', '2025-01-02T00:00:00'],
    ['2024-02-28T20:00:00', '2024-02-29T00:00:00'],
    ['2024-02-29T20:00:00', '2024-03-01T00:00:00'],
    ['2024-12-31T17:30:00', '2025-01-01T00:00:00'],
  ])('end of the working day (traffic-police 第十一條): duty ended %s → %s', (ended, due) => {
    expect(deadlineOf(upload('traffic-police'), { dutyEnd: bj(ended) })).toBe(bj(due));
  });

  // within_days (2日内): the activity's own day is not counted; ends 24:00 of the 2nd day after.
  it.each<[string, string]>([
    ['2025-01-01T23:59:59.999', '2025-01-04T00:00:00'],
    ['2025-01-02T00:00:00', '2025-01-05T00:00:00'],
    ['2025-01-01T00:00:00', '2025-01-04T00:00:00'],
    ['2024-02-28T10:00:00', '2024-03-02T00:00:00'],
    ['2024-12-30T10:00:00', '2025-01-02T00:00:00'],
  ])('within 2 days to the archive (hr-environment-enforcement 第十條): activity ended %s → %s', (ended, due) => {
    expect(deadlineOf(upload('hr-environment-enforcement'), { activityEnd: bj(ended) }, 'archive')).toBe(bj(due));
  });

  it('a UTC day is not the Beijing day: 15:59:59.999Z and 16:00Z fall on different local days', () => {
    const tp = upload('traffic-police');
    expect(deadlineOf(tp, { dutyEnd: Date.parse('2025-01-01T15:59:59.999Z') })).toBe(Date.parse('2025-01-01T16:00:00Z'));
    expect(deadlineOf(tp, { dutyEnd: Date.parse('2025-01-01T16:00:00Z') })).toBe(Date.parse('2025-01-02T16:00:00Z'));
  });
});

describe('late or on time', () => {
  it('on time at the deadline itself, late one millisecond after', () => {
    const tp = upload('traffic-police');
    const timing = { dutyEnd: bj('2025-01-01T18:00:00') };
    expect(isLate(tp, timing, bj('2025-01-01T23:59:59.999'), SH)).toBe(false);
    expect(isLate(tp, timing, bj('2025-01-02T00:00:00'), SH)).toBe(false);
    expect(isLate(tp, timing, bj('2025-01-02T00:00:00.001'), SH)).toBe(true);
    expect(uploadTimeliness(tp, timing, bj('2025-01-02T01:00:00'), SH)).toMatchObject({ kind: 'late', marginMs: 3_600_000 });
    expect(uploadTimeliness(tp, timing, bj('2025-01-01T23:00:00'), SH)).toMatchObject({ kind: 'on_time', marginMs: -3_600_000 });
  });

  it('an activity ending at 23:50 under an end-of-day rule has ten minutes; under 24 h it has a day', () => {
    const importedAt = bj('2025-01-02T08:00:00');
    expect(isLate(upload('zibo-tobacco'), { activityEnd: bj('2025-01-01T23:50:00') }, importedAt, SH)).toBe(true);
    expect(isLate(upload('neiqiu-health'), { activityEnd: bj('2025-01-01T23:50:00') }, importedAt, SH)).toBe(false);
  });

  it('HR: collected the same day, archived within 2 days — two stages, two answers', () => {
    const hr = upload('hr-environment-enforcement');
    const timing = { activityEnd: bj('2025-03-03T11:00:00'), dutyEnd: bj('2025-03-03T17:30:00') };
    const importedAt = bj('2025-03-04T09:00:00');
    expect(isLate(hr, timing, importedAt, SH, 'collect')).toBe(true);
    expect(isLate(hr, timing, importedAt, SH, 'archive')).toBe(false);
    expect(isLate(hr, timing, bj('2025-03-06T00:00:00'), SH, 'archive')).toBe(false);
    expect(isLate(hr, timing, bj('2025-03-06T00:00:00.001'), SH, 'archive')).toBe(true);
  });

  it('after remote work, Zibo counts 24 h from the return instead of the day of the activity', () => {
    const zb = upload('zibo-tobacco');
    const timing = { activityEnd: bj('2025-05-01T15:00:00'), returnedAt: bj('2025-05-03T20:00:00'), remoteWork: true };
    expect(uploadDeadline(zb, timing, SH)).toMatchObject({ kind: 'deadline', at: bj('2025-05-04T20:00:00'), rule: { remoteWork: true } });
    expect(isLate(zb, timing, bj('2025-05-04T19:00:00'), SH)).toBe(false);
    expect(isLate(zb, { ...timing, remoteWork: false }, bj('2025-05-04T19:00:00'), SH)).toBe(true);
  });

  it('remote work without a return time cannot be judged; a profile without a remote rule keeps its ordinary rule', () => {
    expect(uploadDeadline(upload('zibo-tobacco'), { activityEnd: 0, remoteWork: true }, SH)).toMatchObject({ kind: 'anchor_missing', anchor: 'return_to_unit' });
    expect(uploadDeadline(upload('traffic-police'), { dutyEnd: bj('2025-01-01T12:00:00'), remoteWork: true, returnedAt: bj('2025-01-05T12:00:00') }, SH)).toMatchObject({
      kind: 'deadline',
      at: bj('2025-01-02T00:00:00'),
    });
  });

  it('a profile whose text sets no deadline yields none, and isLate says null rather than guessing', () => {
    for (const id of ['county-market-supervision', 'jiangsu-culture-market']) {
      expect(uploadDeadline(upload(id), { activityEnd: 0, recordingEnd: 0, dutyEnd: 0 }, SH)).toEqual({ kind: 'none' });
      expect(isLate(upload(id), { activityEnd: 0 }, 10 ** 12, SH)).toBeNull();
    }
    expect(uploadDeadline(upload('traffic-police'), {}, SH, 'archive')).toEqual({ kind: 'none' });
  });

  it('a missing anchor is reported by name', () => {
    expect(uploadDeadline(upload('traffic-police'), { activityEnd: 0 }, SH)).toMatchObject({ kind: 'anchor_missing', anchor: 'duty_end' });
    expect(isLate(upload('mingshan-hr'), { activityEnd: 0 }, 0, SH)).toBeNull();
  });
});

describe('deadline properties', () => {
  const instant = fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2100, 0, 1) });
  const ids = fc.constantFrom('traffic-police', 'zibo-tobacco', 'hr-environment-enforcement', 'mingshan-hr', 'yunnan-eshan', 'neiqiu-health', 'market-management', 'public-security-2016', 'default');

  it('every deadline is after its anchor, and at most 3 days after it in Beijing', () => {
    fc.assert(
      fc.property(ids, instant, fc.boolean(), fc.constantFrom<'collect' | 'archive'>('collect', 'archive'), (id, at, remote, stage) => {
        const d = uploadDeadline(upload(id), { activityEnd: at, recordingEnd: at, dutyEnd: at, returnedAt: at, remoteWork: remote }, SH, stage);
        if (d.kind === 'deadline') {
          expect(d.at).toBeGreaterThan(at);
          expect(d.at - at).toBeLessThanOrEqual(3 * 86_400_000);
        } else expect(d.kind).toBe('none');
      }),
    );
  });

  it('late exactly when imported after the deadline; a later anchor never gives an earlier deadline', () => {
    fc.assert(
      fc.property(ids, instant, instant, fc.integer({ min: -5 * 86_400_000, max: 5 * 86_400_000 }), (id, a, b, delay) => {
        const rules = upload(id);
        const t = (x: number): UploadTiming => ({ activityEnd: x, recordingEnd: x, dutyEnd: x });
        const d = uploadDeadline(rules, t(a), SH);
        if (d.kind !== 'deadline') return;
        expect(isLate(rules, t(a), a + delay, SH)).toBe(a + delay > d.at);
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(deadlineOf(rules, t(lo))).toBeLessThanOrEqual(deadlineOf(rules, t(hi)));
      }),
    );
  });
});
