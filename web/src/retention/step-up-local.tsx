import { useMutation } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/http';
import { StatusBadge } from '../ui/status-badge';

/**
 * A local dynamic-password (R-STEPUP) retry for approving deletion batches. The shared helper
 * (web/src/session/step-up*) was still being written when this page landed; once it is in, this
 * file gives way to it. The server answers 403 `step_up_required` (or `step_up_invalid`,
 * `step_up_enrolment_required`) until the request carries a fresh code in `X-Custodia-OTP`.
 */
const CODES = ['step_up_required', 'step_up_invalid', 'step_up_enrolment_required'];
const isStepUp = (e: unknown): e is ApiError => e instanceof ApiError && e.status === 403 && CODES.includes(e.code);

export interface StepUpState {
  refusal: ApiError | null;
  submit: (code: string) => void;
  cancel: () => void;
  pending: boolean;
}

export function useStepUpMutation<TData, TVars>(options: { mutationFn: (vars: TVars, headers: Record<string, string>) => Promise<TData>; onSuccess?: (data: TData) => unknown }) {
  const [waiting, setWaiting] = useState<{ vars: TVars; refusal: ApiError } | null>(null);
  const m = useMutation({
    mutationFn: ({ vars, otp }: { vars: TVars; otp?: string }) => options.mutationFn(vars, otp ? { 'X-Custodia-OTP': otp } : {}),
    onSuccess: async (data) => {
      setWaiting(null);
      await options.onSuccess?.(data);
    },
    onError: (e, v) => setWaiting(isStepUp(e) ? { vars: v.vars, refusal: e } : null),
  });
  const stepUp: StepUpState = {
    refusal: waiting?.refusal ?? null,
    submit: (code) => waiting && m.mutate({ vars: waiting.vars, otp: code.trim() }),
    cancel: () => {
      setWaiting(null);
      m.reset();
    },
    pending: m.isPending,
  };
  return {
    mutate: (vars: TVars) => m.mutate({ vars }),
    reset: () => (setWaiting(null), m.reset()),
    isPending: m.isPending,
    error: m.error && !isStepUp(m.error) ? m.error : null,
    stepUp,
  };
}

/** Asks for the dynamic password when the server wants one, then sends the same request again. */
export function StepUpPrompt({ state }: { state: StepUpState }) {
  const { t } = useTranslation();
  const id = useId();
  const [code, setCode] = useState('');
  const r = state.refusal;
  if (!r) return null;
  if (r.code === 'step_up_enrolment_required')
    return (
      <p className="notice notice-warn" role="alert">
        <StatusBadge tone="warn">{t('retention.stepUp.title')}</StatusBadge> {t('retention.stepUp.enrol')}
      </p>
    );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    state.submit(code);
    setCode('');
  };
  return (
    <form className="card step-up" onSubmit={submit} aria-labelledby={`${id}t`} data-testid="step-up">
      <h3 id={`${id}t`}>{t('retention.stepUp.title')}</h3>
      <p>{t('retention.stepUp.intro')}</p>
      {r.code === 'step_up_invalid' ? (
        <p className="notice notice-error" role="alert">
          <StatusBadge tone="error">{t('retention.stepUp.invalid')}</StatusBadge>
        </p>
      ) : null}
      <div className="field">
        <label htmlFor={`${id}c`}>{t('retention.stepUp.code')}</label>
        <input id={`${id}c`} inputMode="numeric" autoComplete="one-time-code" pattern="[0-9]{6}" maxLength={6} required autoFocus value={code} onChange={(e) => setCode(e.target.value)} />
      </div>
      <div className="form-actions">
        <button type="submit" className="button-primary" disabled={state.pending}>
          {t('retention.stepUp.submit')}
        </button>
        <button type="button" onClick={() => state.cancel()}>
          {t('retention.cancel')}
        </button>
      </div>
    </form>
  );
}
