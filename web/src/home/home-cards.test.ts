import { describe, expect, it } from 'vitest';
import { cardsFor, HOME_CARDS, resolveLink } from './home-cards';

describe('the home page’s cards per role', () => {
  it('each role gets the cards that concern it', () => {
    expect(cardsFor(['approver']).map((c) => c.id)).toEqual(['approvals', 'workRecords', 'retentionExpired', 'deletionProposed', 'deletionRecovery', 'myPending']);
    expect(cardsFor(['custodian']).map((c) => c.id)).toEqual(['overdueDevices', 'maintenanceDue']);
    expect(cardsFor(['admin']).map((c) => c.id)).toEqual(['deletionRecovery']);
    expect(cardsFor(['officer']).map((c) => c.id)).toEqual(['myPending']);
    expect(cardsFor(['collector', 'custodian']).map((c) => c.id)).toEqual(['overdueDevices', 'maintenanceDue', 'lateImports', 'myPending']);
  });

  it('links go to pages that exist; a recovery window counts only batches still restorable', () => {
    const byId = (id: string) => HOME_CARDS.find((c) => c.id === id)!;
    expect(resolveLink(byId('workRecords'), 0, ['/recordings'])).toBeNull();
    expect(resolveLink(byId('workRecords'), 0, ['/cases', '/work-records'])).toBe('/work-records');
    expect(resolveLink(byId('approvals'), 0, [])).toBe('/access/approvals');
    const now = 1_000_000;
    expect(byId('deletionRecovery').count!([{ recoveryUntil: now + 1 }, { recoveryUntil: now - 1 }, { recoveryUntil: null }], now)).toBe(1);
    expect(resolveLink(byId('lateImports'), Date.UTC(2025, 2, 31), [])).toMatch(/^\/recordings\?late=true&from=2025-03-0/);
    // Expired recordings not yet in a batch: the dry run's total less those already proposed.
    expect(byId('retentionExpired').total!({ expired: 12, inBatches: 5, bytes: 1 })).toBe(7);
    expect(byId('retentionExpired').total!({})).toBe(0);
  });
});
