import { useMutation } from '@tanstack/react-query';
import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/http';
import { ErrorNotice } from '../ui/error-notice';
import { CheckFields, checkInputOf, EMPTY_CHECK, type CheckEntry } from './check-fields';
import { clockReadingOf, EMPTY_CLOCK, type ClockEntry } from './clock-entry';
import { ClockReadingFields } from './clock-reading';
import type { ClockOffset } from './true-time';
import { FAULT_CAUSES, type Device, type FaultCause } from './types';

export type DeskAction = 'issue' | 'return' | 'fault' | 'repair' | 'repairDone' | 'inspect' | 'retire';

/** What can be done to a device in its state (the server's rule in src/devices/loan-rules.ts decides; this only offers). */
export function availableActions(d: Pick<Device, 'status' | 'loan'>): DeskAction[] {
  const onLoan = d.loan !== null;
  const out: DeskAction[] = [];
  if (d.status === 'in_store' && !onLoan) out.push('issue');
  if (onLoan) out.push('return');
  if (d.status === 'in_store' || d.status === 'issued') out.push('fault');
  if ((d.status === 'in_store' || d.status === 'faulty') && !onLoan) out.push('repair');
  if (d.status === 'in_repair') out.push('repairDone');
  if (d.status !== 'retired') out.push('inspect');
  if ((d.status === 'in_store' || d.status === 'faulty') && !onLoan) out.push('retire');
  return out;
}

/** A desk form posting one change; the page refreshes the device after it. */
function DeskActionForm<T>({ device, path, title, submitLabel, danger, body, onDone, children, testId }: { device: Device; path: string; title: string; submitLabel: string; danger?: boolean; body: () => T | undefined; onDone: (d: Device) => unknown; children: ReactNode; testId: string }) {
  const { t } = useTranslation();
  const id = useId();
  const [problem, setProblem] = useState<string | null>(null);
  const change = useMutation({ mutationFn: (input: T) => api<Device>(`/api/devices/${device.id}/${path}`, { method: 'POST', body: input }), onSuccess: (d) => onDone(d) });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const input = body();
    if (input === undefined) return setProblem(t('devices.clock.incomplete'));
    setProblem(null);
    change.mutate(input);
  };
  return (
    <section className="desk-form" aria-labelledby={`${id}title`} data-testid={testId}>
      <h2 id={`${id}title`}>{title}</h2>
      <form onSubmit={submit} aria-labelledby={`${id}title`}>
        {children}
        {problem ? (
          <p className="notice notice-error" role="alert">
            {problem}
          </p>
        ) : null}
        {change.error ? <ErrorNotice error={change.error} /> : null}
        <button type="submit" className={danger ? 'button-danger button-large' : 'button-primary button-large'} disabled={change.isPending}>
          {change.isPending ? t('devices.working') : submitLabel}
        </button>
      </form>
    </section>
  );
}

export function FaultForm({ device, onDone }: { device: Device; onDone: (d: Device) => unknown }) {
  const { t } = useTranslation();
  const id = useId();
  const [cause, setCause] = useState<FaultCause>('fault');
  const [text, setText] = useState('');
  return (
    <DeskActionForm device={device} path="faults" testId="fault-form" title={t('devices.fault.title', { code: device.code })} submitLabel={t('devices.fault.submit')} onDone={onDone} body={() => ({ cause, ...(text.trim() ? { description: text.trim() } : {}) })}>
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
      <div className="field">
        <label htmlFor={`${id}text`}>{t('devices.fault.description')}</label>
        <textarea id={`${id}text`} rows={2} maxLength={2000} value={text} onChange={(e) => setText(e.target.value)} />
      </div>
    </DeskActionForm>
  );
}

