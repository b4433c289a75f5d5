import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { ErrorNotice } from '../ui/error-notice';
import { useFormat } from '../ui/format';
import { StatusBadge } from '../ui/status-badge';
import { useUnits } from '../units/use-units';
import { TrueClock, useOffsetWords } from './clock-reading';
import { availableActions, FaultForm, InspectionForm, RepairDoneForm, RepairForm, RetireForm, type DeskAction } from './device-actions';
import { useDevice, useRefreshDevices } from './device-api';
import { DeviceHistoryView } from './device-history';
import { DeviceStatusBadge } from './device-status';
import { IssueForm } from './issue-form';
import { ReturnForm } from './return-form';
import { useServerClockOffset, useTrueNow } from './true-time';
import type { Device } from './types';
import './devices.css';

/** One device at the desk: what it is, what can be done to it now (issue, return, fault, repair…), and its history. */
export default function DevicePage() {
  const { t } = useTranslation();
  const f = useFormat();
  const words = useOffsetWords();
  const { id = '' } = useParams();
  const device = useDevice(id);
  const units = useUnits();
  const refresh = useRefreshDevices();
  const offset = useServerClockOffset();
  const trueNow = useTrueNow(offset);
  const [chosen, setChosen] = useState<DeskAction | null>(null);
  const [done, setDone] = useState<{ action: DeskAction; device: Device } | null>(null);
  const d = device.data;
  const actions = d ? availableActions(d) : [];
  // The usual step first: issue a device in store, take back one that is out.
  const action = chosen && actions.includes(chosen) ? chosen : (actions[0] ?? null);
  const unitName = (unitId: string) => units.data?.find((u) => u.id === unitId)?.name ?? unitId;

  const finished = (a: DeskAction) => async (next: Device) => {
    setDone({ action: a, device: next });
    setChosen(null);
    await refresh(next);
  };

  return (
    <div className="page page-device">
      <p className="breadcrumb">
        <Link to="/devices">{t('devices.back')}</Link>
      </p>
      <div className="desk-head">
        <h1>
          {d ? t('devices.deviceTitle', { code: d.code }) : t('devices.title')} {d ? <DeviceStatusBadge device={d} /> : null}
        </h1>
        <TrueClock trueNow={trueNow} offset={offset} />
      </div>
      {device.isPending ? <p role="status">{t('shell.loading')}</p> : null}
      {device.error ? <ErrorNotice error={device.error} /> : null}
      {done ? (
        <p className="notice notice-ok" role="status" data-testid="desk-done">
          <StatusBadge tone="ok">{t(`devices.done.${done.action}`, { code: done.device.code })}</StatusBadge>
          {done.device.clockOffsetMs !== null && (done.action === 'return' || done.action === 'issue' || done.action === 'inspect') ? <span> {t('devices.done.clock', { offset: words(done.device.clockOffsetMs) })}</span> : null}
        </p>
      ) : null}
      {d ? (
        <>
          <section className="card">
            <dl className="facts-inline">
              <Fact label={t('devices.field.serial')} value={d.serial ?? '—'} mono />
              <Fact label={t('devices.field.model')} value={d.model ?? '—'} />
              <Fact label={t('devices.field.kind')} value={t(`devices.kind.${d.kind}`)} />
              <Fact label={t('devices.field.unit')} value={unitName(d.unitId)} />
              <Fact label={t('devices.field.assetNumber')} value={d.assetNumber ?? '—'} />
              <Fact label={t('devices.field.holder')} value={d.loan?.officer ? `${d.loan.officer.name} (${d.loan.officer.badge ?? '—'})` : '—'} />
              <Fact label={t('devices.field.due')} value={d.loan ? f.dateTime(d.loan.dueAt) : '—'} />
              <Fact label={t('devices.field.clock')} value={d.clockOffsetMs === null ? t('devices.clock.never') : t('devices.clock.lastAt', { offset: words(d.clockOffsetMs), at: f.dateTime(d.clockCalibratedAt) })} testId="device-clock" />
              <Fact label={t('devices.field.maintenanceDue')} value={d.maintenanceDueAt === null ? '—' : f.date(d.maintenanceDueAt)} />
            </dl>
          </section>
          {actions.length > 0 ? (
            <div className="action-picker" role="group" aria-label={t('devices.actions.label')}>
              {actions.map((a) => (
                <button
                  key={a}
                  type="button"
                  className={a === action ? 'button-primary' : ''}
                  aria-pressed={a === action}
                  onClick={() => {
                    setChosen(a);
                    setDone(null);
                  }}
                >
                  {t(`devices.actions.${a}`)}
                </button>
              ))}
            </div>
          ) : (
            <p className="muted">{t('devices.actions.none')}</p>
          )}
          {/* Keyed by the device's version: a finished step starts the next form afresh. */}
          <div key={`${d.updatedAt}-${action ?? ''}`}>
            {action === 'issue' ? <IssueForm device={d} trueNow={trueNow} offset={offset} onDone={finished('issue')} /> : null}
            {action === 'return' ? <ReturnForm device={d} trueNow={trueNow} offset={offset} onDone={finished('return')} /> : null}
            {action === 'fault' ? <FaultForm device={d} onDone={finished('fault')} /> : null}
            {action === 'repair' ? <RepairForm device={d} onDone={finished('repair')} /> : null}
            {action === 'repairDone' ? <RepairDoneForm device={d} onDone={finished('repairDone')} /> : null}
            {action === 'inspect' ? <InspectionForm device={d} trueNow={trueNow} offset={offset} onDone={finished('inspect')} /> : null}
            {action === 'retire' ? <RetireForm device={d} onDone={finished('retire')} /> : null}
          </div>
          <DeviceHistoryView deviceId={d.id} />
        </>
      ) : null}
    </div>
  );
}

function Fact({ label, value, mono, testId }: { label: string; value: string; mono?: boolean; testId?: string }) {
  return (
    <div className="fact" data-testid={testId}>
      <dt>{label}</dt>
      <dd className={mono ? 'mono' : undefined}>{value}</dd>
    </div>
  );
}
