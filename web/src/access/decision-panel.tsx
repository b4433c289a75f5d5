import { useMutation } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/http';
import { useStepUpMutation } from '../session/step-up';
import { StepUpPrompt } from '../session/step-up-prompt';
import { ErrorNotice } from '../ui/error-notice';
import { fromLocalInput } from '../ui/format';
import { useRefreshRequests } from './access-api';
import type { AccessRequestView } from './types';

interface ApproveInput {
  recordingIds?: string[];
  expiresAt?: number;
  reason?: string;
}

/**
 * An approver's decision on a pending request: approve (all of it or some recordings, until a
 * chosen time or the site's default), or reject with a reason. The server decides whether this
 * person may (never their own request); its refusal is shown as it comes.
 */
export function DecisionPanel({ request: r }: { request: AccessRequestView }) {
  const { t } = useTranslation();
  const id = useId();
  const refresh = useRefreshRequests();
  const [mode, setMode] = useState<'approve' | 'reject' | null>(null);
  const [chosen, setChosen] = useState<Set<string>>(() => new Set(r.recordings.map((x) => x.id)));
  const [expires, setExpires] = useState('');
  const [remark, setRemark] = useState('');
  const [rejectReason, setRejectReason] = useState('');
  const [problem, setProblem] = useState<string | null>(null);

  const approve = useStepUpMutation({
    mutationFn: (input: ApproveInput, headers) => api<AccessRequestView>(`/api/access-requests/${r.id}/approve`, { method: 'POST', body: input, headers }),
    onSuccess: () => refresh(),
  });
  const reject = useMutation({
    mutationFn: (reason: string) => api<AccessRequestView>(`/api/access-requests/${r.id}/reject`, { method: 'POST', body: { reason } }),
    onSuccess: () => refresh(),
  });

  const submitApprove = (e: FormEvent) => {
    e.preventDefault();
    const expiresAt = expires ? fromLocalInput(expires) : undefined;
    if (chosen.size === 0) return setProblem(t('accessRequests.decide.pickOne'));
    if (expires && (expiresAt === undefined || expiresAt <= Date.now())) return setProblem(t('accessRequests.decide.expiryFuture'));
    setProblem(null);
    const narrowed = chosen.size < r.recordings.length || r.hiddenRecordings > 0;
    approve.mutate({ ...(narrowed ? { recordingIds: [...chosen] } : {}), ...(expiresAt !== undefined ? { expiresAt } : {}), ...(remark.trim() ? { reason: remark.trim() } : {}) });
  };

  return (
    <div className="decision">
      <div className="form-actions" role="group" aria-label={t('accessRequests.decide.label')}>
        <button type="button" className={mode === 'approve' ? 'button-primary' : ''} aria-expanded={mode === 'approve'} onClick={() => setMode(mode === 'approve' ? null : 'approve')}>
          {t('accessRequests.decide.approve')}
        </button>
        <button type="button" className={mode === 'reject' ? 'button-danger' : ''} aria-expanded={mode === 'reject'} onClick={() => setMode(mode === 'reject' ? null : 'reject')}>
          {t('accessRequests.decide.reject')}
        </button>
      </div>
      {mode === 'approve' ? (
        <>
          <form className="decision-form" onSubmit={submitApprove} aria-label={t('accessRequests.decide.approveTitle')}>
            {r.recordings.length > 1 ? (
              <fieldset>
                <legend>{t('accessRequests.decide.which')}</legend>
                {r.recordings.map((rec) => (
                  <label key={rec.id} className="choice">
                    <input
                      type="checkbox"
                      checked={chosen.has(rec.id)}
                      onChange={(e) => {
                        const next = new Set(chosen);
                        if (e.target.checked) next.add(rec.id);
                        else next.delete(rec.id);
                        setChosen(next);
                      }}
                    />
                    {rec.originalName}
                  </label>
                ))}
              </fieldset>
            ) : null}
            <div className="inline-form">
              <div className="field">
                <label htmlFor={`${id}exp`}>{t('accessRequests.decide.expiresAt')}</label>
                <input id={`${id}exp`} type="datetime-local" value={expires} aria-describedby={`${id}exphint`} onChange={(e) => setExpires(e.target.value)} />
                <p className="hint" id={`${id}exphint`}>
                  {t('accessRequests.decide.expiresHint')}
                </p>
              </div>
              <div className="field field-grow">
                <label htmlFor={`${id}remark`}>{t('accessRequests.decide.remark')}</label>
                <input id={`${id}remark`} maxLength={1000} value={remark} onChange={(e) => setRemark(e.target.value)} />
              </div>
            </div>
            {problem ? (
              <p className="notice notice-error" role="alert">
                {problem}
              </p>
            ) : null}
            {approve.error ? <ErrorNotice error={approve.error} title={t('accessRequests.decide.refused')} /> : null}
            <button type="submit" className="button-primary" disabled={approve.isPending || approve.stepUp.refusal !== null}>
              {t('accessRequests.decide.confirmApprove')}
            </button>
          </form>
          <StepUpPrompt state={approve.stepUp} />
        </>
      ) : null}
      {mode === 'reject' ? (
        <form
          className="decision-form"
          aria-label={t('accessRequests.decide.rejectTitle')}
          onSubmit={(e) => {
            e.preventDefault();
            reject.mutate(rejectReason.trim());
          }}
        >
          <div className="field">
            <label htmlFor={`${id}rej`}>{t('accessRequests.decide.rejectReason')}</label>
            <textarea id={`${id}rej`} rows={2} required maxLength={1000} value={rejectReason} onChange={(e) => setRejectReason(e.target.value)} />
          </div>
          {reject.error ? <ErrorNotice error={reject.error} title={t('accessRequests.decide.refused')} /> : null}
          <button type="submit" className="button-danger" disabled={reject.isPending}>
            {t('accessRequests.decide.confirmReject')}
          </button>
        </form>
      ) : null}
    </div>
  );
}

/** End an approved grant now, with a reason (the approver, or anyone with authority to revoke). */
export function RevokePanel({ request: r }: { request: AccessRequestView }) {
  const { t } = useTranslation();
  const id = useId();
  const refresh = useRefreshRequests();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const revoke = useMutation({
    mutationFn: (why: string) => api<AccessRequestView>(`/api/access-requests/${r.id}/revoke`, { method: 'POST', body: { reason: why } }),
    onSuccess: () => refresh(),
  });
  if (!open)
    return (
      <button type="button" onClick={() => setOpen(true)}>
        {t('accessRequests.revoke.open')}
      </button>
    );
  return (
    <form
      className="decision-form"
      aria-label={t('accessRequests.revoke.title')}
      onSubmit={(e) => {
        e.preventDefault();
        revoke.mutate(reason.trim());
      }}
    >
      <div className="field">
        <label htmlFor={`${id}why`}>{t('accessRequests.revoke.reason')}</label>
        <input id={`${id}why`} required maxLength={1000} value={reason} onChange={(e) => setReason(e.target.value)} />
      </div>
      {revoke.error ? <ErrorNotice error={revoke.error} title={t('accessRequests.decide.refused')} /> : null}
      <div className="form-actions">
        <button type="submit" className="button-danger" disabled={revoke.isPending}>
          {t('accessRequests.revoke.submit')}
        </button>
        <button type="button" onClick={() => setOpen(false)}>
          {t('accessRequests.revoke.cancel')}
        </button>
      </div>
    </form>
  );
}
