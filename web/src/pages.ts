import { createElement, lazy, type ComponentType, type FunctionComponent } from 'react';
import { matchPath } from 'react-router';
import type { RoleId } from './api/types';
import type { Catalogue } from './i18n/en';

export type NavLabelKey = `nav.${Extract<keyof Catalogue['nav'], string>}`;

/**
 * One entry per page. Adding a page: write `web/src/<capability>/<name>-page.tsx` with a default
 * export, add its entry here, and add its nav label to both catalogues (web/src/i18n/). The router,
 * the navigation and code splitting follow from this list.
 */
export interface Page {
  /** Route path (react-router syntax, e.g. `/recordings/:id`). */
  path: string;
  /** Loaded on first visit (its own JS chunk). */
  component: PageComponent;
  /** Shown in the navigation, to these roles. A page without `nav` is reached by links (detail pages). */
  nav?: { label: NavLabelKey; roles: readonly RoleId[] | 'everyone' };
  /** Desk pages are used standing at a counter, often on a tablet: larger touch targets. */
  desk?: boolean;
}

/** A page's component, loaded with its chunk on first visit; `preload` starts loading it earlier. */
export type PageComponent = FunctionComponent & { preload(): Promise<void> };

/**
 * Like React's `lazy`, and once the chunk is loaded (e.g. preloaded while the session is being
 * checked) the page renders at once: no loading fallback, so nothing waits for React's 300 ms
 * fallback throttle before the page can even ask for its data.
 */
function lazyPage(load: () => Promise<{ default: ComponentType }>): PageComponent {
  let loaded: ComponentType | undefined;
  let loading: Promise<void> | undefined;
  const preload = () =>
    (loading ??= load().then((m) => {
      loaded = m.default;
    }));
  const Lazy = lazy(async () => {
    await preload();
    return { default: loaded! };
  });
  return Object.assign(() => createElement(loaded ?? Lazy), { preload });
}

/** Roles allowed to search recordings (src/identity/policy.ts, `recording.search`). */
const SEARCHERS: readonly RoleId[] = ['officer', 'custodian', 'collector', 'dispatcher', 'approver', 'supervisor'];

export const PAGES: readonly Page[] = [
  { path: '/', component: lazyPage(() => import('./home/home-page')), nav: { label: 'nav.home', roles: 'everyone' } },
  { path: '/recordings', component: lazyPage(() => import('./recordings/search-page')), nav: { label: 'nav.recordings', roles: SEARCHERS } },
  { path: '/recordings/:id', component: lazyPage(() => import('./recordings/detail-page')) },
  { path: '/collection', component: lazyPage(() => import('./collection/collection-desk-page')), nav: { label: 'nav.collection', roles: ['collector', 'dispatcher'] }, desk: true },
  { path: '/devices', component: lazyPage(() => import('./devices/devices-desk-page')), nav: { label: 'nav.devices', roles: ['custodian'] }, desk: true },
  { path: '/devices/:id', component: lazyPage(() => import('./devices/device-page')), desk: true },
  { path: '/access/mine', component: lazyPage(() => import('./access/my-requests-page')), nav: { label: 'nav.myRequests', roles: ['officer', 'collector', 'dispatcher', 'approver', 'supervisor'] } },
  { path: '/access/approvals', component: lazyPage(() => import('./access/approvals-page')), nav: { label: 'nav.approvals', roles: ['approver', 'dispatcher', 'supervisor'] } },
  { path: '/access/register', component: lazyPage(() => import('./access/access-register-page')), nav: { label: 'nav.accessRegister', roles: ['dispatcher', 'approver', 'supervisor'] } },
  { path: '/cases', component: lazyPage(() => import('./cases/cases-page')), nav: { label: 'nav.cases', roles: ['officer', 'dispatcher', 'approver', 'supervisor'] } },
  { path: '/cases/new', component: lazyPage(() => import('./cases/case-new-page')) },
  { path: '/cases/:id', component: lazyPage(() => import('./cases/case-detail-page')) },
  { path: '/cases/:id/sync', component: lazyPage(() => import('./cases/sync-view-page')) },
  { path: '/retention', component: lazyPage(() => import('./retention/retention-page')), nav: { label: 'nav.retention', roles: ['dispatcher', 'approver', 'supervisor', 'admin'] } },
  { path: '/retention/batches/:id', component: lazyPage(() => import('./retention/batch-page')) },
  { path: '/retention/profiles', component: lazyPage(() => import('./retention/profiles-page')) },
  { path: '/overview', component: lazyPage(() => import('./dashboard/dashboard-page')), nav: { label: 'nav.overview', roles: ['custodian', 'collector', 'dispatcher', 'approver', 'supervisor'] } },
  { path: '/admin/people', component: lazyPage(() => import('./admin/people-page')), nav: { label: 'nav.adminPeople', roles: ['admin'] } },
  { path: '/admin/units', component: lazyPage(() => import('./admin/units-page')), nav: { label: 'nav.adminUnits', roles: ['admin'] } },
  { path: '/admin/settings', component: lazyPage(() => import('./admin/settings-page')), nav: { label: 'nav.adminSettings', roles: ['admin'] } },
  { path: '/audit', component: lazyPage(() => import('./audit/audit-page')), nav: { label: 'nav.audit', roles: 'everyone' } },
  { path: '/audit/entries', component: lazyPage(() => import('./audit/ledger-page')) },
  { path: '/audit/heads', component: lazyPage(() => import('./audit/heads-page')) },
  { path: '/audit/custody/:type/:id', component: lazyPage(() => import('./audit/custody-page')) },
  { path: '/account', component: lazyPage(() => import('./account/account-page')), nav: { label: 'nav.account', roles: 'everyone' } },
];

/** Starts loading the page a visit opens on (e.g. /recordings) while the app is still starting. */
export function preloadPage(pathname: string): void {
  void PAGES.find((p) => matchPath(p.path, pathname))?.component.preload();
}
