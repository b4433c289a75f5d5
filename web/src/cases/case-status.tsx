import { useTranslation } from 'react-i18next';
import { StatusBadge } from '../ui/status-badge';
import type { CaseStatus, WorkRecordStatus } from './types';

export function CaseStatusBadge({ status }: { status: CaseStatus }) {
  const { t } = useTranslation();
  return <StatusBadge tone={status === 'open' ? 'info' : 'ok'}>{t(`cases.status.${status}`)}</StatusBadge>;
}

export function WorkRecordStatusBadge({ status }: { status: WorkRecordStatus }) {
  const { t } = useTranslation();
  return <StatusBadge tone={status === 'approved' ? 'ok' : status === 'rejected' ? 'error' : 'pending'}>{t(`cases.workRecords.status.${status}`)}</StatusBadge>;
}
