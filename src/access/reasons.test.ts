import { describe, expect, it } from 'vitest';
import { ACCESS_REASONS, commonReasons, FALLBACK_REASONS, fixedReasonLabel, type AccessReasonItem } from './reasons.js';

const item = (id: string, requiresText = false): AccessReasonItem => ({ id, label: { zh: `${id}（中）`, en: id }, requiresText });

describe('access reasons: the fixed list, and what several profiles allow together', () => {
  it('the fixed list is the fallback, with `other` asking for words', () => {
    expect(FALLBACK_REASONS.map((r) => r.id)).toEqual([...ACCESS_REASONS]);
    expect(FALLBACK_REASONS.filter((r) => r.requiresText).map((r) => r.id)).toEqual(['other']);
    expect(commonReasons([])).toEqual(FALLBACK_REASONS);
  });

  it('one profile’s list applies as it is, plus `other`', () => {
    expect(commonReasons([[item('work_need', true)]]).map((r) => [r.id, r.requiresText])).toEqual([
      ['work_need', true],
      ['other', true],
    ]);
  });

  it('several lists: only the reasons all allow, needing words when any list asks', () => {
    const a = [item('complaint'), item('quality_assessment'), item('work_need'), item('other', true)];
    const b = [item('work_need', true), item('complaint')];
    expect(commonReasons([a, b]).map((r) => [r.id, r.requiresText])).toEqual([
      ['complaint', false],
      ['work_need', true],
      ['other', true],
    ]);
  });

  it('disjoint lists leave `other`', () => {
    expect(commonReasons([[item('work_need', true)], [item('lawful_request', true)]]).map((r) => r.id)).toEqual(['other']);
  });

  it('labels of the fixed list are known by id; a profile’s own ids are not', () => {
    expect(fixedReasonLabel('complaint')).toEqual({ zh: '投诉举报核查', en: 'Complaint' });
    expect(fixedReasonLabel('work_need')).toBeNull();
  });
});
