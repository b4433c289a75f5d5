import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { STORAGE_STATES, type CheckInput, type StorageState } from './types';

/** The inspection facts a custodian notes at issue, return or a routine check (R-DEV-CHECK), as typed. */
export interface CheckEntry {
  battery: string;
  storage: StorageState | '';
  damage: string;
  notes: string;
}

export const EMPTY_CHECK: CheckEntry = { battery: '', storage: '', damage: '', notes: '' };

/** The API's check from what was typed (empty fields are left out). */
export function checkInputOf(e: CheckEntry): CheckInput {
  const battery = e.battery.trim() === '' ? undefined : Number(e.battery);
  return {
    ...(battery !== undefined && Number.isInteger(battery) ? { batteryPercent: battery } : {}),
    ...(e.storage ? { storageState: e.storage } : {}),
    ...(e.damage.trim() ? { damage: e.damage.trim() } : {}),
    ...(e.notes.trim() ? { notes: e.notes.trim() } : {}),
  };
}

export function CheckFields({ value, onChange, withDamage = true }: { value: CheckEntry; onChange: (next: CheckEntry) => void; withDamage?: boolean }) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <div className="check-fields">
      <div className="field">
        <label htmlFor={`${id}bat`}>{t('devices.check.battery')}</label>
        <input id={`${id}bat`} type="number" inputMode="numeric" min={0} max={100} step={1} value={value.battery} onChange={(e) => onChange({ ...value, battery: e.target.value })} />
      </div>
      <div className="field">
        <label htmlFor={`${id}sto`}>{t('devices.check.storage')}</label>
        <select id={`${id}sto`} value={value.storage} onChange={(e) => onChange({ ...value, storage: e.target.value as StorageState | '' })}>
          <option value="">{t('devices.check.notChecked')}</option>
          {STORAGE_STATES.map((s) => (
            <option key={s} value={s}>
              {t(`devices.storage.${s}`)}
            </option>
          ))}
        </select>
      </div>
      {withDamage ? (
        <div className="field field-grow">
          <label htmlFor={`${id}dmg`}>{t('devices.check.damage')}</label>
          <input id={`${id}dmg`} maxLength={2000} value={value.damage} placeholder={t('devices.check.damageNone')} onChange={(e) => onChange({ ...value, damage: e.target.value })} />
        </div>
      ) : null}
      <div className="field field-grow">
        <label htmlFor={`${id}notes`}>{t('devices.check.notes')}</label>
        <input id={`${id}notes`} maxLength={2000} value={value.notes} onChange={(e) => onChange({ ...value, notes: e.target.value })} />
      </div>
    </div>
  );
}
