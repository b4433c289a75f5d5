import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api/http';
import './demo-banner.css';

/** The password `custodia demo` gives every demo account (src/demo/cast.ts; test/demo.test.ts keeps the two in step). */
export const DEMO_PASSWORD = 'custodia-demo';

/** The command that loads the demo into a folder of its own (the same the server prints on a new site). */
export const DEMO_COMMAND = 'npx custodia demo && npx custodia serve --data ./data-demo';

interface SiteHealth {
  demo: boolean;
  empty: boolean;
}

/** What the server says about the site (GET /api/health): a demo, or still without recordings. Asked once per visit. */
export function useSiteHealth() {
  return useQuery({ queryKey: ['health'], queryFn: ({ signal }) => api<SiteHealth>('/api/health', { signal }), staleTime: Infinity, retry: false });
}

/** On a demo site, a permanent banner: everything here is fictitious. Nothing on a real site. */
export function DemoBanner({ accounts = false }: { accounts?: boolean }) {
  const { t } = useTranslation();
  const health = useSiteHealth();
  if (!health.data?.demo) return null;
  return (
    <div className="demo-banner" role="note" data-demo-banner>
      <strong className="demo-banner-title">{t('demo.banner')}</strong>
      <span>{t('demo.bannerDetail')}</span>
      {accounts ? <span className="demo-banner-accounts">{t('demo.accounts', { password: DEMO_PASSWORD })}</span> : null}
    </div>
  );
}

/** On a site with no recordings yet, how to look at the demo instead (in its own folder). */
export function EmptySiteHint() {
  const { t } = useTranslation();
  const health = useSiteHealth();
  if (!health.data?.empty || health.data.demo) return null;
  return (
    <aside className="notice notice-info demo-hint" aria-label={t('demo.emptyTitle')}>
      <div>
        <strong>{t('demo.emptyTitle')}</strong>
        <p>{t('demo.emptyHint')}</p>
        <code>{DEMO_COMMAND}</code>
      </div>
    </aside>
  );
}
