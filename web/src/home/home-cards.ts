import type { RoleId } from '../api/types';

/**
 * The "what needs me now" cards of the home page: for each, who it concerns, where the count
 * comes from, and where to go. Roles are only the page's guess of what concerns someone; the
 * server answers each count within the person's authority, and a refused count is not shown.
 */
export type HomeCardId = 'approvals' | 'myPending' | 'overdueDevices' | 'maintenanceDue' | 'lateImports' | 'workRecords' | 'retentionExpired' | 'deletionProposed' | 'deletionRecovery';

export interface HomeCard {
  id: HomeCardId;
  roles: readonly RoleId[];
  /** The API call whose answer's `items` are counted. */
  url: (now: number) => string;
  /** Counted items (default: all of them). */
  count?: (items: readonly unknown[], now: number) => number;
  /** For answers that carry their own total instead of `items`: the count read from the whole answer. */
  total?: (body: unknown) => number;
  /** The most items one call returns: a full answer reads "N+". */
  limit: number;
  /** Where to go: a path, or page paths to look for among the registered pages (the first that exists). */
  link: (now: number) => string | { oneOf: readonly string[] };
  /** True: a count above zero is something to act on (else it is for information). */
  actionable: boolean;
}

const DAY = 86_400_000;
/** Late imports counted over this window (by corrected start time). */
export const LATE_WINDOW_DAYS = 30;

/** `YYYY-MM-DDTHH:mm` in the browser's zone (the recordings page's URL format). */
function localInput(ms: number): string {
  const d = new Date(ms);
  const two = (x: number) => String(x).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}`;
}
const lateFrom = (now: number) => Math.floor((now - LATE_WINDOW_DAYS * DAY) / 60_000) * 60_000;

export const HOME_CARDS: readonly HomeCard[] = [
  { id: 'approvals', roles: ['approver'], url: () => '/api/access-requests?scope=inbox&limit=200', limit: 200, link: () => '/access/approvals', actionable: true },
  { id: 'workRecords', roles: ['approver'], url: () => '/api/work-records?status=pending&limit=500', limit: 500, link: () => ({ oneOf: ['/work-records', '/cases/work-records', '/cases'] }), actionable: true },
  {
    // Past their retention and in no deletion batch yet: someone who proposes deletion has work (R-RETAIN).
    id: 'retentionExpired',
    roles: ['dispatcher', 'approver'],
    url: () => '/api/retention/expired',
    total: (body) => {
      const b = body as { expired?: unknown; inBatches?: unknown };
      return typeof b.expired === 'number' && typeof b.inBatches === 'number' ? Math.max(0, b.expired - b.inBatches) : 0;
    },
    limit: Infinity,
    link: () => '/retention',
    actionable: true,
  },
  { id: 'deletionProposed', roles: ['approver'], url: () => '/api/retention/batches?status=proposed&limit=500', limit: 500, link: () => ({ oneOf: ['/retention/batches', '/retention'] }), actionable: true },
  {
    id: 'deletionRecovery',
    roles: ['admin', 'approver', 'dispatcher'],
    url: () => '/api/retention/batches?status=approved&limit=500',
    count: (items, now) => items.filter((b) => typeof b === 'object' && b !== null && typeof (b as { recoveryUntil?: unknown }).recoveryUntil === 'number' && (b as { recoveryUntil: number }).recoveryUntil > now).length,
    limit: 500,
    link: () => ({ oneOf: ['/retention/batches', '/retention'] }),
    actionable: false,
  },
  { id: 'overdueDevices', roles: ['custodian'], url: () => '/api/devices/overdue', limit: Infinity, link: () => '/devices?view=overdue', actionable: true },
  { id: 'maintenanceDue', roles: ['custodian'], url: () => '/api/devices/maintenance-due', limit: Infinity, link: () => '/devices?view=maintenance', actionable: true },
  {
    id: 'lateImports',
    roles: ['collector', 'dispatcher', 'supervisor'],
    url: (now) => `/api/recordings?late=true&from=${lateFrom(now)}&limit=500`,
    limit: 500,
    link: (now) => `/recordings?late=true&from=${encodeURIComponent(localInput(lateFrom(now)))}`,
    actionable: false,
  },
  { id: 'myPending', roles: ['officer', 'collector', 'dispatcher', 'approver', 'supervisor'], url: () => '/api/access-requests?scope=mine&state=pending&limit=200', limit: 200, link: () => '/access/mine', actionable: false },
];

/** The cards that concern someone with these roles, in the order above. */
export function cardsFor(roles: readonly string[]): HomeCard[] {
  return HOME_CARDS.filter((c) => c.roles.some((r) => roles.includes(r)));
}

/** Where a card leads, among the pages that exist; null when none of them does (yet). */
export function resolveLink(card: HomeCard, now: number, pagePaths: readonly string[]): string | null {
  const l = card.link(now);
  if (typeof l === 'string') return l;
  return l.oneOf.find((p) => pagePaths.includes(p)) ?? null;
}
