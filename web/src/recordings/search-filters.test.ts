import { describe, expect, it } from 'vitest';
import { apiQuery, EMPTY_FILTERS, filtersFromParams, filtersToParams } from './search-filters';

describe('search filters in the URL', () => {
  it('round-trip through URL parameters, leaving defaults out', () => {
    const f = { ...EMPTY_FILTERS, q: '巡逻', device: 'A1234567', from: '2025-03-12T00:00', to: '2025-03-13T00:00', damaged: 'true' as const, late: 'true' as const, order: 'asc' as const };
    const p = filtersToParams(f);
    expect(filtersFromParams(new URLSearchParams(p.toString()))).toEqual(f);
    expect(filtersToParams(EMPTY_FILTERS).toString()).toBe('');
  });

  it('ignores junk in the URL', () => {
    expect(filtersFromParams(new URLSearchParams('damaged=maybe&late=often&order=sideways'))).toEqual(EMPTY_FILTERS);
  });

  it('sends times as epoch milliseconds and drops empty filters', () => {
    const q = apiQuery({ ...EMPTY_FILTERS, q: '  ', officer: ' 100234 ', from: '2025-03-12T08:30', to: 'not a time' });
    expect(q).toEqual({ q: undefined, device: undefined, officer: '100234', from: new Date('2025-03-12T08:30').getTime(), to: undefined, damaged: undefined, order: 'desc' });
  });
});
