import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/http';
import { useStepUpMutation } from '../session/step-up';
import { StepUpPrompt } from '../session/step-up-prompt';
import { ErrorNotice } from '../ui/error-notice';
import { useFormat } from '../ui/format';
import { StatusBadge } from '../ui/status-badge';
import { CheckFields, checkInputOf, EMPTY_CHECK, type CheckEntry } from './check-fields';
import { clockReadingOf, EMPTY_CLOCK, type ClockEntry } from './clock-entry';
import { ClockReadingFields } from './clock-reading';
import type { ClockOffset } from './true-time';
import { FAULT_CAUSES, type Device, type FaultCause, type ReturnInput } from './types';

/**
 * 归还: take a device back with the return inspection (battery, storage, damage) and the clock
 * calibration; a device found unusable goes to faulty with its cause.
 */
export function ReturnForm({ device, trueNow, offset, onDone }: { device: Device; trueNow: number | null; offset: ClockOffset | null; onDone: (d: Device) => unknown }) {
  const { t } = useTranslation();
  const f = useFormat();
  const id = useId();
  const [check, setCheck] = useState<CheckEntry>(EMPTY_CHECK);
  const [clock, setClock] = useState<ClockEntry>({ ...EMPTY_CLOCK, mode: 'deviceTime' });
  const [unusable, setUnusable] = useState(false);
  const [cause, setCause] = useState<FaultCause>('fault');
  const [causeText, setCauseText] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const loan = device.loan;

  const ret = useStepUpMutation({
    mutationFn: (input: ReturnInput, headers) => api<Device>(`/api/devices/${device.id}/return`, { method: 'POST', body: input, headers }),
    onSuccess: (d) => onDone(d),
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const reading = clockReadingOf(clock, Date.now());
    if (reading === undefined) return setProblem(t('devices.clock.incomplete'));
    setProblem(null);
    ret.mutate({
      ...checkInputOf(check),
      ...(reading ? { clock: reading } : {}),
      ...(unusable ? { passed: false, unusable: { cause, ...(causeText.trim() ? { description: causeText.trim() } : {}) } } : {}),
    });
  };

  return (
    <section className="desk-form" aria-labelledby={`${id}title`} data-testid="return-form">
      <h2 id={`${id}title`}>{t('devices.return.title', { code: device.code })}</h2>
      {loan ? (
        <p className="loan-summary">
          {t('devices.return.heldBy', { name: loan.officer?.name ?? '—', badge: loan.officer?.badge ?? '—', issued: f.dateTime(loan.issuedAt), due: f.dateTime(loan.dueAt) })}{' '}
          {loan.overdue ? <StatusBadge tone="error">{t('devices.overdueFlag')}</StatusBadge> : null}
        </p>
      ) : null}
      <form onSubmit={submit} aria-labelledby={`${id}title`}>
        <fieldset>
          <legend>{t('devices.return.inspection')}</legend>
          <CheckFields value={check} onChange={setCheck} />
          <label className="choice">
            <input type="checkbox" checked={unusable} onChange={(e) => setUnusable(e.target.checked)} />
            {t('devices.return.unusable')}
          </label>
          {unusable ? (
            <div className="inline-form">
              <div className="field">
                <label htmlFor={`${id}cause`}>{t('devices.fault.cause')}</label>
                <select id={`${id}cause`} value={cause} onChange={(e) => setCause(e.target.value as FaultCause)}>
                  {FAULT_CAUSES.map((c) => (
                    <option key={c} value={c}>
                      {t(`devices.faultCause.${c}`)}
                    </option>
                  ))}
                </select>
              </div>
              <div className="field field-grow">
                <label htmlFor={`${id}ctext`}>{t('devices.fault.description')}</label>
                <input id={`${id}ctext`} maxLength={2000} value={causeText} onChange={(e) => setCauseText(e.target.value)} />
              </div>
            </div>
          ) : null}
        </fieldset>
        <ClockReadingFields value={clock} onChange={setClock} trueNow={trueNow} offset={offset} />
        {problem ? (
          <p className="notice notice-error" role="alert">
            {problem}
          </p>
        ) : null}
        {ret.error ? <ErrorNotice error={ret.error} /> : null}
        <button type="submit" className="button-primary button-large" disabled={ret.isPending || ret.stepUp.refusal !== null}>
          {ret.isPending ? t('devices.working') : t('devices.return.submit')}
        </button>
      </form>
      <StepUpPrompt state={ret.stepUp} />
    </section>
  );
}
