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
  { path: '/recordings', component: lazy(() => import('./recordings/search-page')), nav: { label: 'nav.recordings', roles: SEARCHERS } },
  { path: '/recordings/:id', component: lazy(() => import('./recordings/detail-page')) },
  { path: '/collection', component: lazy(() => import('./collection/collection-desk-page')), nav: { label: 'nav.collection', roles: ['collector', 'dispatcher'] }, desk: true },
  { path: '/audit', component: lazy(() => import('./audit/audit-page')), nav: { label: 'nav.audit', roles: 'everyone' } },
  { path: '/account', component: lazy(() => import('./account/account-page')), nav: { label: 'nav.account', roles: 'everyone' } },
];
