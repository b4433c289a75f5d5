import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useFormat } from '../ui/format';
import { StatusBadge, type Tone } from '../ui/status-badge';
import type { UploadItem, UploadQueue, UploadState } from './upload-queue';

const TONE: Record<UploadState, Tone> = { queued: 'pending', uploading: 'pending', paused: 'info', verifying: 'pending', imported: 'ok', duplicate: 'ok', failed: 'error', error: 'error' };

/** Per-file progress and the server's verification verdict: status, SHA-256, the recording made. */
export function UploadTable({ items, queue }: { items: readonly UploadItem[]; queue: UploadQueue }) {
  const { t } = useTranslation();
  const f = useFormat();
  return (
    <div className="table-scroll">
      <table className="uploads">
        <caption className="visually-hidden">{t('collection.table.caption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('collection.table.file')}</th>
            <th scope="col">{t('collection.table.size')}</th>
            <th scope="col">{t('collection.table.progress')}</th>
            <th scope="col">{t('collection.table.status')}</th>
            <th scope="col">{t('collection.table.sha256')}</th>
            <th scope="col">{t('collection.table.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((u) => {
            const pct = u.size === 0 ? 100 : Math.floor((u.sent / u.size) * 100);
            return (
              <tr key={u.key} data-state={u.state}>
                <td className="upload-name">
                  {u.path}
                  {u.meta.device || u.meta.officer ? (
                    <div className="muted small">{[u.meta.device && t('collection.table.deviceIs', { device: u.meta.device }), u.meta.officer && t('collection.table.officerIs', { officer: u.meta.officer })].filter(Boolean).join(' · ')}</div>
                  ) : null}
                </td>
                <td>{f.bytes(u.size)}</td>
                <td className="upload-progress">
                  <progress max={100} value={pct} aria-label={t('collection.table.progressOf', { name: u.path })} />
                  <span>{pct}%</span>
                </td>
                <td>
                  <StatusBadge tone={TONE[u.state]}>{t(`collection.state.${u.state}`)}</StatusBadge>
                  {u.problem ? <div className="upload-problem">{u.problem}</div> : null}
                </td>
                <td className="mono hash-cell">{u.sha256 ?? '—'}</td>
                <td>
                  <div className="upload-actions">
                    {u.recordingId ? (
                      <Link className="button" to={`/recordings/${u.recordingId}`}>
                        {t('collection.table.open')}
                      </Link>
                    ) : null}
                    {u.state === 'uploading' || u.state === 'queued' ? (
                      <button type="button" onClick={() => queue.pause(u.key)} aria-label={t('collection.table.pauseFile', { name: u.path })}>
                        {t('collection.table.pause')}
                      </button>
                    ) : null}
                    {u.state === 'paused' || u.state === 'error' ? (
                      <button type="button" onClick={() => queue.resume(u.key)} aria-label={u.state === 'error' ? t('collection.table.retryFile', { name: u.path }) : t('collection.table.resumeFile', { name: u.path })}>
                        {u.state === 'error' ? t('collection.table.retry') : t('collection.table.resume')}
                      </button>
                    ) : null}
                    {u.state !== 'uploading' && u.state !== 'verifying' ? (
                      <button type="button" className="button-quiet" onClick={() => queue.remove(u.key)} aria-label={t('collection.table.removeFile', { name: u.path })}>
                        {t('collection.table.remove')}
                      </button>
                    ) : null}
                  </div>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
