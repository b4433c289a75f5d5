import { useEffect, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router';
import { ErrorNotice } from '../ui/error-notice';
import { AllocationView } from './allocation-view';
import { TrueClock } from './clock-reading';
import { useDeviceList, useMaintenanceDue, useOverdue, useRefreshDevices } from './device-api';
import { DeviceTable } from './device-table';
import { DESK_VIEWS, DeskTabs, type DeskView } from './desk-tabs';
import { RegisterForm } from './register-form';
import { useServerClockOffset, useTrueNow } from './true-time';
import { DEVICE_STATUSES, isOneOf, type DeviceStatus } from './types';
import './devices.css';

/**
 * The custodian's desk (保管室), used standing at a counter: find a device to issue or take back,
 * the devices out now, overdue and maintenance lists, the register and the allocation standard.
 */
export default function DevicesDeskPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const view: DeskView = isOneOf(DESK_VIEWS, params.get('view')) ? (params.get('view') as DeskView) : 'desk';
  const overdue = useOverdue();
  const maintenance = useMaintenanceDue();
  const offset = useServerClockOffset();
  const trueNow = useTrueNow(offset);

  return (
    <div className="page page-devices">
      <div className="desk-head">
        <h1>{t('devices.title')}</h1>
        <TrueClock trueNow={trueNow} offset={offset} />
      </div>
      <DeskTabs current={view} counts={{ overdue: overdue.data?.items.length, maintenance: maintenance.data?.items.length }} />
      {view === 'desk' ? <DeskView now={trueNow ?? Date.now()} /> : null}
      {view === 'all' ? <AllDevices now={trueNow ?? Date.now()} /> : null}
      {view === 'overdue' ? (
        <section aria-labelledby="overdue-title">
          <h2 id="overdue-title">{t('devices.overdue.title')}</h2>
          <p className="muted">{t('devices.overdue.intro')}</p>
          {overdue.error ? <ErrorNotice error={overdue.error} /> : null}
          <p role="status" className="result-count">
            {overdue.isPending ? t('shell.loading') : overdue.data?.items.length ? t('devices.countShown', { n: overdue.data.items.length }) : t('devices.overdue.none')}
          </p>
          {overdue.data?.items.length ? <DeviceTable items={overdue.data.items} columns={['holder', 'due', 'overdueBy']} caption={t('devices.overdue.title')} now={trueNow ?? Date.now()} /> : null}
        </section>
      ) : null}
      {view === 'maintenance' ? (
        <section aria-labelledby="maint-title">
          <h2 id="maint-title">{t('devices.maintenance.title')}</h2>
          <p className="muted">{t('devices.maintenance.intro')}</p>
          {maintenance.error ? <ErrorNotice error={maintenance.error} /> : null}
          <p role="status" className="result-count">
            {maintenance.isPending ? t('shell.loading') : maintenance.data?.items.length ? t('devices.countShown', { n: maintenance.data.items.length }) : t('devices.maintenance.none')}
          </p>
          {maintenance.data?.items.length ? <DeviceTable items={maintenance.data.items} columns={['kind', 'holder', 'maintenance']} caption={t('devices.maintenance.title')} now={trueNow ?? Date.now()} /> : null}
        </section>
      ) : null}
      {view === 'allocation' ? <AllocationView /> : null}
    </div>
  );
}

