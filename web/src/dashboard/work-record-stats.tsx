import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { personLabel, usePeople } from '../cases/use-people';
import { useReasonLabel, useWorkRecordReasons } from '../cases/work-record-reasons';
import { useMe } from '../session/session';
import { useFormat } from '../ui/format';
import type { WorkRecordStats } from './types';

/**
 * Work records of the period (R-INTERRUPT): how many recordings were interrupted or not made, how
 * the head decided, for which reasons, by whom. Tables, not charts: the reasons are words.
 */
export function WorkRecordsSection({ stats, days }: { stats: WorkRecordStats; days: number }) {
  const { t } = useTranslation();
  const f = useFormat();
  const { byId } = usePeople();
  // Reasons worded as the viewer's own regulation words them (a unit subtree usually shares one).
  const known = useWorkRecordReasons(useMe().id).data;
  const label = useReasonLabel();
  const reason = (kind: 'interrupted' | 'not_recorded', id: string) => `${t(`cases.workRecords.kind.${kind}`)} · ${label(id, known ? (kind === 'interrupted' ? known.interrupted : known.notRecorded) : undefined)}`;
  return (
    <section className="card" aria-labelledby="dash-work-records" data-testid="work-record-stats">
      <h2 id="dash-work-records">{t('dashboard.workRecords.title', { n: days })}</h2>
      {stats.total === 0 ? (
        <p className="muted">{t('dashboard.workRecords.none')}</p>
      ) : (
        <>
          <dl className="dash-stats">
            <div className="dash-stat">
              <dt>{t('cases.workRecords.kind.interrupted')}</dt>
              <dd className="dash-number">{f.number(stats.byKind.interrupted)}</dd>
            </div>
            <div className="dash-stat">
              <dt>{t('cases.workRecords.kind.not_recorded')}</dt>
              <dd className="dash-number">{f.number(stats.byKind.notRecorded)}</dd>
            </div>
            <div className="dash-stat">
              <dt>{t('dashboard.workRecords.decided')}</dt>
              <dd>{t('dashboard.workRecords.decisions', { approved: f.number(stats.byStatus.approved), rejected: f.number(stats.byStatus.rejected), pending: f.number(stats.byStatus.pending) })}</dd>
            </div>
          </dl>
          <div className="dash-grid">
            <table className="compact">
              <caption>{t('dashboard.workRecords.byReason')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('cases.workRecords.reason')}</th>
                  <th scope="col">{t('dashboard.workRecords.count')}</th>
                </tr>
              </thead>
              <tbody>
                {stats.byReason.map((r) => (
                  <tr key={`${r.kind}:${r.reason}`}>
                    <td>{reason(r.kind, r.reason)}</td>
                    <td>{f.number(r.count)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <table className="compact">
              <caption>{t('dashboard.workRecords.byOfficer')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('cases.workRecords.officer')}</th>
                  <th scope="col">{t('dashboard.workRecords.count')}</th>
                </tr>
              </thead>
              <tbody>
                {stats.byOfficer.map((o) => (
                  <tr key={o.officerId}>
                    <td>{personLabel(byId, o.officerId)}</td>
                    <td>{f.number(o.count)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p>
            <Link to="/cases">{t('dashboard.workRecords.open')}</Link>
          </p>
        </>
      )}
    </section>
  );
}
