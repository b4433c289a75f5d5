import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api } from '../api/http';
import type { RecordingDetail } from '../api/types';
import { ErrorNotice } from '../ui/error-notice';
import { RecordingFlags } from './flags';
import { Player } from './player';
import { RecordingFacts } from './recording-facts';
import { RecordingRetentionSection } from '../retention/recording-retention';

/**
 * One recording: the player (behind the server's access decision) and every stored fact. The
 * player asks for content on its own: someone may be allowed the facts and not the content, or
 * (an administrator) neither — the page shows each refusal where it happens.
 */
export default function RecordingDetailPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const detail = useQuery({
    queryKey: ['recording', id],
    queryFn: ({ signal }) => api<RecordingDetail>(`/api/recordings/${encodeURIComponent(id)}`, { signal }),
  });
  const r = detail.data;

  return (
    <div className="page page-recording">
      <p className="breadcrumb">
        <Link to="/recordings">{t('recordings.detail.back')}</Link>
      </p>
      <h1>{r ? (r.title ?? r.originalName) : t('recordings.detail.pageTitle')}</h1>
      {r ? (
        <div className="detail-summary">
          <RecordingFlags r={r} />
        </div>
      ) : null}
      <div className="detail-layout">
        <div className="detail-player">
          <Player recordingId={id} strip={r !== undefined} />
        </div>
        <div className="detail-facts">
          {detail.isPending ? <p role="status">{t('shell.loading')}</p> : null}
          {detail.error ? <ErrorNotice error={detail.error} title={t('recordings.detail.factsRefused')} /> : null}
          {r ? <RecordingFacts r={r} /> : null}
          {r ? <RecordingRetentionSection recordingId={id} /> : null}
        </div>
      </div>
    </div>
  );
}