/** Find a device by its number or serial (a scanner types it and presses Enter); the devices out now below. */
function DeskView({ now }: { now: number }) {
  const { t } = useTranslation();
  const id = useId();
  const navigate = useNavigate();
  const [text, setText] = useState('');
  const [asked, setAsked] = useState('');
  const found = useDeviceList({ q: asked });
  const out = useDeviceList({ status: 'issued' });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setAsked(text.trim());
  };
  // One exact hit opens the device at once: the counter's usual case.
  const exact = asked ? found.data?.items.filter((d) => d.code.toLowerCase() === asked.toLowerCase() || (d.serial ?? '').toLowerCase() === asked.toLowerCase()) : undefined;
  const openId = exact?.length === 1 ? exact[0]!.id : null;
  useEffect(() => {
    if (openId) void navigate(`/devices/${openId}`);
  }, [openId, navigate]);

  return (
    <>
      <form className="desk-find" onSubmit={submit} role="search" aria-labelledby={`${id}title`}>
        <h2 id={`${id}title`}>{t('devices.find.title')}</h2>
        <div className="inline-form">
          <div className="field field-grow">
            <label htmlFor={`${id}q`}>{t('devices.find.label')}</label>
            <input id={`${id}q`} autoFocus autoComplete="off" maxLength={100} value={text} onChange={(e) => setText(e.target.value)} />
          </div>
          <button type="submit" className="button-primary button-large">
            {t('devices.find.submit')}
          </button>
        </div>
        <p className="hint">{t('devices.find.hint')}</p>
      </form>
      {asked ? (
        <section aria-label={t('devices.find.results')}>
          {found.error ? <ErrorNotice error={found.error} /> : null}
          <p role="status" className="result-count">
            {found.isPending ? t('shell.loading') : found.data?.items.length ? t('devices.countShown', { n: found.data.items.length }) : t('devices.find.none', { text: asked })}
          </p>
          {found.data?.items.length ? <DeviceTable items={found.data.items} columns={['kind', 'holder', 'due', 'clock']} caption={t('devices.find.results')} now={now} /> : null}
        </section>
      ) : null}
      <section aria-labelledby={`${id}out`}>
        <h2 id={`${id}out`}>{t('devices.out.title')}</h2>
        {out.error ? <ErrorNotice error={out.error} /> : null}
        <p role="status" className="result-count">
          {out.isPending ? t('shell.loading') : out.data?.items.length ? t('devices.countShown', { n: out.data.items.length }) : t('devices.out.none')}
        </p>
        {out.data?.items.length ? <DeviceTable items={out.data.items} columns={['holder', 'due', 'clock']} caption={t('devices.out.title')} now={now} /> : null}
      </section>
    </>
  );
}

/** The register: every device by number, filtered by state; register a new one. */
function AllDevices({ now }: { now: number }) {
  const { t } = useTranslation();
  const id = useId();
  const navigate = useNavigate();
  const refresh = useRefreshDevices();
  const [status, setStatus] = useState<DeviceStatus | ''>('');
  const [adding, setAdding] = useState(false);
  const list = useDeviceList({ status });

  return (
    <section aria-labelledby={`${id}title`}>
      <div className="card-head">
        <h2 id={`${id}title`}>{t('devices.all.title')}</h2>
        <button type="button" className={adding ? '' : 'button-primary'} aria-expanded={adding} onClick={() => setAdding(!adding)}>
          {adding ? t('devices.register.close') : t('devices.register.open')}
        </button>
      </div>
      {adding ? (
        <RegisterForm
          onDone={async (d) => {
            await refresh();
            await navigate(`/devices/${d.id}`);
          }}
        />
      ) : null}
      <div className="inline-form">
        <div className="field">
          <label htmlFor={`${id}status`}>{t('devices.field.status')}</label>
          <select id={`${id}status`} value={status} onChange={(e) => setStatus(e.target.value as DeviceStatus | '')}>
            <option value="">{t('devices.all.anyStatus')}</option>
            {DEVICE_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`devices.status.${s}`)}
              </option>
            ))}
          </select>
        </div>
      </div>
      {list.error ? <ErrorNotice error={list.error} /> : null}
      <p role="status" className="result-count">
        {list.isPending ? t('shell.loading') : list.data?.items.length ? t('devices.countShown', { n: list.data.items.length }) : t('devices.all.none')}
      </p>
      {list.data?.items.length ? <DeviceTable items={list.data.items} columns={['kind', 'holder', 'clock', 'maintenance']} caption={t('devices.all.title')} now={now} /> : null}
    </section>
  );
}
