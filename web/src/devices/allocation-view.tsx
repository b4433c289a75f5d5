import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorNotice } from '../ui/error-notice';
import { StatusBadge } from '../ui/status-badge';
import { useAllocation } from './device-api';
import { ALLOCATION_CLASSES, type AllocationClass } from './types';

/** The allocation standard (配备标准, R-DEV-RATIO) per unit, for the agency's class and the per-team minimum. */
export function AllocationView() {
  const { t } = useTranslation();
  const id = useId();
  const [cls, setCls] = useState<AllocationClass>('B');
  const [team, setTeam] = useState(2);
  const report = useAllocation(cls, team);
  const items = report.data?.items ?? [];
  const top = Math.min(...items.map((u) => u.depth));
  const short = items.filter((u) => !u.compliant).length;

  return (
    <section aria-labelledby={`${id}title`}>
      <h2 id={`${id}title`}>{t('devices.allocation.title')}</h2>
      <p className="muted">{t('devices.allocation.intro')}</p>
      <div className="inline-form">
        <div className="field">
          <label htmlFor={`${id}class`}>{t('devices.allocation.class')}</label>
          <select id={`${id}class`} value={cls} onChange={(e) => setCls(e.target.value as AllocationClass)}>
            {ALLOCATION_CLASSES.map((c) => (
              <option key={c} value={c}>
                {t(`devices.allocation.classes.${c}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}team`}>{t('devices.allocation.teamMinimum')}</label>
          <select id={`${id}team`} value={team} onChange={(e) => setTeam(Number(e.target.value))}>
            <option value={2}>{t('devices.allocation.team2')}</option>
            <option value={1}>{t('devices.allocation.team1')}</option>
            <option value={0}>{t('devices.allocation.team0')}</option>
          </select>
        </div>
      </div>
      {report.error ? <ErrorNotice error={report.error} /> : null}
      <p role="status" className="result-count">
        {report.isPending ? t('shell.loading') : short === 0 ? t('devices.allocation.allCompliant') : t('devices.allocation.someShort', { n: short })}
      </p>
      {items.length > 0 ? (
        <div className="table-scroll">
          <table className="allocation">
            <caption className="visually-hidden">{t('devices.allocation.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('devices.allocation.unit')}</th>
                <th scope="col">{t('devices.allocation.officers')}</th>
                <th scope="col">{t('devices.allocation.devices')}</th>
                <th scope="col">{t('devices.allocation.usable')}</th>
                <th scope="col">{t('devices.allocation.required')}</th>
                <th scope="col">{t('devices.allocation.ratio')}</th>
                <th scope="col">{t('devices.allocation.verdict')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((u) => (
                <tr key={u.unitId} data-unit={u.code}>
                  <th scope="row">
                    {'\u3000'.repeat(u.depth - top)}
                    {u.name} {u.isTeam ? <span className="muted small">{t('devices.allocation.team')}</span> : null}
                  </th>
                  <td>{u.officers}</td>
                  <td>{u.devices}</td>
                  <td>{u.usable}</td>
                  <td>{u.required}</td>
                  <td>{u.devices === 0 ? '—' : t('devices.allocation.perDevice', { n: (u.officers / u.devices).toFixed(1) })}</td>
                  <td>{u.compliant ? <StatusBadge tone="ok">{t('devices.allocation.compliant')}</StatusBadge> : <StatusBadge tone="error">{t('devices.allocation.short', { n: u.shortfall })}</StatusBadge>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
