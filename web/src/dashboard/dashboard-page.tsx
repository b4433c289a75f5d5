import { useQuery } from '@tanstack/react-query';
import { useId, useMemo, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, queryString } from '../api/http';
import { ErrorNotice } from '../ui/error-notice';
import { useFormat } from '../ui/format';
import { StatusBadge } from '../ui/status-badge';
import { useUnits } from '../units/use-units';
import { Chart } from './chart';
import type { ChartOption } from './echarts-setup';
import type { Overview } from './types';
import './dashboard.css';
import { WorkRecordsSection } from './work-record-stats';

const DAY_CHOICES = [7, 30, 90] as const;
const GIB = 1024 ** 3;

function Panel({ title, children, table, testId }: { title: string; children: ReactNode; table?: ReactNode; testId: string }) {
  const id = useId();
  const { t } = useTranslation();
  return (
    <section className="card dash-panel" aria-labelledby={id} data-testid={testId}>
      <h2 id={id}>{title}</h2>
      {children}
      {table ? (
        <details className="dash-table">
          <summary>{t('dashboard.showTable')}</summary>
          {table}
        </details>
      ) : null}
    </section>
  );
}

function Stat({ label, value, note, tone }: { label: string; value: string; note?: string; tone?: 'ok' | 'warn' | 'error' }) {
  return (
    <div className="dash-stat">
      <dt>{label}</dt>
      <dd>
        <span className="dash-number">{value}</span>
        {note ? <span className="small">{tone ? <StatusBadge tone={tone}>{note}</StatusBadge> : note}</span> : null}
      </dd>
    </div>
  );
}

