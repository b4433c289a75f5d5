import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/http';
import type { DirectoryUser } from '../api/types';
import { useStepUpMutation } from '../session/step-up';
import { StepUpPrompt } from '../session/step-up-prompt';
import { ErrorNotice } from '../ui/error-notice';
import { fromLocalInput, toLocalInput } from '../ui/format';
import { CheckFields, checkInputOf, EMPTY_CHECK, type CheckEntry } from './check-fields';
import { clockReadingOf, EMPTY_CLOCK, type ClockEntry } from './clock-entry';
import { ClockReadingFields } from './clock-reading';
import { OfficerPicker } from './officer-picker';
import type { ClockOffset } from './true-time';
import type { Device, IssueInput } from './types';

const HOUR = 3600_000;
/** A shift: the default loan. */
const DEFAULT_HOURS = 10;
const QUICK_HOURS = [4, 8, 12, 24] as const;

/** 领用: hand a device in store to an officer until a due time, with the pre-use check and an optional clock reading. */
export function IssueForm({ device, trueNow, offset, onDone }: { device: Device; trueNow: number | null; offset: ClockOffset | null; onDone: (d: Device) => unknown }) {
  const { t } = useTranslation();
  const id = useId();
  const [officer, setOfficer] = useState<DirectoryUser | null>(null);
  const [due, setDue] = useState(() => toLocalInput(Date.now() + DEFAULT_HOURS * HOUR));
  const [notes, setNotes] = useState('');
  const [check, setCheck] = useState<CheckEntry>(EMPTY_CHECK);
  const [clock, setClock] = useState<ClockEntry>(EMPTY_CLOCK);
  const [problem, setProblem] = useState<string | null>(null);

  const issue = useStepUpMutation({
    mutationFn: (input: IssueInput, headers) => api<Device>(`/api/devices/${device.id}/issue`, { method: 'POST', body: input, headers }),
    onSuccess: (d) => onDone(d),
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const dueAt = fromLocalInput(due);
    const reading = clockReadingOf(clock, Date.now());
    if (!officer) return setProblem(t('devices.issue.pickOfficer'));
    if (dueAt === undefined || dueAt <= Date.now()) return setProblem(t('devices.issue.dueFuture'));
    if (reading === undefined) return setProblem(t('devices.clock.incomplete'));
    setProblem(null);
    const c = checkInputOf(check);
    const withCheck = reading !== null || Object.keys(c).length > 0;
    issue.mutate({ officerId: officer.id, dueAt, ...(notes.trim() ? { notes: notes.trim() } : {}), ...(withCheck ? { check: { ...c, ...(reading ? { clock: reading } : {}) } } : {}) });
  };

  return (
    <section className="desk-form" aria-labelledby={`${id}title`} data-testid="issue-form">
      <h2 id={`${id}title`}>{t('devices.issue.title', { code: device.code })}</h2>
      <form onSubmit={submit} aria-labelledby={`${id}title`}>
        <OfficerPicker value={officer} onChange={setOfficer} />
        <div className="field">
          <label htmlFor={`${id}due`}>{t('devices.issue.due')}</label>
          <input id={`${id}due`} type="datetime-local" required value={due} onChange={(e) => setDue(e.target.value)} />
          <div className="quick-picks" role="group" aria-label={t('devices.issue.quickDue')}>
            {QUICK_HOURS.map((h) => (
              <button key={h} type="button" onClick={() => setDue(toLocalInput(Date.now() + h * HOUR))}>
                {t('devices.issue.inHours', { n: h })}
              </button>
            ))}
          </div>
        </div>
        <fieldset>
          <legend>{t('devices.issue.preUse')}</legend>
          <CheckFields value={check} onChange={setCheck} withDamage={false} />
        </fieldset>
        <ClockReadingFields value={clock} onChange={setClock} trueNow={trueNow} offset={offset} />
        <div className="field">
          <label htmlFor={`${id}notes`}>{t('devices.issue.notes')}</label>
          <input id={`${id}notes`} maxLength={2000} value={notes} onChange={(e) => setNotes(e.target.value)} />
        </div>
        {problem ? (
          <p className="notice notice-error" role="alert">
            {problem}
          </p>
        ) : null}
        {issue.error ? <ErrorNotice error={issue.error} /> : null}
        <button type="submit" className="button-primary button-large" disabled={issue.isPending || issue.stepUp.refusal !== null}>
          {issue.isPending ? t('devices.working') : t('devices.issue.submit')}
        </button>
      </form>
      <StepUpPrompt state={issue.stepUp} />
    </section>
  );
}
