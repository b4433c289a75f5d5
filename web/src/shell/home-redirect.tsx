import { useTranslation } from 'react-i18next';
import { Navigate } from 'react-router';
import { PAGES } from '../pages';
import { hasAnyRole, useMe } from '../session/session';

/** `/` opens the first page the user's roles see in the navigation. */
export function HomeRedirect() {
  const me = useMe();
  const { t } = useTranslation();
  const first = PAGES.find((p) => p.nav && hasAnyRole(me, p.nav.roles));
  return first ? <Navigate to={first.path} replace /> : <p>{t('shell.noPages')}</p>;
}
