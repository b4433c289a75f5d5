import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { ROLE_IDS, type RoleId } from '../api/types';
import { useUnits } from '../units/use-units';

/** What an administrator sets about a person (new or existing), as typed. */
export interface PersonEntry {
  displayName: string;
  roles: RoleId[];
  unitId: string;
  badge: string;
  clearance: number;
}

export const CLEARANCES = [0, 1, 2, 3] as const;

/** Name, roles, unit, badge and clearance. */
export function PersonFields({ value, onChange }: { value: PersonEntry; onChange: (next: PersonEntry) => void }) {
  const { t } = useTranslation();
  const id = useId();
  const units = useUnits();
  const top = Math.min(...(units.data ?? []).map((u) => u.depth));
  return (
    <>
      <div className="form-grid">
        <div className="field">
          <label htmlFor={`${id}name`}>{t('admin.people.displayName')}</label>
          <input id={`${id}name`} maxLength={100} value={value.displayName} onChange={(e) => onChange({ ...value, displayName: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor={`${id}unit`}>{t('admin.people.unit')}</label>
          <select id={`${id}unit`} required value={value.unitId} onChange={(e) => onChange({ ...value, unitId: e.target.value })}>
            <option value="" disabled>
              {t('admin.people.chooseUnit')}
            </option>
            {(units.data ?? []).map((u) => (
              <option key={u.id} value={u.id}>
                {'\u3000'.repeat(u.depth - top)}
                {u.name} ({u.code})
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}badge`}>{t('admin.people.badge')}</label>
          <input id={`${id}badge`} maxLength={16} pattern="[A-Za-z0-9]{1,16}" aria-describedby={`${id}badgeHint`} value={value.badge} onChange={(e) => onChange({ ...value, badge: e.target.value })} />
          <p className="hint" id={`${id}badgeHint`}>
            {t('admin.people.badgeHint')}
          </p>
        </div>
        <div className="field">
          <label htmlFor={`${id}clr`}>{t('admin.people.clearance')}</label>
          <select id={`${id}clr`} value={value.clearance} onChange={(e) => onChange({ ...value, clearance: Number(e.target.value) })}>
            {CLEARANCES.map((c) => (
              <option key={c} value={c}>
                {t(`admin.clearance.${c}`)}
              </option>
            ))}
          </select>
        </div>
      </div>
      <fieldset className="roles-field">
        <legend>{t('admin.people.roles')}</legend>
        <div className="choices">
          {ROLE_IDS.map((r) => (
            <label key={r} className="choice">
              <input
                type="checkbox"
                checked={value.roles.includes(r)}
                onChange={(e) => onChange({ ...value, roles: e.target.checked ? [...value.roles, r] : value.roles.filter((x) => x !== r) })}
              />
              {t(`roles.${r}`)}
            </label>
          ))}
        </div>
      </fieldset>
    </>
  );
}
