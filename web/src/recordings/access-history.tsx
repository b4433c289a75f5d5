import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ApiError, api, queryString } from '../api/http';
import type { AccessUse } from '../api/types';
import { ErrorNotice } from '../ui/error-notice';
import { useFormat } from '../ui/format';
import { ACCESS_REASONS } from './access-request-form';

const SHOWN = 20;
/** Content actions as the register names them → their words. */
const USE_KEY = { 'recording.view': 'view', 'recording.download': 'download', 'recording.export': 'export', 'recording.delete': 'delete' } as const;
const useKey = (action: string) => (Object.hasOwn(USE_KEY, action) ? USE_KEY[action as keyof typeof USE_KEY] : null);
const isOneOf = <T extends string>(list: readonly T[], v: string | null): v is T => v !== null && (list as readonly string[]).includes(v);

/**
 * Who used this recording's content, when and why (查阅登记, from the access register), each use
 * linked to its ledger entry so it can be verified on the audit page.
 */
export function AccessHistory({ recordingId }: { recordingId: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  const uses = useQuery({
    queryKey: ['recording', recordingId, 'access-register'],
    queryFn: ({ signal }) => api<{ items: AccessUse[] }>(`/api/access-register${queryString({ recording: recordingId, limit: SHOWN })}`, { signal }),
  });

  return (
    <section className="facts facts-wide" aria-labelledby="access-history">
      <h2 id="access-history">{t('history.title')}</h2>
      {uses.isPending ? <p role="status">{t('shell.loading')}</p> : null}
      {uses.error instanceof ApiError && (uses.error.status === 403 || uses.error.status === 404) ? (
        <p className="muted">{t('history.notForYou')}</p>
      ) : uses.error ? (
        <ErrorNotice error={uses.error} />
      ) : null}
      {uses.data && uses.data.items.length === 0 ? <p className="muted">{t('history.none')}</p> : null}
      {uses.data && uses.data.items.length > 0 ? (
        <div className="table-scroll">
          <table className="compact">
            <thead>
              <tr>
                <th scope="col">{t('history.at')}</th>
                <th scope="col">{t('history.who')}</th>
                <th scope="col">{t('history.use')}</th>
                <th scope="col">{t('history.reason')}</th>
                <th scope="col">{t('history.range')}</th>
                <th scope="col">{t('history.ledger')}</th>
              </tr>
            </thead>
            <tbody>
              {uses.data.items.map((u) => (
                <tr key={u.id}>
                  <td>{f.dateTime(u.at)}</td>
                  <td>
                    {u.user.displayName} <span className="muted small">({u.user.username})</span>
                  </td>
                  <td>{useKey(u.action) ? t(`history.uses.${useKey(u.action)!}`) : u.action}</td>
                  <td>
                    {isOneOf(ACCESS_REASONS, u.reason) ? t(`access.reasons.${u.reason}`) : (u.reason ?? '—')}
                    {u.reasonText ? <div className="muted small">{u.reasonText}</div> : null}
                  </td>
                  <td className="mono small">{u.range ?? '—'}</td>
                  <td>
                    <Link to={`/audit?seq=${u.ledgerSeq}`}>
                      #{u.ledgerSeq}
                      <span className="visually-hidden"> {t('history.verifyEntry', { seq: u.ledgerSeq })}</span>
                    </Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {uses.data && uses.data.items.length >= SHOWN ? <p className="muted small">{t('history.newestOnly', { n: SHOWN })}</p> : null}
    </section>
  );
}
