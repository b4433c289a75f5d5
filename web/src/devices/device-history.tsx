import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ErrorNotice } from '../ui/error-notice';
import { useFormat } from '../ui/format';
import { StatusBadge } from '../ui/status-badge';
import { useOffsetWords } from './clock-reading';
import { useDeviceHistory } from './device-api';
import { DEVICE_STATUSES, FAULT_CAUSES, isOneOf, STORAGE_STATES } from './types';

const EVENTS = ['register', 'update', 'move', 'issue', 'return', 'check', 'inspect', 'report_fault', 'send_to_repair', 'repair_done', 'retire'] as const;

/** Everything that happened to a device, newest first: each change linked to its ledger entry. */
export function DeviceHistoryView({ deviceId }: { deviceId: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  const words = useOffsetWords();
  const history = useDeviceHistory(deviceId);
  const h = history.data;
  const status = (s: string | null) => (isOneOf(DEVICE_STATUSES, s) ? t(`devices.status.${s}`) : '—');

  return (
    <section className="device-history" aria-labelledby="device-history">
      <h2 id="device-history">{t('devices.history.title')}</h2>
      {history.isPending ? <p role="status">{t('shell.loading')}</p> : null}
      {history.error ? <ErrorNotice error={history.error} /> : null}
      {h ? (
        <>
          <h3>{t('devices.history.events')}</h3>
          <div className="table-scroll">
            <table className="compact" data-testid="device-events">
              <thead>
                <tr>
                  <th scope="col">{t('devices.history.at')}</th>
                  <th scope="col">{t('devices.history.event')}</th>
                  <th scope="col">{t('devices.history.change')}</th>
                  <th scope="col">{t('devices.history.ledger')}</th>
                </tr>
              </thead>
              <tbody>
                {h.events.map((e) => (
                  <tr key={e.id}>
                    <td>{f.dateTime(e.at)}</td>
                    <td>{isOneOf(EVENTS, e.event) ? t(`devices.event.${e.event}`) : e.event}</td>
                    <td>{e.statusBefore === null || e.statusBefore === e.statusAfter ? status(e.statusAfter) : `${status(e.statusBefore)} → ${status(e.statusAfter)}`}</td>
                    <td>
                      <Link to={`/audit?seq=${e.ledgerSeq}`}>#{e.ledgerSeq}</Link>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>

          <h3>{t('devices.history.loans')}</h3>
          {h.loans.length === 0 ? (
            <p className="muted">{t('devices.history.noLoans')}</p>
          ) : (
            <div className="table-scroll">
              <table className="compact">
                <thead>
                  <tr>
                    <th scope="col">{t('devices.field.holder')}</th>
                    <th scope="col">{t('devices.history.issuedAt')}</th>
                    <th scope="col">{t('devices.field.due')}</th>
                    <th scope="col">{t('devices.history.returnedAt')}</th>
                  </tr>
                </thead>
                <tbody>
                  {h.loans.map((l) => (
                    <tr key={l.id}>
                      <td>{l.officer ? `${l.officer.name} (${l.officer.badge ?? '—'})` : l.officerId}</td>
                      <td>{f.dateTime(l.issuedAt)}</td>
                      <td>{f.dateTime(l.dueAt)}</td>
                      <td>
                        {l.returnedAt === null ? <StatusBadge tone={l.overdue ? 'error' : 'info'}>{l.overdue ? t('devices.overdueFlag') : t('devices.history.stillOut')}</StatusBadge> : f.dateTime(l.returnedAt)}
                        {l.returnedAt !== null && l.returnedAt > l.dueAt ? (
                          <>
                            {' '}
                            <StatusBadge tone="warn">{t('devices.history.late')}</StatusBadge>
                          </>
                        ) : null}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}

          <h3>{t('devices.history.calibrations')}</h3>
          {h.calibrations.length === 0 ? (
            <p className="muted">{t('devices.clock.never')}</p>
          ) : (
            <div className="table-scroll">
              <table className="compact" data-testid="device-calibrations">
                <thead>
                  <tr>
                    <th scope="col">{t('devices.history.measuredAt')}</th>
                    <th scope="col">{t('devices.clock.deviceTime')}</th>
                    <th scope="col">{t('devices.field.clock')}</th>
                    <th scope="col">{t('devices.history.source')}</th>
                  </tr>
                </thead>
                <tbody>
                  {h.calibrations.map((c) => (
                    <tr key={c.id}>
                      <td>{f.dateTime(c.measuredAt)}</td>
                      <td>{c.deviceTime === null ? t('devices.history.offsetTyped') : f.dateTime(c.deviceTime)}</td>
                      <td>{words(c.clockOffsetMs)}</td>
                      <td>{t(`devices.checkKind.${c.source}`)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}

          <h3>{t('devices.history.checks')}</h3>
          {h.checks.length === 0 ? (
            <p className="muted">{t('devices.history.noChecks')}</p>
          ) : (
            <div className="table-scroll">
              <table className="compact">
                <thead>
                  <tr>
                    <th scope="col">{t('devices.history.at')}</th>
                    <th scope="col">{t('devices.history.source')}</th>
                    <th scope="col">{t('devices.check.battery')}</th>
                    <th scope="col">{t('devices.check.storage')}</th>
                    <th scope="col">{t('devices.check.damage')}</th>
                    <th scope="col">{t('devices.history.result')}</th>
                  </tr>
                </thead>
                <tbody>
                  {h.checks.map((c) => (
                    <tr key={c.id}>
                      <td>{f.dateTime(c.checkedAt)}</td>
                      <td>{t(`devices.checkKind.${c.kind}`)}</td>
                      <td>{c.batteryPercent === null ? '—' : `${c.batteryPercent}%`}</td>
                      <td>{isOneOf(STORAGE_STATES, c.storageState) ? t(`devices.storage.${c.storageState}`) : '—'}</td>
                      <td>{c.damage ?? '—'}</td>
                      <td>{c.passed ? <StatusBadge tone="ok">{t('devices.history.passed')}</StatusBadge> : <StatusBadge tone="error">{t('devices.history.notPassed')}</StatusBadge>}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}

          {h.faults.length > 0 || h.repairs.length > 0 ? (
            <>
              <h3>{t('devices.history.faultsRepairs')}</h3>
              <ul className="plain-list">
                {h.faults.map((x) => (
                  <li key={x.id}>
                    {f.dateTime(x.reportedAt)} · {isOneOf(FAULT_CAUSES, x.cause) ? t(`devices.faultCause.${x.cause}`) : x.cause}
                    {x.description ? ` · ${x.description}` : ''} · {x.resolvedAt === null ? <StatusBadge tone="error">{t('devices.history.open')}</StatusBadge> : <StatusBadge tone="ok">{t('devices.history.resolved')}</StatusBadge>}
                  </li>
                ))}
                {h.repairs.map((r) => (
                  <li key={r.id}>
                    {t('devices.history.repairLine', { sent: f.dateTime(r.sentAt), repairer: r.repairer ?? '—' })}{' '}
                    {r.outcome === null ? <StatusBadge tone="warn">{t('devices.status.in_repair')}</StatusBadge> : <StatusBadge tone={r.outcome === 'repaired' ? 'ok' : 'error'}>{t(`devices.repairDone.${r.outcome}`)}</StatusBadge>}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </>
      ) : null}
    </section>
  );
}
