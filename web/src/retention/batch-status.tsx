import { useTranslation } from 'react-i18next';
import { StatusBadge, type Tone } from '../ui/status-badge';
import type { BatchStatus } from './types';

const TONE: Record<BatchStatus, Tone> = { proposed: 'pending', approved: 'warn', rejected: 'info', restored: 'ok', executed: 'error' };

export function BatchStatusBadge({ status }: { status: BatchStatus }) {
  const { t } = useTranslation();
  return <StatusBadge tone={TONE[status]}>{t(`retention.batchStatus.${status}`)}</StatusBadge>;
}
