import { useTranslation } from 'react-i18next';
import { StatusBadge, type Tone } from '../ui/status-badge';
import type { Device, DeviceStatus } from './types';

const TONE: Record<DeviceStatus, Tone> = { in_store: 'ok', issued: 'info', faulty: 'error', in_repair: 'warn', retired: 'pending' };

/** A device's state in words (and an icon), overdue when its loan is past due. */
export function DeviceStatusBadge({ device }: { device: Pick<Device, 'status' | 'loan'> }) {
  const { t } = useTranslation();
  return (
    <span className="flags">
      <StatusBadge tone={TONE[device.status]}>{t(`devices.status.${device.status}`)}</StatusBadge>
      {device.loan?.overdue ? <StatusBadge tone="error">{t('devices.overdueFlag')}</StatusBadge> : null}
    </span>
  );
}
