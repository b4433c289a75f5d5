import { useMutation } from '@tanstack/react-query';
import { Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { NavLink, Outlet, useMatches, useNavigate } from 'react-router';
import { api } from '../api/http';
import { ROLE_IDS, type RoleId } from '../api/types';
import { PAGES } from '../pages';
import { hasAnyRole, useForgetSession, useMe } from '../session/session';
import { ErrorNotice } from '../ui/error-notice';
import { DemoBanner } from './demo-banner';
import { LocaleSwitcher } from './locale-switcher';
import { siteName } from './site-name';

const isRole = (r: string): r is RoleId => (ROLE_IDS as readonly string[]).includes(r);

/** Header (site, user, language, sign-out), the navigation the user's roles see, and the page. */
export function AppShell() {
  const { t } = useTranslation();
  const me = useMe();
  const navigate = useNavigate();
  const forget = useForgetSession();
  const matches = useMatches();
  const desk = matches.some((m) => PAGES.some((p) => p.desk && p.path === m.id));
  const nav = PAGES.filter((p) => p.nav && hasAnyRole(me, p.nav.roles));

  const signOut = useMutation({
    mutationFn: () => api<void>('/api/auth/logout', { method: 'POST' }),
    onSuccess: async () => {
      forget();
      await navigate('/sign-in', { replace: true });
    },
  });

  return (
    <div className={desk ? 'shell shell-desk' : 'shell'}>
      <a className="skip-link" href="#main">
        {t('shell.skipToContent')}
      </a>
      <DemoBanner />
      <header className="shell-header">
        <div className="shell-brand">
          <span className="shell-logo" aria-hidden="true" />
          <span className="shell-site">{siteName()}</span>
          <span className="shell-product">{t('app.product')}</span>
        </div>
        <div className="shell-tools">
          <LocaleSwitcher />
          <div className="shell-user" aria-label={t('shell.signedInAs')}>
            <span className="shell-user-name">{me.displayName}</span>
            <span className="shell-user-roles">{me.roles.map((r) => (isRole(r) ? t(`roles.${r}`) : r)).join(' · ')}</span>
          </div>
          <button type="button" className="button-quiet" onClick={() => signOut.mutate()} disabled={signOut.isPending}>
            {t('shell.signOut')}
          </button>
        </div>
      </header>
      <nav className="shell-nav" aria-label={t('shell.mainNav')}>
        <ul>
          {nav.map((p) => (
            <li key={p.path}>
              <NavLink to={p.path} className={({ isActive }) => (isActive ? 'nav-link active' : 'nav-link')}>
                {p.nav ? t(p.nav.label) : null}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      {signOut.error ? <ErrorNotice error={signOut.error} /> : null}
      <main className="shell-main" id="main" tabIndex={-1}>
        <Suspense fallback={<p className="loading" role="status">{t('shell.loading')}</p>}>
          <Outlet />
        </Suspense>
      </main>
    </div>
  );
}
