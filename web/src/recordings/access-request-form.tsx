import { useMutation } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../api/http';
import type { AccessRequestInput } from '../api/types';
import { ErrorNotice } from '../ui/error-notice';
import { StatusBadge } from '../ui/status-badge';

/** Reasons a viewing may be asked for (R-ACCESS; the server's list in src/access/reasons.ts); "other" needs words. */
export const ACCESS_REASONS = ['complaint', 'reconsideration_litigation', 'quality_assessment', 'court_procuratorate', 'case_handling', 'other'] as const;
type Reason = (typeof ACCESS_REASONS)[number];

/** Ask for a viewing of one recording, from where the user stands (the refused player). */
export function AccessRequestForm({ recordingId, onRequested }: { recordingId: string; onRequested: () => void }) {
  const { t } = useTranslation();
  const id = useId();
  const [reason, setReason] = useState<Reason>('complaint');
  const [text, setText] = useState('');
  const request = useMutation({
    mutationFn: (input: AccessRequestInput) => api<{ id: string }>('/api/access-requests', { method: 'POST', body: input }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    request.mutate(
      { recordingIds: [recordingId], action: 'view', reason, ...(text.trim() ? { reasonText: text.trim() } : {}) },
      { onSuccess: onRequested },
    );
  };

  if (request.data)
    return (
      <p className="notice notice-ok" role="status">
        <StatusBadge tone="pending">{t('access.submitted')}</StatusBadge> <span className="mono small">{request.data.id}</span>
      </p>
    );
  const unavailable = request.error instanceof ApiError && request.error.code === 'http_404';

  return (
    <form className="access-request" onSubmit={submit} aria-labelledby={`${id}title`}>
      <h3 id={`${id}title`}>{t('access.title')}</h3>
      <div className="field">
        <label htmlFor={`${id}reason`}>{t('access.reason')}</label>
        <select id={`${id}reason`} value={reason} onChange={(e) => setReason(e.target.value as Reason)}>
          {ACCESS_REASONS.map((r) => (
            <option key={r} value={r}>
              {t(`access.reasons.${r}`)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}text`}>{reason === 'other' ? t('access.reasonTextRequired') : t('access.reasonText')}</label>
        <textarea id={`${id}text`} rows={3} maxLength={1000} required={reason === 'other'} value={text} onChange={(e) => setText(e.target.value)} />
      </div>
      {unavailable ? (
        <p className="notice notice-warn" role="alert">
          <StatusBadge tone="warn">{t('access.unavailable')}</StatusBadge>
        </p>
      ) : request.error ? (
        <ErrorNotice error={request.error} />
      ) : null}
      <button type="submit" className="button-primary" disabled={request.isPending}>
        {request.isPending ? t('access.submitting') : t('access.submit')}
      </button>
    </form>
  );
}
