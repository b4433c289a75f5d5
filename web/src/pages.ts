import { lazy, type ComponentType, type LazyExoticComponent } from 'react';
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
  component: LazyExoticComponent<ComponentType>;
  /** Shown in the navigation, to these roles. A page without `nav` is reached by links (detail pages). */
  nav?: { label: NavLabelKey; roles: readonly RoleId[] | 'everyone' };
  /** Desk pages are used standing at a counter, often on a tablet: larger touch targets. */
  desk?: boolean;
}

/** Roles allowed to search recordings (src/identity/policy.ts, `recording.search`). */
const SEARCHERS: readonly RoleId[] = ['officer', 'custodian', 'collector', 'dispatcher', 'approver', 'supervisor'];

export const PAGES: readonly Page[] = [
  { path: '/', component: lazy(() => import('./home/home-page')), nav: { label: 'nav.home', roles: 'everyone' } },
  { path: '/recordings', component: lazy(() => import('./recordings/search-page')), nav: { label: 'nav.recordings', roles: SEARCHERS } },
  { path: '/recordings/:id', component: lazy(() => import('./recordings/detail-page')) },
  { path: '/collection', component: lazy(() => import('./collection/collection-desk-page')), nav: { label: 'nav.collection', roles: ['collector', 'dispatcher'] }, desk: true },
  { path: '/devices', component: lazy(() => import('./devices/devices-desk-page')), nav: { label: 'nav.devices', roles: ['custodian'] }, desk: true },
  { path: '/devices/:id', component: lazy(() => import('./devices/device-page')), desk: true },
  { path: '/access/mine', component: lazy(() => import('./access/my-requests-page')), nav: { label: 'nav.myRequests', roles: ['officer', 'collector', 'dispatcher', 'approver', 'supervisor'] } },
  { path: '/access/approvals', component: lazy(() => import('./access/approvals-page')), nav: { label: 'nav.approvals', roles: ['approver', 'dispatcher', 'supervisor'] } },
  { path: '/access/register', component: lazy(() => import('./access/access-register-page')), nav: { label: 'nav.accessRegister', roles: ['dispatcher', 'approver', 'supervisor'] } },
  { path: '/cases', component: lazy(() => import('./cases/cases-page')), nav: { label: 'nav.cases', roles: ['officer', 'dispatcher', 'approver', 'supervisor'] } },
  { path: '/cases/new', component: lazy(() => import('./cases/case-new-page')) },
  { path: '/cases/:id', component: lazy(() => import('./cases/case-detail-page')) },
  { path: '/cases/:id/sync', component: lazy(() => import('./cases/sync-view-page')) },
  { path: '/retention', component: lazy(() => import('./retention/retention-page')), nav: { label: 'nav.retention', roles: ['dispatcher', 'approver', 'supervisor', 'admin'] } },
  { path: '/retention/batches/:id', component: lazy(() => import('./retention/batch-page')) },
  { path: '/retention/profiles', component: lazy(() => import('./retention/profiles-page')) },
  { path: '/overview', component: lazy(() => import('./dashboard/dashboard-page')), nav: { label: 'nav.overview', roles: ['custodian', 'collector', 'dispatcher', 'approver', 'supervisor'] } },
  { path: '/admin/people', component: lazy(() => import('./admin/people-page')), nav: { label: 'nav.adminPeople', roles: ['admin'] } },
  { path: '/admin/units', component: lazy(() => import('./admin/units-page')), nav: { label: 'nav.adminUnits', roles: ['admin'] } },
  { path: '/admin/settings', component: lazy(() => import('./admin/settings-page')), nav: { label: 'nav.adminSettings', roles: ['admin'] } },
  { path: '/audit', component: lazy(() => import('./audit/audit-page')), nav: { label: 'nav.audit', roles: 'everyone' } },
  { path: '/audit/entries', component: lazy(() => import('./audit/ledger-page')) },
  { path: '/audit/heads', component: lazy(() => import('./audit/heads-page')) },
  { path: '/audit/custody/:type/:id', component: lazy(() => import('./audit/custody-page')) },
  { path: '/account', component: lazy(() => import('./account/account-page')), nav: { label: 'nav.account', roles: 'everyone' } },
];
