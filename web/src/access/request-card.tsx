import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ACCESS_REASONS } from '../recordings/access-request-form';
import { useFormat } from '../ui/format';
import { StatusBadge } from '../ui/status-badge';
import { useUnits } from '../units/use-units';
import { RequestStateBadge } from './request-state';
import { RetrievalFormLink } from './retrieval-form-link';
import type { AccessRequestView } from './types';

const isReason = (r: string): r is (typeof ACCESS_REASONS)[number] => (ACCESS_REASONS as readonly string[]).includes(r);

/**
 * One access request with everything a decision needs: who asks, why, for what, and each
 * recording in context (file, recorder, officer, corrected time, unit; the file opens its page).
 */
export function RequestCard({ request: r, own, children }: { request: AccessRequestView; own?: boolean; children?: ReactNode }) {
  const { t, i18n } = useTranslation();
  const f = useFormat();
  const units = useUnits();
  const unitName = (id: string) => units.data?.find((u) => u.id === id)?.name ?? '—';
  const reasonName = r.reasonLabel ? (i18n.language.startsWith('zh') ? r.reasonLabel.zh : r.reasonLabel.en) : isReason(r.reason) ? t(`access.reasons.${r.reason}`) : r.reason;

  return (
    <article className="card request-card" aria-labelledby={`req-${r.id}`} data-request={r.id} data-state={r.state}>
      <header className="request-head">
        <h3 id={`req-${r.id}`}>
          {t('accessRequests.card.title', { action: t(`accessRequests.action.${r.action}`), n: r.recordings.length + r.hiddenRecordings })}
        </h3>
        <span className="flags">
          <RequestStateBadge state={r.state} />
          {own ? <StatusBadge tone="info">{t('accessRequests.card.own')}</StatusBadge> : null}
        </span>
      </header>
      <dl className="facts-inline">
        <div className="fact">
          <dt>{t('accessRequests.card.requester')}</dt>
          <dd>
            {r.requester.displayName} <span className="muted small">({r.requester.username}{r.requester.badge ? ` · ${t('accessRequests.card.badge', { badge: r.requester.badge })}` : ''})</span>
          </dd>
        </div>
        <div className="fact">
          <dt>{t('accessRequests.card.requestedAt')}</dt>
          <dd>{f.dateTime(r.requestedAt)}</dd>
        </div>
        <div className="fact fact-wide">
          <dt>{t('accessRequests.card.reason')}</dt>
          <dd>
            <strong>{reasonName}</strong>
            {r.reasonText ? <span className="request-reason-text">{r.reasonText}</span> : null}
          </dd>
        </div>
        {r.case ? (
          <div className="fact fact-wide" data-case={r.case.id}>
            <dt>{t('accessRequests.card.case')}</dt>
            <dd>
              {r.case.number !== null ? (
                <Link to={`/cases/${r.case.id}`}>
                  {r.case.number}
                  {r.case.title ? ` · ${r.case.title}` : ''}
                </Link>
              ) : (
                <span className="muted">{t('accessRequests.card.caseHidden')}</span>
              )}
              <span className="request-reason-text">{t('accessRequests.card.caseAll')}</span>
            </dd>
          </div>
        ) : null}
        {r.requestedUntil !== null ? (
          <div className="fact">
            <dt>{t('accessRequests.card.requestedUntil')}</dt>
            <dd>{f.dateTime(r.requestedUntil)}</dd>
          </div>
        ) : null}
        {r.decidedBy ? (
          <div className="fact">
            <dt>{r.state === 'rejected' ? t('accessRequests.card.rejectedBy') : t('accessRequests.card.approvedBy')}</dt>
            <dd>
              {r.decidedBy.displayName} · {f.dateTime(r.decidedAt)}
              {r.decisionReason ? <span className="request-reason-text">{r.decisionReason}</span> : null}
            </dd>
          </div>
        ) : null}
        {r.expiresAt !== null && r.state !== 'rejected' ? (
          <div className="fact">
            <dt>{t('accessRequests.card.expiresAt')}</dt>
            <dd>{f.dateTime(r.expiresAt)}</dd>
          </div>
        ) : null}
        {r.revokedAt !== null ? (
          <div className="fact">
            <dt>{t('accessRequests.card.revokedBy')}</dt>
            <dd>
              {r.revokedBy?.displayName ?? '—'} · {f.dateTime(r.revokedAt)}
              {r.revokeReason ? <span className="request-reason-text">{r.revokeReason}</span> : null}
            </dd>
          </div>
        ) : null}
      </dl>
      <div className="table-scroll">
        <table className="compact request-recordings">
          <caption className="visually-hidden">{t('accessRequests.card.recordings')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('accessRequests.card.file')}</th>
              <th scope="col">{t('accessRequests.card.device')}</th>
              <th scope="col">{t('accessRequests.card.officer')}</th>
              <th scope="col">{t('accessRequests.card.startedAt')}</th>
              <th scope="col">{t('accessRequests.card.unit')}</th>
              {r.state !== 'pending' && r.state !== 'withdrawn' && r.state !== 'rejected' ? <th scope="col">{t('accessRequests.card.granted')}</th> : null}
            </tr>
          </thead>
          <tbody>
            {r.recordings.map((rec) => (
              <tr key={rec.id}>
                <td className="result-name">
                  <Link to={`/recordings/${rec.id}`}>{rec.originalName}</Link>
                </td>
                <td className="mono">{rec.deviceSerial ?? '—'}</td>
                <td className="mono">{rec.officerBadge ?? '—'}</td>
                <td>{f.dateTime(rec.startedAt)}</td>
                <td>{unitName(rec.unitId)}</td>
                {r.state !== 'pending' && r.state !== 'withdrawn' && r.state !== 'rejected' ? (
                  <td>{rec.granted ? <StatusBadge tone="ok">{t('accessRequests.card.inGrant')}</StatusBadge> : <StatusBadge tone="info">{t('accessRequests.card.notInGrant')}</StatusBadge>}</td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {r.hiddenRecordings > 0 ? <p className="muted small">{t('accessRequests.card.hidden', { n: r.hiddenRecordings })}</p> : null}
      <div className="request-actions">
        <RetrievalFormLink requestId={r.id} />
        {children}
      </div>
    </article>
  );
}
