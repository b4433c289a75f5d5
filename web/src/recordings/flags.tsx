import { useTranslation } from 'react-i18next';
import type { RecordingView } from '../api/types';
import { StatusBadge } from '../ui/status-badge';

/** A recording's conditions in words (with an icon, never by colour alone). */
export function RecordingFlags({ r }: { r: Pick<RecordingView, 'damaged' | 'lateImport' | 'playable'> }) {
  const { t } = useTranslation();
  if (!r.damaged && !r.lateImport && r.playable) return <StatusBadge tone="ok">{t('recordings.flag.intact')}</StatusBadge>;
  return (
    <span className="flags">
      {r.damaged ? <StatusBadge tone="error">{t('recordings.flag.damaged')}</StatusBadge> : null}
      {r.lateImport ? <StatusBadge tone="warn">{t('recordings.flag.late')}</StatusBadge> : null}
      {!r.playable && !r.damaged ? <StatusBadge tone="info">{t('recordings.flag.needsProxy')}</StatusBadge> : null}
    </span>
  );
}