export function RepairForm({ device, onDone }: { device: Device; onDone: (d: Device) => unknown }) {
  const { t } = useTranslation();
  const id = useId();
  const [repairer, setRepairer] = useState('');
  const [reference, setReference] = useState('');
  const [notes, setNotes] = useState('');
  const opt = (k: string, v: string) => (v.trim() ? { [k]: v.trim() } : {});
  return (
    <DeskActionForm device={device} path="repair" testId="repair-form" title={t('devices.repair.title', { code: device.code })} submitLabel={t('devices.repair.submit')} onDone={onDone} body={() => ({ ...opt('repairer', repairer), ...opt('reference', reference), ...opt('notes', notes) })}>
      <div className="inline-form">
        <div className="field field-grow">
          <label htmlFor={`${id}who`}>{t('devices.repair.repairer')}</label>
          <input id={`${id}who`} maxLength={200} value={repairer} onChange={(e) => setRepairer(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${id}ref`}>{t('devices.repair.reference')}</label>
          <input id={`${id}ref`} maxLength={100} value={reference} onChange={(e) => setReference(e.target.value)} />
        </div>
      </div>
      <div className="field">
        <label htmlFor={`${id}notes`}>{t('devices.repair.notes')}</label>
        <input id={`${id}notes`} maxLength={2000} value={notes} onChange={(e) => setNotes(e.target.value)} />
      </div>
    </DeskActionForm>
  );
}

export function RepairDoneForm({ device, onDone }: { device: Device; onDone: (d: Device) => unknown }) {
  const { t } = useTranslation();
  const id = useId();
  const [outcome, setOutcome] = useState<'repaired' | 'not_repaired'>('repaired');
  const [notes, setNotes] = useState('');
  return (
    <DeskActionForm device={device} path="repair/done" testId="repair-done-form" title={t('devices.repairDone.title', { code: device.code })} submitLabel={t('devices.repairDone.submit')} onDone={onDone} body={() => ({ outcome, ...(notes.trim() ? { notes: notes.trim() } : {}) })}>
      <div className="choices" role="radiogroup" aria-label={t('devices.repairDone.outcome')}>
        {(['repaired', 'not_repaired'] as const).map((o) => (
          <label key={o} className="choice">
            <input type="radio" name={`${id}outcome`} value={o} checked={outcome === o} onChange={() => setOutcome(o)} />
            {t(`devices.repairDone.${o}`)}
          </label>
        ))}
      </div>
      <div className="field">
        <label htmlFor={`${id}notes`}>{t('devices.repairDone.notes')}</label>
        <input id={`${id}notes`} maxLength={2000} value={notes} onChange={(e) => setNotes(e.target.value)} />
      </div>
    </DeskActionForm>
  );
}

export function RetireForm({ device, onDone }: { device: Device; onDone: (d: Device) => unknown }) {
  const { t } = useTranslation();
  const id = useId();
  const [reason, setReason] = useState('');
  return (
    <DeskActionForm device={device} path="retire" testId="retire-form" danger title={t('devices.retire.title', { code: device.code })} submitLabel={t('devices.retire.submit')} onDone={onDone} body={() => ({ reason: reason.trim() })}>
      <p className="notice notice-warn">{t('devices.retire.final')}</p>
      <div className="field">
        <label htmlFor={`${id}reason`}>{t('devices.retire.reason')}</label>
        <input id={`${id}reason`} required maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} />
      </div>
    </DeskActionForm>
  );
}

/** A routine inspection (restarts the maintenance interval), with an optional clock calibration. */
export function InspectionForm({ device, trueNow, offset, onDone }: { device: Device; trueNow: number | null; offset: ClockOffset | null; onDone: (d: Device) => unknown }) {
  const { t } = useTranslation();
  const [check, setCheck] = useState<CheckEntry>(EMPTY_CHECK);
  const [clock, setClock] = useState<ClockEntry>(EMPTY_CLOCK);
  const [failed, setFailed] = useState(false);
  const body = () => {
    const reading = clockReadingOf(clock, Date.now());
    if (reading === undefined) return undefined;
    return { kind: 'inspection' as const, ...checkInputOf(check), passed: !failed, ...(reading ? { clock: reading } : {}) };
  };
  return (
    <DeskActionForm device={device} path="checks" testId="inspect-form" title={t('devices.inspect.title', { code: device.code })} submitLabel={t('devices.inspect.submit')} onDone={onDone} body={body}>
      <CheckFields value={check} onChange={setCheck} />
      <label className="choice">
        <input type="checkbox" checked={failed} onChange={(e) => setFailed(e.target.checked)} />
        {t('devices.inspect.failed')}
      </label>
      <ClockReadingFields value={clock} onChange={setClock} trueNow={trueNow} offset={offset} />
    </DeskActionForm>
  );
}
