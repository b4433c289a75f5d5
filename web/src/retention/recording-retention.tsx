import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../api/http';
import { ErrorNotice } from '../ui/error-notice';
import { useFormat } from '../ui/format';
import { StatusBadge } from '../ui/status-badge';
import type { RecordingRetention, RetentionFacet, RetentionRule } from './types';
import { RETENTION_RULES } from './types';
import { parseProfileRef, useBilingual, useProfile } from './use-profiles';
import './retention.css';

const isRule = (r: string): r is RetentionRule => (RETENTION_RULES as readonly string[]).includes(r);

/** A linked case by its number (the case page's own query, so it is cached for the click). */
function CaseLink({ caseId }: { caseId: string }) {
  const c = useQuery({
    queryKey: ['case', caseId],
    queryFn: ({ signal }) => api<{ number: string; title: string }>(`/api/cases/${caseId}`, { signal }),
    retry: false,
  });
  return (
    <Link to={`/cases/${caseId}`} className="case-link">
      {c.data ? `${c.data.number} ${c.data.title}` : caseId}
    </Link>
  );
}

/** A "lift with a reason" button that opens its own small form. */
function LiftButton({ label, onLift, pending }: { label: string; onLift: (reason: string) => void; pending: boolean }) {
  const { t } = useTranslation();
  const id = useId();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  if (!open)
    return (
      <button type="button" onClick={() => setOpen(true)}>
        {label}
      </button>
    );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onLift(reason.trim());
  };
  return (
    <form className="inline-form" onSubmit={submit}>
      <div className="field">
        <label htmlFor={`${id}r`}>{t('retention.recording.liftReason')}</label>
        <input id={`${id}r`} required maxLength={1000} autoFocus value={reason} onChange={(e) => setReason(e.target.value)} />
      </div>
      <button type="submit" disabled={pending}>
        {label}
      </button>
      <button type="button" onClick={() => setOpen(false)}>
        {t('retention.cancel')}
      </button>
    </form>
  );
}

/**
 * The recording's retention on its detail page (R-RETAIN, R-LONGTERM): how long it is kept and
 * why, long-term marks (a reason from the governing profile) and legal holds, each placed and lifted
 * with a reason; the tombstone once deleted; the cases it is linked to; its chain of custody.
 */
