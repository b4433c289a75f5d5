import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api } from '../api/http';
import { StepUpPrompt, useStepUpMutation } from './step-up-local';
import { ErrorNotice } from '../ui/error-notice';
import { useFormat } from '../ui/format';
import { StatusBadge } from '../ui/status-badge';
import { useUnits } from '../units/use-units';
import { BatchStatusBadge } from './batch-status';
import type { Batch } from './types';
import { personLabel, usePeople } from '../cases/use-people';
import './retention.css';

type Decision = 'approve' | 'reject' | 'restore';

/**
 * One deletion batch (R-DELETE): its recordings and their outcome; an approver approves (never
 * their own proposal; a dynamic password when the settings or the unit's profile ask) or rejects
 * it; within the recovery window it can be restored and nothing of it is deleted.
 */
export default function BatchPage() {
  const { t } = useTranslation();
  const f = useFormat();
  const id = useId();
  const { id: batchId = '' } = useParams();
  const client = useQueryClient();
  const units = useUnits();
  const { byId } = usePeople();
  const [decision, setDecision] = useState<Decision | null>(null);
  const [reason, setReason] = useState('');
  const batch = useQuery({
    queryKey: ['retention', 'batch', batchId],
    queryFn: ({ signal }) => api<Batch>(`/api/retention/batches/${encodeURIComponent(batchId)}`, { signal }),
  });
  const done = async (b: Batch) => {
    client.setQueryData(['retention', 'batch', batchId], b);
    setDecision(null);
    setReason('');
    await client.invalidateQueries({ queryKey: ['retention'] });
  };
  // Approval may need a dynamic password: the step-up mutation asks for it and sends the same request again.
  const approve = useStepUpMutation({
    mutationFn: (body: { reason?: string }, headers) => api<Batch>(`/api/retention/batches/${batchId}/approve`, { method: 'POST', body, headers }),
    onSuccess: done,
  });
  const other = useMutation({
    mutationFn: ({ kind, reason: r }: { kind: 'reject' | 'restore'; reason: string }) => api<Batch>(`/api/retention/batches/${batchId}/${kind}`, { method: 'POST', body: { reason: r } }),
    onSuccess: done,
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (decision === 'approve') approve.mutate(reason.trim() ? { reason: reason.trim() } : {});
    else if (decision) other.mutate({ kind: decision, reason: reason.trim() });
  };
  const b = batch.data;
  const restorable = b?.status === 'approved' && (b.recoveryUntil === null || b.recoveryUntil > Date.now());

  return (
    <div className="page page-batch">
      <p className="breadcrumb">
        <Link to="/retention">{t('retention.batch.back')}</Link>
      </p>
      <h1>{t('retention.batch.title')}</h1>
      {batch.error ? <ErrorNotice error={batch.error} /> : null}
      {batch.isPending ? <p role="status">{t('shell.loading')}</p> : null}
      {b ? (
        <>
          <section className="card" aria-label={t('retention.batch.facts')} data-status={b.status}>
            <p>
              <BatchStatusBadge status={b.status} /> <span className="muted">{t(`retention.batchKind.${b.kind}`)}</span>
            </p>
            <dl className="facts-inline">
              <div className="fact">
                <dt>{t('retention.unit')}</dt>
                <dd>{units.data?.find((u) => u.id === b.unitId)?.name ?? b.unitId}</dd>
              </div>
              <div className="fact">
                <dt>{t('retention.dryRun.recordings')}</dt>
                <dd>{f.number(b.recordings)}</dd>
              </div>
              <div className="fact">
                <dt>{t('retention.dryRun.bytes')}</dt>
                <dd>{f.bytes(b.bytes)}</dd>
              </div>
              <div className="fact">
                <dt>{t('retention.batch.proposed')}</dt>
                <dd>
                  {f.dateTime(b.proposedAt)} · {b.proposedBy ? personLabel(byId, b.proposedBy) : t('retention.batch.system')}
                </dd>
              </div>
              {b.reason ? (
                <div className="fact fact-wide">
                  <dt>{t('retention.batch.reason')}</dt>
                  <dd>{b.reason}</dd>
                </div>
              ) : null}
              {b.decidedAt !== null ? (
                <div className="fact">
                  <dt>{t('retention.batch.decided')}</dt>
                  <dd>
                    {f.dateTime(b.decidedAt)} · {personLabel(byId, b.decidedBy)}
                    {b.decisionReason ? ` · ${b.decisionReason}` : ''}
                  </dd>
                </div>
              ) : null}
              {b.status === 'approved' ? (
                <div className="fact">
                  <dt>{t('retention.batches.recoveryUntil')}</dt>
                  <dd>{f.dateTime(b.recoveryUntil)}</dd>
                </div>
              ) : null}
              {b.restoredAt !== null ? (
                <div className="fact">
                  <dt>{t('retention.batch.restored')}</dt>
                  <dd>
                    {f.dateTime(b.restoredAt)} · {b.restoreReason}
                  </dd>
                </div>
              ) : null}
              {b.executedAt !== null ? (
                <div className="fact">
                  <dt>{t('retention.batch.executed')}</dt>
                  <dd>{f.dateTime(b.executedAt)}</dd>
                </div>
              ) : null}
            </dl>
            {b.status === 'approved' ? <p className="notice notice-warn">{t('retention.batch.recoveryNotice', { until: f.dateTime(b.recoveryUntil) })}</p> : null}
            <div className="form-actions">
              {b.status === 'proposed' ? (
                <>
                  <button type="button" className="button-danger" onClick={() => setDecision('approve')}>
                    {t('retention.batch.approve')}
                  </button>
                  <button type="button" onClick={() => setDecision('reject')}>
                    {t('retention.batch.reject')}
                  </button>
                </>
              ) : null}
              {restorable ? (
                <button type="button" className="button-primary" onClick={() => setDecision('restore')}>
                  {t('retention.batch.restore')}
                </button>
              ) : null}
            </div>
            {decision ? (
              <form className="decision-form" onSubmit={submit} aria-labelledby={`${id}dtitle`}>
                <h2 id={`${id}dtitle`}>{t(`retention.batch.confirm.${decision}`)}</h2>
                <div className="field">
                  <label htmlFor={`${id}reason`}>{decision === 'approve' ? t('retention.batch.reasonOptional') : t('retention.batch.reasonRequired')}</label>
                  <input id={`${id}reason`} required={decision !== 'approve'} maxLength={1000} value={reason} onChange={(e) => setReason(e.target.value)} />
                </div>
                <div className="form-actions">
                  <button type="submit" className={decision === 'approve' ? 'button-danger' : 'button-primary'} disabled={approve.isPending || other.isPending}>
                    {t(`retention.batch.do.${decision}`)}
                  </button>
                  <button type="button" onClick={() => (setDecision(null), approve.reset(), other.reset())}>
                    {t('retention.cancel')}
                  </button>
                </div>
              </form>
            ) : null}
            <StepUpPrompt state={approve.stepUp} />
            {approve.error ? <ErrorNotice error={approve.error} /> : null}
            {other.error ? <ErrorNotice error={other.error} /> : null}
          </section>
          <section className="card" aria-labelledby={`${id}items`}>
            <h2 id={`${id}items`}>{t('retention.batch.items')}</h2>
            <div className="table-scroll">
              <table className="compact">
                <caption className="visually-hidden">{t('retention.batch.items')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('retention.batch.recording')}</th>
                    <th scope="col">SHA-256</th>
                    <th scope="col">{t('retention.dryRun.bytes')}</th>
                    <th scope="col">{t('retention.batch.outcome')}</th>
                  </tr>
                </thead>
                <tbody>
                  {b.items.map((i) => (
                    <tr key={i.recordingId}>
                      <td>
                        <Link to={`/recordings/${i.recordingId}`} className="mono">
                          {i.recordingId}
                        </Link>
                      </td>
                      <td className="mono hash-cell">{i.sha256}</td>
                      <td>{f.bytes(i.size)}</td>
                      <td>
                        <StatusBadge tone={i.outcome === 'deleted' ? 'error' : i.outcome === 'kept' ? 'ok' : 'pending'}>{t(`retention.outcome.${i.outcome}`)}</StatusBadge>
                        {i.keptReason ? <span className="small muted"> {i.keptReason}</span> : null}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
        </>
      ) : null}
    </div>
  );
}
