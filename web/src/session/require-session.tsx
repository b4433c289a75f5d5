import { useTranslation } from 'react-i18next';
import { Navigate, useLocation } from 'react-router';
import { AppShell } from '../shell/app-shell';
import { ErrorNotice } from '../ui/error-notice';
import { MeContext, useMeQuery } from './session';

/** The signed-in part of the app: asks who is signed in, sends everyone else to the sign-in page. */
export function RequireSession() {
  const { t } = useTranslation();
  const me = useMeQuery();
  const location = useLocation();
  if (me.isPending) return <p className="loading" role="status">{t('shell.loading')}</p>;
  if (me.error) return <ErrorNotice error={me.error} />;
  if (!me.data) return <Navigate to={`/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  if (me.data.mustChangePassword && location.pathname !== '/account') return <Navigate to="/account" replace />;
  return (
    <MeContext.Provider value={me.data}>
      <AppShell />
    </MeContext.Provider>
  );
}