export function RecordingRetentionSection({ recordingId }: { recordingId: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  const label = useBilingual();
  const id = useId();
  const client = useQueryClient();
  const rec = useQuery({
    queryKey: ['recording', recordingId],
    queryFn: ({ signal }) => api<RecordingRetention>(`/api/recordings/${encodeURIComponent(recordingId)}`, { signal }),
  });
  const r = rec.data;
  const governing = useQuery({
    queryKey: ['unit-profile', r?.unitId],
    enabled: !!r && r.profileVersion === null,
    queryFn: ({ signal }) => api<{ profileId: string; profileVersion: number }>(`/api/units/${r!.unitId}/profile`, { signal }),
    retry: false,
  });
  const ref = parseProfileRef(r?.profileVersion ?? null) ?? (governing.data ? { id: governing.data.profileId, version: governing.data.profileVersion } : null);
  const profile = useProfile(ref?.id ?? null, ref?.version ?? null);
  const categories = profile.data?.retention.longTerm.categories ?? [];
  const [reasonId, setReasonId] = useState('');
  const [note, setNote] = useState('');
  const [holdReason, setHoldReason] = useState('');
  const [holdRef, setHoldRef] = useState('');

  const onFacet = async (facet: RetentionFacet) => {
    client.setQueryData<RecordingRetention>(['recording', recordingId], (old) => (old ? { ...old, ...facet } : old));
    await client.invalidateQueries({ queryKey: ['retention'] });
  };
  const change = useMutation({
    mutationFn: ({ path, body }: { path: string; body: unknown }) => api<RetentionFacet>(path, { method: 'POST', body }),
    onSuccess: onFacet,
  });
  const mark = (e: FormEvent) => {
    e.preventDefault();
    const reason = reasonId || categories[0]?.id;
    if (reason) change.mutate({ path: `/api/recordings/${recordingId}/long-term`, body: { reasonId: reason, ...(note.trim() ? { note: note.trim() } : {}) } }, { onSuccess: () => setNote('') });
  };
  const hold = (e: FormEvent) => {
    e.preventDefault();
    change.mutate({ path: `/api/recordings/${recordingId}/holds`, body: { reason: holdReason.trim(), ...(holdRef.trim() ? { reference: holdRef.trim() } : {}) } }, { onSuccess: () => (setHoldReason(''), setHoldRef('')) });
  };
  const categoryLabel = (rid: string) => label(categories.find((c) => c.id === rid)?.label) || rid;

  if (!r) return rec.error ? null : <p role="status">{t('shell.loading')}</p>;
  const kept = r.retainUntil === null;
  return (
    <section className="facts facts-wide recording-retention" aria-labelledby={`${id}title`} data-long-term={r.longTerm.length > 0 ? 'yes' : 'no'}>
      <h2 id={`${id}title`}>{t('retention.recording.title')}</h2>
      <dl>
        <div className="fact">
          <dt>{t('retention.recording.retainUntil')}</dt>
          <dd data-retain-until={r.retainUntil ?? 'indefinite'}>
            {r.tombstone ? (
              <StatusBadge tone="error">{t('retention.recording.deletedOn', { date: f.dateTime(r.tombstone.deletedAt) })}</StatusBadge>
            ) : kept ? (
              <StatusBadge tone="info">{t('retention.recording.indefinite')}</StatusBadge>
            ) : (
              <>
                {f.dateTime(r.retainUntil)} {r.retainUntil !== null && r.retainUntil <= Date.now() ? <StatusBadge tone="warn">{t('retention.recording.expired')}</StatusBadge> : null}
              </>
            )}
          </dd>
        </div>
        <div className="fact">
          <dt>{t('retention.recording.basis')}</dt>
          <dd>{r.retentionBasis.length === 0 ? '—' : r.retentionBasis.map((b) => (isRule(b) ? t(`retention.rules.${b}`) : b)).join('；')}</dd>
        </div>
        <div className="fact">
          <dt>{t('retention.recording.profile')}</dt>
          <dd>{profile.data ? `${label(profile.data.name)} (${profile.data.id}@${profile.data.version})` : (r.profileVersion ?? '—')}</dd>
        </div>
        <div className="fact">
          <dt>{t('retention.recording.cases')}</dt>
          <dd>
            {r.caseIds.length === 0
              ? t('retention.recording.noCases')
              : r.caseIds.map((c) => <CaseLink key={c} caseId={c} />)}
          </dd>
        </div>
        <div className="fact">
          <dt>{t('retention.recording.custody')}</dt>
          <dd>
            <Link to={`/audit/custody/recording/${recordingId}`}>{t('retention.recording.custodyLink')}</Link>
          </dd>
        </div>
      </dl>
      {r.tombstone ? (
        <p className="notice notice-info">
          {t('retention.recording.tombstone', { batch: r.tombstone.batchId, reason: r.tombstone.reason })} <Link to={`/retention/batches/${r.tombstone.batchId}`}>{t('retention.recording.batchLink')}</Link>
        </p>
      ) : null}

      <h3>{t('retention.recording.longTerm')}</h3>
      {r.longTerm.length === 0 ? <p className="muted">{t('retention.recording.noMarks')}</p> : null}
      <ul className="marks">
        {r.longTerm.map((m) => (
          <li key={m.id} data-mark={m.id}>
            <StatusBadge tone="info">{t('retention.recording.longTermBadge')}</StatusBadge> {categoryLabel(m.reasonId)} · {f.dateTime(m.markedAt)}
            {m.note ? <span className="muted"> · {m.note}</span> : null}{' '}
            <LiftButton label={t('retention.recording.liftMark')} pending={change.isPending} onLift={(reason) => change.mutate({ path: `/api/long-term-marks/${m.id}/lift`, body: { reason } })} />
          </li>
        ))}
      </ul>
      {!r.tombstone && categories.length > 0 ? (
        <form className="inline-form" onSubmit={mark} aria-label={t('retention.recording.markTitle')}>
          <div className="field">
            <label htmlFor={`${id}reason`}>{t('retention.recording.markReason')}</label>
            <select id={`${id}reason`} value={reasonId || categories[0]?.id} onChange={(e) => setReasonId(e.target.value)}>
              {categories.map((c) => (
                <option key={c.id} value={c.id}>
                  {label(c.label)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}note`}>{t('retention.recording.markNote')}</label>
            <input id={`${id}note`} maxLength={1000} value={note} onChange={(e) => setNote(e.target.value)} />
          </div>
          <button type="submit" className="button-primary" disabled={change.isPending}>
            {t('retention.recording.mark')}
          </button>
        </form>
      ) : null}
      {!r.tombstone && profile.isSuccess && categories.length === 0 ? <p className="hint">{t('retention.recording.noCategories')}</p> : null}

      <h3>{t('retention.recording.holds')}</h3>
      {r.holds.length === 0 ? <p className="muted">{t('retention.recording.noHolds')}</p> : null}
      <ul className="marks">
        {r.holds.map((h) => (
          <li key={h.id} data-hold={h.id}>
            <StatusBadge tone="warn">{t('retention.recording.holdBadge')}</StatusBadge> {h.reason}
            {h.reference ? <span className="mono"> · {h.reference}</span> : null} · {f.dateTime(h.placedAt)}{' '}
            <LiftButton label={t('retention.recording.liftHold')} pending={change.isPending} onLift={(reason) => change.mutate({ path: `/api/holds/${h.id}/lift`, body: { reason } })} />
          </li>
        ))}
      </ul>
      {!r.tombstone ? (
        <form className="inline-form" onSubmit={hold} aria-label={t('retention.recording.holdTitle')}>
          <div className="field">
            <label htmlFor={`${id}hold`}>{t('retention.recording.holdReason')}</label>
            <input id={`${id}hold`} required maxLength={1000} value={holdReason} onChange={(e) => setHoldReason(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor={`${id}ref`}>{t('retention.recording.holdReference')}</label>
            <input id={`${id}ref`} maxLength={200} value={holdRef} onChange={(e) => setHoldRef(e.target.value)} />
          </div>
          <button type="submit" disabled={change.isPending}>
            {t('retention.recording.hold')}
          </button>
        </form>
      ) : null}
      {change.error ? <ErrorNotice error={change.error} /> : null}
    </section>
  );
}
