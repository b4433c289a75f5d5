import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useFormat } from '../ui/format';
import { StatusBadge } from '../ui/status-badge';
import { useOffsetWords } from './clock-reading';
import { DeviceStatusBadge } from './device-status';
import type { Device } from './types';

export type DeviceColumn = 'kind' | 'holder' | 'due' | 'overdueBy' | 'clock' | 'maintenance';

/** Devices in a table; the number opens the device's desk page. */
export function DeviceTable({ items, columns, caption, now }: { items: readonly Device[]; columns: readonly DeviceColumn[]; caption: string; now: number }) {
  const { t } = useTranslation();
  const f = useFormat();
  const words = useOffsetWords();
  const has = (c: DeviceColumn) => columns.includes(c);
  return (
    <div className="table-scroll">
      <table className="devices">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('devices.field.code')}</th>
            <th scope="col">{t('devices.field.serial')}</th>
            <th scope="col">{t('devices.field.model')}</th>
            {has('kind') ? <th scope="col">{t('devices.field.kind')}</th> : null}
            <th scope="col">{t('devices.field.status')}</th>
            {has('holder') ? <th scope="col">{t('devices.field.holder')}</th> : null}
            {has('due') ? <th scope="col">{t('devices.field.due')}</th> : null}
            {has('overdueBy') ? <th scope="col">{t('devices.field.overdueBy')}</th> : null}
            {has('clock') ? <th scope="col">{t('devices.field.clock')}</th> : null}
            {has('maintenance') ? <th scope="col">{t('devices.field.maintenanceDue')}</th> : null}
          </tr>
        </thead>
        <tbody>
          {items.map((d) => (
            <tr key={d.id} data-device={d.code}>
              <th scope="row">
                <Link to={`/devices/${d.id}`} className="device-link">
                  {d.code}
                </Link>
              </th>
              <td className="mono">{d.serial ?? '—'}</td>
              <td>{d.model ?? '—'}</td>
              {has('kind') ? <td>{t(`devices.kind.${d.kind}`)}</td> : null}
              <td>
                <DeviceStatusBadge device={d} />
              </td>
              {has('holder') ? <td>{d.loan?.officer ? `${d.loan.officer.name} (${d.loan.officer.badge ?? '—'})` : '—'}</td> : null}
              {has('due') ? <td>{d.loan ? f.dateTime(d.loan.dueAt) : '—'}</td> : null}
              {has('overdueBy') ? <td>{d.loan ? f.delay(Math.max(0, now - d.loan.dueAt)) : '—'}</td> : null}
              {has('clock') ? <td>{d.clockOffsetMs === null ? t('devices.clock.never') : words(d.clockOffsetMs)}</td> : null}
              {has('maintenance') ? (
                <td>
                  {d.status === 'faulty' ? (
                    <StatusBadge tone="error">{t('devices.maintenance.faulty')}</StatusBadge>
                  ) : d.maintenanceDueAt === null ? (
                    '—'
                  ) : (
                    <>
                      {f.date(d.maintenanceDueAt)} {d.maintenanceDueAt <= now ? <StatusBadge tone="warn">{t('devices.maintenance.due')}</StatusBadge> : null}
                    </>
                  )}
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
