import { useTranslation } from 'react-i18next';
import { StatusBadge, type Tone } from '../ui/status-badge';
import type { RequestState } from './types';

const TONE: Record<RequestState, Tone> = { pending: 'pending', approved: 'ok', expired: 'warn', revoked: 'error', rejected: 'error', withdrawn: 'info' };

export function RequestStateBadge({ state }: { state: RequestState }) {
  const { t } = useTranslation();
  return <StatusBadge tone={TONE[state]}>{t(`accessRequests.state.${state}`)}</StatusBadge>;
}
