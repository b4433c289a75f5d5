import { useMutation } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/http';
import { useMe } from '../session/session';
import { ErrorNotice } from '../ui/error-notice';
import { useUnits } from '../units/use-units';
import { DEVICE_KINDS, type Device, type DeviceKind, type RegisterInput } from './types';

const DEFAULT_INTERVAL_DAYS = 90;

/** Register a device (R-DEV-REG): its agency number, the serial it stamps into file names, model, kind and unit. */
export function RegisterForm({ onDone }: { onDone: (d: Device) => unknown }) {
  const { t } = useTranslation();
  const id = useId();
  const me = useMe();
  const units = useUnits();
  const top = Math.min(...(units.data ?? []).map((u) => u.depth));
  const [v, setV] = useState({ code: '', serial: '', model: '', assetNumber: '', kind: 'body_worn' as DeviceKind, unitId: '', interval: String(DEFAULT_INTERVAL_DAYS), notes: '' });
  const register = useMutation({ mutationFn: (input: RegisterInput) => api<Device>('/api/devices', { method: 'POST', body: input }), onSuccess: (d) => onDone(d) });
  const opt = (s: string) => (s.trim() ? s.trim() : null);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const interval = v.interval.trim() === '' ? null : Number(v.interval);
    register.mutate({ code: v.code.trim(), serial: opt(v.serial), model: opt(v.model), assetNumber: opt(v.assetNumber), kind: v.kind, unitId: v.unitId || me.unitId, maintenanceIntervalDays: interval, notes: opt(v.notes) });
  };

  return (
    <section className="desk-form" aria-labelledby={`${id}title`} data-testid="register-form">
      <h2 id={`${id}title`}>{t('devices.register.title')}</h2>
      <form onSubmit={submit} aria-labelledby={`${id}title`}>
        <div className="form-grid">
          <div className="field">
            <label htmlFor={`${id}code`}>{t('devices.field.code')}</label>
            <input id={`${id}code`} required maxLength={64} value={v.code} onChange={(e) => setV({ ...v, code: e.target.value })} />
          </div>
          <div className="field">
            <label htmlFor={`${id}serial`}>{t('devices.field.serial')}</label>
            <input id={`${id}serial`} maxLength={32} aria-describedby={`${id}serialHint`} value={v.serial} onChange={(e) => setV({ ...v, serial: e.target.value })} />
            <p className="hint" id={`${id}serialHint`}>
              {t('devices.register.serialHint')}
            </p>
          </div>
          <div className="field">
            <label htmlFor={`${id}model`}>{t('devices.field.model')}</label>
            <input id={`${id}model`} maxLength={100} value={v.model} onChange={(e) => setV({ ...v, model: e.target.value })} />
          </div>
          <div className="field">
            <label htmlFor={`${id}asset`}>{t('devices.field.assetNumber')}</label>
            <input id={`${id}asset`} maxLength={64} value={v.assetNumber} onChange={(e) => setV({ ...v, assetNumber: e.target.value })} />
          </div>
          <div className="field">
            <label htmlFor={`${id}kind`}>{t('devices.field.kind')}</label>
            <select id={`${id}kind`} value={v.kind} onChange={(e) => setV({ ...v, kind: e.target.value as DeviceKind })}>
              {DEVICE_KINDS.map((k) => (
                <option key={k} value={k}>
                  {t(`devices.kind.${k}`)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}unit`}>{t('devices.field.unit')}</label>
            <select id={`${id}unit`} value={v.unitId} onChange={(e) => setV({ ...v, unitId: e.target.value })}>
              <option value="">{t('devices.register.ownUnit')}</option>
              {(units.data ?? []).map((u) => (
                <option key={u.id} value={u.id}>
                  {'\u3000'.repeat(u.depth - top)}
                  {u.name}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}interval`}>{t('devices.field.maintenanceInterval')}</label>
            <input id={`${id}interval`} type="number" min={1} max={3650} step={1} value={v.interval} onChange={(e) => setV({ ...v, interval: e.target.value })} />
          </div>
          <div className="field">
            <label htmlFor={`${id}notes`}>{t('devices.field.notes')}</label>
            <input id={`${id}notes`} maxLength={2000} value={v.notes} onChange={(e) => setV({ ...v, notes: e.target.value })} />
          </div>
        </div>
        {register.error ? <ErrorNotice error={register.error} /> : null}
        <button type="submit" className="button-primary button-large" disabled={register.isPending}>
          {register.isPending ? t('devices.working') : t('devices.register.submit')}
        </button>
      </form>
    </section>
  );
}
