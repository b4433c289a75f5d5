import { useTranslation } from 'react-i18next';
import { NavLink } from 'react-router';
import './audit-browser.css';

/** The audit pages' own navigation: heads and checks, the ledger, the signed heads. */
export function AuditNav() {
  const { t } = useTranslation();
  const cls = ({ isActive }: { isActive: boolean }) => (isActive ? 'audit-tab active' : 'audit-tab');
  return (
    <nav className="audit-nav" aria-label={t('auditBrowser.nav.label')}>
      <NavLink to="/audit" end className={cls}>
        {t('auditBrowser.nav.overview')}
      </NavLink>
      <NavLink to="/audit/entries" className={cls}>
        {t('auditBrowser.nav.entries')}
      </NavLink>
      <NavLink to="/audit/heads" className={cls}>
        {t('auditBrowser.nav.heads')}
      </NavLink>
    </nav>
  );
}