/** The overview of a unit subtree (R-STATS): recordings and hours per day, on-time imports, devices, pending approvals, storage. */
export default function DashboardPage() {
  const { t } = useTranslation();
  const f = useFormat();
  const id = useId();
  const units = useUnits();
  const [unit, setUnit] = useState('');
  const [days, setDays] = useState<number>(30);
  const top = Math.min(...(units.data ?? []).map((u) => u.depth));
  const q = useQuery({
    queryKey: ['overview', unit, days],
    queryFn: ({ signal }) => api<Overview>(`/api/overview${queryString({ unit, days })}`, { signal }),
    staleTime: 60_000,
  });
  const o = q.data;
  const percent = (x: number | null) => (x === null ? '—' : `${Math.round(x * 1000) / 10}%`);

  const daily = useMemo<ChartOption | null>(() => {
    if (!o?.recordings) return null;
    return {
      tooltip: { trigger: 'axis' },
      legend: { top: 0, data: [t('dashboard.recordings'), t('dashboard.hours')] },
      grid: { left: 48, right: 48, top: 56, bottom: 32 },
      xAxis: { type: 'category', data: o.recordings.perDay.map((d) => d.date.slice(5)) },
      yAxis: [
        { type: 'value', name: t('dashboard.recordingsAxis'), minInterval: 1 },
        { type: 'value', name: t('dashboard.hoursAxis') },
      ],
      series: [
        { name: t('dashboard.recordings'), type: 'bar', data: o.recordings.perDay.map((d) => d.recordings) },
        { name: t('dashboard.hours'), type: 'line', yAxisIndex: 1, data: o.recordings.perDay.map((d) => d.hours), symbol: 'circle' },
      ],
    };
  }, [o, t]);

  const timeliness = useMemo<ChartOption | null>(() => {
    if (!o?.timeliness) return null;
    const x = o.timeliness;
    return {
      tooltip: { trigger: 'item' },
      series: [
        {
          type: 'pie',
          radius: ['40%', '68%'],
          label: { formatter: '{b}: {c} ({d}%)' },
          data: [
            { name: t('dashboard.onTime'), value: x.onTime },
            { name: t('dashboard.late'), value: x.late },
            { name: t('dashboard.unknown'), value: x.unknown },
          ].filter((d) => d.value > 0),
        },
      ],
    };
  }, [o, t]);

  const devices = useMemo<ChartOption | null>(() => {
    if (!o?.devices) return null;
    const d = o.devices;
    const rows = [
      [t('dashboard.devices.inStore'), d.inStore],
      [t('dashboard.devices.issued'), d.issued],
      [t('dashboard.devices.overdue'), d.overdue],
      [t('dashboard.devices.faulty'), d.faulty],
      [t('dashboard.devices.inRepair'), d.inRepair],
    ] as const;
    return {
      tooltip: { trigger: 'axis' },
      grid: { left: 96, right: 32, top: 16, bottom: 24 },
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: { type: 'category', data: rows.map((r) => r[0]), inverse: true },
      series: [{ type: 'bar', data: rows.map((r) => r[1]), label: { show: true, position: 'right' } }],
    };
  }, [o, t]);

  const storage = useMemo<ChartOption | null>(() => {
    if (!o?.storage) return null;
    const s = o.storage;
    return {
      tooltip: { trigger: 'axis', valueFormatter: (v) => f.bytes(Number(v) * GIB) },
      grid: { left: 96, right: 64, top: 16, bottom: 24 },
      xAxis: { type: 'value', name: 'GiB' },
      yAxis: { type: 'category', data: [t('dashboard.storage.kept'), t('dashboard.storage.toFree')], inverse: true },
      series: [{ type: 'bar', data: [s.bytes / GIB, s.bytesToFree / GIB], label: { show: true, position: 'right', formatter: (p) => f.bytes(Number(p.value) * GIB) } }],
    };
  }, [o, t, f]);

  return (
    <div className="page page-dashboard">
      <h1>{t('dashboard.title')}</h1>
      <form className="inline-form dash-filters" onSubmit={(e) => e.preventDefault()} aria-label={t('dashboard.filters')}>
        {units.data && units.data.length > 1 ? (
          <div className="field">
            <label htmlFor={`${id}unit`}>{t('dashboard.unit')}</label>
            <select id={`${id}unit`} value={unit} onChange={(e) => setUnit(e.target.value)}>
              <option value="">{t('dashboard.unitOwn')}</option>
              {units.data.map((u) => (
                <option key={u.id} value={u.id}>
                  {'\u3000'.repeat(u.depth - top)}
                  {u.name}
                </option>
              ))}
            </select>
          </div>
        ) : null}
        <div className="field">
          <label htmlFor={`${id}days`}>{t('dashboard.period')}</label>
          <select id={`${id}days`} value={days} onChange={(e) => setDays(Number(e.target.value))}>
            {DAY_CHOICES.map((d) => (
              <option key={d} value={d}>
                {t('dashboard.lastDays', { n: d })}
              </option>
            ))}
          </select>
        </div>
        {o ? <p className="muted small">{t('dashboard.asOf', { at: f.dateTime(o.at), zone: o.timeZone })}</p> : null}
      </form>
      {q.error ? <ErrorNotice error={q.error} /> : null}
      {q.isPending ? <p role="status">{t('shell.loading')}</p> : null}
      {o ? (
        <>
          <dl className="dash-stats" aria-label={t('dashboard.summary')}>
            {o.recordings ? <Stat label={t('dashboard.recordingsTotal', { n: o.days })} value={f.number(o.recordings.total)} note={t('dashboard.hoursTotal', { hours: f.number(o.recordings.hours) })} /> : null}
            {o.timeliness ? (
              <Stat
                label={t('dashboard.onTimeRate')}
                value={percent(o.timeliness.onTimeRate)}
                note={t('dashboard.lateCount', { n: o.timeliness.late })}
                tone={o.timeliness.late > 0 ? 'warn' : 'ok'}
              />
            ) : null}
            {o.devices ? <Stat label={t('dashboard.devices.issued')} value={f.number(o.devices.issued)} note={t('dashboard.devices.overdueCount', { n: o.devices.overdue })} tone={o.devices.overdue > 0 ? 'error' : 'ok'} /> : null}
            {o.devices ? <Stat label={t('dashboard.devices.inRepair')} value={f.number(o.devices.inRepair)} note={t('dashboard.devices.faultyCount', { n: o.devices.faulty })} /> : null}
            {o.storage ? <Stat label={t('dashboard.storage.kept')} value={f.bytes(o.storage.bytes)} note={t('dashboard.storage.recordings', { n: f.number(o.storage.recordings) })} /> : null}
            {o.storage ? <Stat label={t('dashboard.storage.toFree')} value={f.bytes(o.storage.bytesToFree)} note={t('dashboard.storage.expired', { n: f.number(o.storage.expiredRecordings) })} /> : null}
          </dl>

          {o.approvals ? (
            <section className="card" aria-labelledby={`${id}appr`}>
              <h2 id={`${id}appr`}>{t('dashboard.approvals.title')}</h2>
              <dl className="dash-stats dash-approvals">
                {o.approvals.accessRequests !== null ? <Stat label={t('dashboard.approvals.access')} value={f.number(o.approvals.accessRequests)} /> : null}
                {o.approvals.workRecords !== null ? <Stat label={t('dashboard.approvals.workRecords')} value={f.number(o.approvals.workRecords)} /> : null}
                {o.approvals.deletionBatches !== null ? (
                  <div className="dash-stat">
                    <dt>{t('dashboard.approvals.deletion')}</dt>
                    <dd>
                      <span className="dash-number">{f.number(o.approvals.deletionBatches)}</span> <Link to="/retention">{t('dashboard.approvals.open')}</Link>
                    </dd>
                  </div>
                ) : null}
              </dl>
            </section>
          ) : null}

          <div className="dash-grid">
            {daily && o.recordings ? (
              <Panel
                testId="chart-daily"
                title={t('dashboard.dailyTitle', { n: o.days })}
                table={
                  <table className="compact">
                    <thead>
                      <tr>
                        <th scope="col">{t('dashboard.date')}</th>
                        <th scope="col">{t('dashboard.recordings')}</th>
                        <th scope="col">{t('dashboard.hours')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {o.recordings.perDay.map((d) => (
                        <tr key={d.date}>
                          <td>{d.date}</td>
                          <td>{d.recordings}</td>
                          <td>{d.hours}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                }
              >
                <Chart option={daily} label={t('dashboard.dailyLabel', { total: o.recordings.total, hours: o.recordings.hours })} />
              </Panel>
            ) : null}
            {timeliness && o.timeliness ? (
              <Panel testId="chart-timeliness" title={t('dashboard.timelinessTitle')}>
                {o.timeliness.onTime + o.timeliness.late + o.timeliness.unknown === 0 ? (
                  <p className="muted">{t('dashboard.noRecordings')}</p>
                ) : (
                  <Chart option={timeliness} label={t('dashboard.timelinessLabel', { onTime: o.timeliness.onTime, late: o.timeliness.late, unknown: o.timeliness.unknown })} />
                )}
              </Panel>
            ) : null}
            {devices && o.devices ? (
              <Panel testId="chart-devices" title={t('dashboard.devices.title', { n: o.devices.total })}>
                <Chart option={devices} label={t('dashboard.devices.label', { issued: o.devices.issued, overdue: o.devices.overdue, inRepair: o.devices.inRepair })} height={240} />
              </Panel>
            ) : null}
            {storage && o.storage ? (
              <Panel testId="chart-storage" title={t('dashboard.storage.title')}>
                <Chart option={storage} label={t('dashboard.storage.label', { kept: f.bytes(o.storage.bytes), toFree: f.bytes(o.storage.bytesToFree) })} height={180} />
              </Panel>
            ) : null}
          </div>
          {o.workRecords ? <WorkRecordsSection stats={o.workRecords} days={o.days} /> : null}
          {!o.recordings && !o.devices && !o.storage ? <p className="muted">{t('dashboard.nothing')}</p> : null}
        </>
      ) : null}
    </div>
  );
}
