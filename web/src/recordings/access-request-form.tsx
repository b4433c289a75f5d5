import { useMutation, useQuery } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useMatch } from 'react-router';
import { ApiError, api, queryString } from '../api/http';
import { ErrorNotice } from '../ui/error-notice';
import { StatusBadge } from '../ui/status-badge';

/** The fixed list of reasons (R-ACCESS; the server's fallback in src/access/reasons.ts, where no regulation profile speaks); "other" needs words. */
export const ACCESS_REASONS = ['complaint', 'reconsideration_litigation', 'quality_assessment', 'court_procuratorate', 'case_handling', 'other'] as const;

/** A reason the server offers (GET /api/access-reasons): the governing regulation's list, with its labels. */
export interface AccessReasonOption {
  id: string;
  label: { zh: string; en: string };
  requiresText: boolean;
}

/** A new request as POST /api/access-requests takes it: named recordings, or all of a case's. */
type NewRequest = ({ recordingIds: string[] } | { caseId: string }) & { action: 'view'; reason: string; reasonText?: string };

/**
 * Ask for a viewing — of one recording from where the user stands (the refused player), or of all
 * the recordings of a case the user may know about (on a case's pages, or given `caseId`). The
 * reasons are the governing regulation's, as the server lists them for those recordings.
 */
export function AccessRequestForm({ recordingId, caseId, onRequested }: { recordingId?: string; caseId?: string; onRequested?: () => void }) {
  const { t, i18n } = useTranslation();
  const id = useId();
  // On a case's pages (its detail or its synchronized view) the request may cover the whole case.
  const onCase = useMatch('/cases/:caseId/*')?.params.caseId;
  const caseOfPage = caseId ?? (onCase && onCase !== 'new' ? onCase : undefined);
  const [wholeCase, setWholeCase] = useState(recordingId === undefined);
  const forCase = caseOfPage !== undefined && (wholeCase || recordingId === undefined);
  const [reason, setReason] = useState('');
  const [text, setText] = useState('');

  const reasons = useQuery({
    queryKey: ['access-reasons', forCase ? `case:${caseOfPage}` : `recording:${recordingId}`],
    queryFn: ({ signal }) => api<{ items: AccessReasonOption[]; profiles: string[] }>(`/api/access-reasons${queryString(forCase ? { case: caseOfPage } : { recordings: recordingId })}`, { signal }),
    enabled: forCase || recordingId !== undefined,
    retry: false,
    staleTime: 60_000,
  });
  const fixed: AccessReasonOption[] = ACCESS_REASONS.map((r) => ({ id: r, label: { zh: '', en: '' }, requiresText: r === 'other' }));
  const options = reasons.data?.items ?? fixed;
  const chosen = options.find((o) => o.id === reason) ?? options[0];
  const labelOf = (o: AccessReasonOption) => (o.label.zh || o.label.en ? (i18n.language.startsWith('zh') ? o.label.zh : o.label.en) : t(`access.reasons.${o.id as (typeof ACCESS_REASONS)[number]}`));
  const needsText = chosen?.requiresText ?? false;

  const request = useMutation({
    mutationFn: (input: NewRequest) => api<{ id: string; recordings: unknown[] }>('/api/access-requests', { method: 'POST', body: input }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!chosen) return;
    const target = forCase && caseOfPage !== undefined ? { caseId: caseOfPage } : recordingId !== undefined ? { recordingIds: [recordingId] } : null;
    if (!target) return;
    request.mutate({ ...target, action: 'view', reason: chosen.id, ...(text.trim() ? { reasonText: text.trim() } : {}) }, { onSuccess: () => onRequested?.() });
  };

  if (request.data)
    return (
      <p className="notice notice-ok" role="status">
        <StatusBadge tone="pending">{t('access.submitted')}</StatusBadge>{' '}
        {forCase ? <span>{t('access.caseSubmitted', { n: request.data.recordings.length })} </span> : null}
        <span className="mono small">{request.data.id}</span>
      </p>
    );
  const unavailable = request.error instanceof ApiError && request.error.code === 'http_404';

  return (
    <form className="access-request" onSubmit={submit} aria-labelledby={`${id}title`}>
      <h3 id={`${id}title`}>{forCase ? t('access.titleCase') : t('access.title')}</h3>
      {caseOfPage !== undefined && recordingId !== undefined ? (
        <fieldset className="field">
          <legend>{t('access.scope')}</legend>
          <label>
            <input type="radio" name={`${id}scope`} checked={!wholeCase} onChange={() => setWholeCase(false)} /> {t('access.scopeRecording')}
          </label>
          <label>
            <input type="radio" name={`${id}scope`} checked={wholeCase} onChange={() => setWholeCase(true)} /> {t('access.scopeCase')}
          </label>
        </fieldset>
      ) : null}
      {forCase ? <p className="muted small">{t('access.caseHint')}</p> : null}
      <div className="field">
        <label htmlFor={`${id}reason`}>{t('access.reason')}</label>
        <select id={`${id}reason`} value={chosen?.id ?? ''} onChange={(e) => setReason(e.target.value)} disabled={reasons.isPending && reasons.fetchStatus !== 'idle'}>
          {options.map((o) => (
            <option key={o.id} value={o.id}>
              {labelOf(o)}
            </option>
          ))}
        </select>
        {reasons.data && reasons.data.profiles.length > 0 ? <span className="muted small">{t('access.reasonsFromProfile', { profiles: reasons.data.profiles.join(', ') })}</span> : null}
      </div>
      <div className="field">
        <label htmlFor={`${id}text`}>{needsText ? t('access.reasonTextRequired') : t('access.reasonText')}</label>
        <textarea id={`${id}text`} rows={3} maxLength={1000} required={needsText} value={text} onChange={(e) => setText(e.target.value)} />
      </div>
      {reasons.error instanceof ApiError && reasons.error.code !== 'http_404' ? <ErrorNotice error={reasons.error} /> : null}
      {unavailable ? (
        <p className="notice notice-warn" role="alert">
          <StatusBadge tone="warn">{t('access.unavailable')}</StatusBadge>
        </p>
      ) : request.error ? (
        <ErrorNotice error={request.error} />
      ) : null}
      <button type="submit" className="button-primary" disabled={request.isPending || !chosen}>
        {request.isPending ? t('access.submitting') : t('access.submit')}
      </button>
    </form>
  );
}
