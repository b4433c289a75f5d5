import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { StatusBadge } from '../ui/status-badge';
import { stepUpStage, type StepUpState } from './step-up';
import './step-up.css';

const STAGES = ['issue_return', 'import', 'approve', 'export', 'delete'] as const;
const isStage = (s: string | null): s is (typeof STAGES)[number] => s !== null && (STAGES as readonly string[]).includes(s);

/**
 * Asks for the dynamic password when the server wants one for this step, then sends the step
 * again with it. Nothing shows while no code is wanted. Without an enrolled authenticator it says
 * where to enrol one (My account).
 */
export function StepUpPrompt({ state }: { state: StepUpState }) {
  const { t } = useTranslation();
  const id = useId();
  const [code, setCode] = useState('');
  const refusal = state.refusal;
  if (!refusal) return null;
  const stage = stepUpStage(refusal);
  const stageName = isStage(stage) ? t(`stepUp.stages.${stage}`) : (stage ?? '');

  if (refusal.code === 'step_up_enrolment_required')
    return (
      <div className="notice notice-warn step-up" role="alert">
        <StatusBadge tone="warn">{t('stepUp.title')}</StatusBadge>
        <div>
          <p>{t('stepUp.enrolFirst', { stage: stageName })}</p>
          <p>
            <Link to="/account#totp">{t('stepUp.enrolLink')}</Link>{' '}
            <button type="button" className="button-quiet" onClick={state.cancel}>
              {t('stepUp.cancel')}
            </button>
          </p>
        </div>
      </div>
    );

  const submit = (e: FormEvent) => {
    e.preventDefault();
    state.submit(code);
    setCode('');
  };
  return (
    <form className="step-up card" onSubmit={submit} aria-labelledby={`${id}title`} data-testid="step-up">
      <h3 id={`${id}title`}>{t('stepUp.title')}</h3>
      <p>{t('stepUp.intro', { stage: stageName })}</p>
      {refusal.code === 'step_up_invalid' ? (
        <p className="notice notice-error" role="alert">
          <StatusBadge tone="error">{t('stepUp.invalid')}</StatusBadge>
        </p>
      ) : null}
      <div className="field">
        <label htmlFor={`${id}code`}>{t('stepUp.code')}</label>
        <input
          id={`${id}code`}
          name="otp"
          inputMode="numeric"
          autoComplete="one-time-code"
          pattern="[0-9]{6}"
          maxLength={6}
          required
          autoFocus
          aria-describedby={`${id}hint`}
          value={code}
          onChange={(e) => setCode(e.target.value.replace(/\D/g, ''))}
        />
        <p className="hint" id={`${id}hint`}>
          {t('stepUp.hint')}
        </p>
      </div>
      <div className="form-actions">
        <button type="submit" className="button-primary" disabled={state.pending}>
          {t('stepUp.submit')}
        </button>
        <button type="button" onClick={state.cancel} disabled={state.pending}>
          {t('stepUp.cancel')}
        </button>
      </div>
    </form>
  );
}
