import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { RecordingView } from '../api/types';
import { useFormat } from '../ui/format';
import { RecordingFlags } from './flags';
import { Thumbnail } from './thumbnail';

export function ResultsTable({ items }: { items: readonly RecordingView[] }) {
  const { t } = useTranslation();
  const f = useFormat();
  return (
    <div className="table-scroll">
      <table className="results">
        <caption className="visually-hidden">{t('recordings.results.caption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('recordings.results.preview')}</th>
            <th scope="col">{t('recordings.results.name')}</th>
            <th scope="col">{t('recordings.results.startedAt')}</th>
            <th scope="col">{t('recordings.results.duration')}</th>
            <th scope="col">{t('recordings.results.device')}</th>
            <th scope="col">{t('recordings.results.officer')}</th>
            <th scope="col">{t('recordings.results.state')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((r) => (
            <tr key={r.id}>
              <td>
                <Thumbnail recordingId={r.id} label={t('recordings.results.thumbnailOf', { name: r.originalName })} />
              </td>
              <td>
                <Link to={`/recordings/${r.id}`} className="result-name">
                  {r.title ?? r.originalName}
                </Link>
                {r.title ? <div className="muted small">{r.originalName}</div> : null}
              </td>
              <td>
                <time dateTime={new Date(r.startedAt).toISOString()}>{f.dateTime(r.startedAt)}</time>
                {r.clockOffsetMs !== 0 ? <div className="muted small">{t('recordings.results.corrected', { offset: f.seconds(-r.clockOffsetMs) })}</div> : null}
              </td>
              <td>{f.duration(r.durationMs)}</td>
              <td>{r.deviceSerial ?? '—'}</td>
              <td>{r.officerBadge ?? '—'}</td>
              <td>
                <RecordingFlags r={r} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
