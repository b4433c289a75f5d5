import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, queryString } from '../api/http';
import { ErrorNotice } from '../ui/error-notice';
import { useFormat } from '../ui/format';
import { useUnits } from '../units/use-units';
import { BatchStatusBadge } from './batch-status';
import { BATCH_STATUSES, type BatchStatus, type BatchSummary, type DryRun } from './types';
import './retention.css';

const SHOWN_RECORDINGS = 50;

/** What has expired now (GET /api/retention/expired): totals per unit and bytes; nothing changes. */
function DryRunSection({ unit }: { unit: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  const client = useQueryClient();
  const units = useUnits();
  const unitName = (uid: string) => units.data?.find((u) => u.id === uid)?.name ?? uid;
  const dry = useQuery({
    queryKey: ['retention', 'expired', unit],
    queryFn: ({ signal }) => api<DryRun>(`/api/retention/expired${queryString({ unit })}`, { signal }),
    staleTime: 0,
  });
  const propose = useMutation({
    mutationFn: () => api<{ batchIds: string[] }>('/api/retention/batches', { method: 'POST', body: { kind: 'expired', ...(unit ? { unitId: unit } : {}) } }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['retention'] }),
  });
  const d = dry.data;
  return (
    <section className="card" aria-labelledby="dry-run-title" data-expired={d?.expired ?? ''}>
      <div className="card-head">
        <h2 id="dry-run-title">{t('retention.dryRun.title')}</h2>
        <button type="button" onClick={() => void dry.refetch()} disabled={dry.isFetching}>
          {t('retention.refresh')}
        </button>
      </div>
      <p className="hint">{t('retention.dryRun.intro')}</p>
      {dry.error ? <ErrorNotice error={dry.error} /> : null}
      {dry.isPending ? <p role="status">{t('shell.loading')}</p> : null}
      {d ? (
        <>
          <dl className="facts-inline totals">
            <div className="fact">
              <dt>{t('retention.dryRun.expired')}</dt>
              <dd className="big-number" data-testid="expired-count">
                {f.number(d.expired)}
              </dd>
            </div>
            <div className="fact">
              <dt>{t('retention.dryRun.bytes')}</dt>
              <dd className="big-number">{f.bytes(d.bytes)}</dd>
            </div>
            <div className="fact">
              <dt>{t('retention.dryRun.inBatches')}</dt>
              <dd className="big-number">{f.number(d.inBatches)}</dd>
            </div>
            <div className="fact">
              <dt>{t('retention.dryRun.at')}</dt>
              <dd>{f.dateTime(d.at)}</dd>
            </div>
          </dl>
          {d.byUnit.length > 0 ? (
            <div className="table-scroll">
              <table className="compact">
                <caption>{t('retention.dryRun.byUnit')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('retention.unit')}</th>
                    <th scope="col">{t('retention.dryRun.recordings')}</th>
                    <th scope="col">{t('retention.dryRun.bytes')}</th>
                  </tr>
                </thead>
                <tbody>
                  {d.byUnit.map((u) => (
                    <tr key={u.unitId}>
                      <td>{unitName(u.unitId)}</td>
                      <td>{f.number(u.recordings)}</td>
                      <td>{f.bytes(u.bytes)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
          {d.recordings.length > 0 ? (
            <details className="expired-list">
              <summary>{t('retention.dryRun.list', { n: Math.min(SHOWN_RECORDINGS, d.recordings.length), total: d.expired })}</summary>
              <ul>
                {d.recordings.slice(0, SHOWN_RECORDINGS).map((r) => (
                  <li key={r.id} data-recording={r.id}>
                    <Link to={`/recordings/${r.id}`} className="mono">
                      {r.id}
                    </Link>{' '}
                    · {unitName(r.unitId)} · {f.bytes(r.size)} · {t('retention.dryRun.retainedUntil', { date: f.dateTime(r.retainUntil) })}
                  </li>
                ))}
              </ul>
            </details>
          ) : null}
          <div className="form-actions">
            <button type="button" className="button-primary" disabled={d.expired - d.inBatches <= 0 || propose.isPending} onClick={() => propose.mutate()}>
              {t('retention.dryRun.propose')}
            </button>
          </div>
          {propose.data ? (
            <p className="notice notice-ok" role="status">
              {propose.data.batchIds.length === 0 ? t('retention.dryRun.nothingProposed') : t('retention.dryRun.proposed', { n: propose.data.batchIds.length })}
            </p>
          ) : null}
          {propose.error ? <ErrorNotice error={propose.error} /> : null}
        </>
      ) : null}
    </section>
  );
}

/** Early deletion of named recordings that are not work (R-DELETE), through the same approval. */
function NonWorkSection() {
  const { t } = useTranslation();
  const id = useId();
  const client = useQueryClient();
  const [ids, setIds] = useState('');
  const [reason, setReason] = useState('');
  const propose = useMutation({
    mutationFn: (body: unknown) => api<{ batchIds: string[] }>('/api/retention/batches', { method: 'POST', body }),
    onSuccess: async () => {
      setIds('');
      setReason('');
      await client.invalidateQueries({ queryKey: ['retention'] });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const recordingIds = ids.split(/[\s,，]+/).map((s) => s.trim()).filter(Boolean);
    propose.mutate({ kind: 'non_work', recordingIds, reason: reason.trim() });
  };
  return (
    <section className="card" aria-labelledby={`${id}title`}>
      <details>
        <summary>
          <h2 id={`${id}title`} className="inline-heading">
            {t('retention.nonWork.title')}
          </h2>
        </summary>
        <p className="hint">{t('retention.nonWork.intro')}</p>
        <form onSubmit={submit} className="narrow-form">
          <div className="field">
            <label htmlFor={`${id}ids`}>{t('retention.nonWork.ids')}</label>
            <textarea id={`${id}ids`} required rows={3} value={ids} onChange={(e) => setIds(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor={`${id}reason`}>{t('retention.nonWork.reason')}</label>
            <input id={`${id}reason`} required maxLength={1000} value={reason} onChange={(e) => setReason(e.target.value)} />
          </div>
          {propose.error ? <ErrorNotice error={propose.error} /> : null}
          {propose.data ? (
            <p className="notice notice-ok" role="status">
              {t('retention.dryRun.proposed', { n: propose.data.batchIds.length })}
            </p>
          ) : null}
          <button type="submit" disabled={propose.isPending}>
            {t('retention.nonWork.submit')}
          </button>
        </form>
      </details>
    </section>
  );
}

function BatchesSection() {
  const { t } = useTranslation();
  const f = useFormat();
  const id = useId();
  const units = useUnits();
  const [status, setStatus] = useState<BatchStatus | ''>('');
  const batches = useQuery({
    queryKey: ['retention', 'batches', status],
    queryFn: async ({ signal }) => (await api<{ items: BatchSummary[] }>(`/api/retention/batches${queryString({ status, limit: 200 })}`, { signal })).items,
  });
  return (
    <section className="card" aria-labelledby={`${id}title`}>
      <div className="card-head">
        <h2 id={`${id}title`}>{t('retention.batches.title')}</h2>
        <div className="field">
          <label htmlFor={`${id}status`}>{t('retention.batches.status')}</label>
          <select id={`${id}status`} value={status} onChange={(e) => setStatus(e.target.value as BatchStatus | '')}>
            <option value="">{t('retention.batches.any')}</option>
            {BATCH_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`retention.batchStatus.${s}`)}
              </option>
            ))}
          </select>
        </div>
      </div>
      {batches.error ? <ErrorNotice error={batches.error} /> : null}
      {batches.data?.length === 0 ? <p className="muted">{t('retention.batches.none')}</p> : null}
      {batches.data && batches.data.length > 0 ? (
        <div className="table-scroll">
          <table className="compact batches">
            <caption className="visually-hidden">{t('retention.batches.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('retention.batches.proposedAt')}</th>
                <th scope="col">{t('retention.batches.kind')}</th>
                <th scope="col">{t('retention.unit')}</th>
                <th scope="col">{t('retention.dryRun.recordings')}</th>
                <th scope="col">{t('retention.dryRun.bytes')}</th>
                <th scope="col">{t('retention.batches.status')}</th>
                <th scope="col">{t('retention.batches.recoveryUntil')}</th>
              </tr>
            </thead>
            <tbody>
              {batches.data.map((b) => (
                <tr key={b.id} data-batch={b.id}>
                  <td>
                    <Link to={`/retention/batches/${b.id}`}>{f.dateTime(b.proposedAt)}</Link>
                  </td>
                  <td>{t(`retention.batchKind.${b.kind}`)}</td>
                  <td>{units.data?.find((u) => u.id === b.unitId)?.name ?? b.unitId}</td>
                  <td>{f.number(b.recordings)}</td>
                  <td>{f.bytes(b.bytes)}</td>
                  <td>
                    <BatchStatusBadge status={b.status} />
                  </td>
                  <td>{b.status === 'approved' ? f.dateTime(b.recoveryUntil) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}

/** Retention desk: the dry run of expiry per unit, proposing deletion batches, and every batch with its state. */
export default function RetentionPage() {
  const { t } = useTranslation();
  const id = useId();
  const units = useUnits();
  const [unit, setUnit] = useState('');
  const top = Math.min(...(units.data ?? []).map((u) => u.depth));
  return (
    <div className="page page-retention">
      <div className="page-head">
        <h1>{t('retention.title')}</h1>
        <Link to="/retention/profiles" className="button">
          {t('retention.profilesLink')}
        </Link>
      </div>
      <p className="muted">{t('retention.intro')}</p>
      {units.data && units.data.length > 1 ? (
        <div className="field unit-filter">
          <label htmlFor={`${id}unit`}>{t('retention.unitFilter')}</label>
          <select id={`${id}unit`} value={unit} onChange={(e) => setUnit(e.target.value)}>
            <option value="">{t('retention.unitAll')}</option>
            {units.data.map((u) => (
              <option key={u.id} value={u.id}>
                {'\u3000'.repeat(u.depth - top)}
                {u.name}
              </option>
            ))}
          </select>
        </div>
      ) : null}
      <DryRunSection unit={unit} />
      <BatchesSection />
      <NonWorkSection />
    </div>
  );
}
