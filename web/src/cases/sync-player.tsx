import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/http';
import { AccessRequestForm } from '../recordings/access-request-form';
import { contentUrl, useContentAccess } from '../recordings/content-access';
import { useDescribeError } from '../ui/error-notice';
import { useFormat } from '../ui/format';
import { StatusBadge } from '../ui/status-badge';
import { recordingLabel } from './consistency-timeline';
import type { PlayerPhase } from './sync-clock';
import type { LinkedRecording } from './types';

/** Refusals after which asking for access makes sense (as the single player). */
const REQUESTABLE = new Set(['grant_required', 'grant_expired', 'grant_revoked']);

export interface SyncPlayerProps {
  recording: LinkedRecording;
  /** Seconds between the shared timeline's start and this recording's corrected start. */
  offsetMs: number;
  phase: PlayerPhase;
  muted: boolean;
  onMute: (muted: boolean) => void;
  /** Hands the <video> to the shared transport (null when it goes away). */
  register: (id: string, video: HTMLVideoElement | null) => void;
}

/**
 * One player of the synchronized view. It has no controls of its own: the shared transport plays,
 * pauses and seeks it. Content needs the same approval as anywhere; a refusal is shown in place
 * with the request form.
 */
export function SyncPlayer({ recording, offsetMs, phase, muted, onMute, register }: SyncPlayerProps) {
  const { t } = useTranslation();
  const f = useFormat();
  const describe = useDescribeError();
  const access = useContentAccess(recording.id);
  const video = useRef<HTMLVideoElement>(null);
  const label = recordingLabel(recording);
  const allowed = !access.isPending && !access.error;

  useEffect(() => {
    if (!allowed) return;
    register(recording.id, video.current);
    return () => register(recording.id, null);
  }, [allowed, recording.id, register]);

  let body;
  if (access.isPending) body = <p role="status">{t('player.checking')}</p>;
  else if (access.error) {
    const e = access.error;
    const code = e instanceof ApiError ? e.code : null;
    body = (
      <div className="sync-refusal" role="alert">
        <StatusBadge tone={code === 'grant_pending' ? 'pending' : 'error'}>{t('player.refused')}</StatusBadge>
        <p>{describe(e)}</p>
        {code ? <code className="error-code">{code}</code> : null}
        {code && REQUESTABLE.has(code) ? <AccessRequestForm recordingId={recording.id} onRequested={() => void access.refetch()} /> : null}
      </div>
    );
  } else
    body = (
      <div className="sync-screen">
        <video ref={video} src={contentUrl(recording.id)} preload="auto" playsInline muted={muted} aria-label={t('cases.sync.videoOf', { name: label })} />
        {phase !== 'within' ? (
          <span className="sync-idle" role="status">
            <StatusBadge tone="info">{phase === 'before' ? t('cases.sync.notYet') : t('cases.sync.ended')}</StatusBadge>
          </span>
        ) : null}
      </div>
    );

  return (
    <figure className="sync-player" data-recording={recording.id} data-state={access.isPending ? 'checking' : access.error ? 'refused' : 'ready'} data-phase={phase}>
      <figcaption>
        <strong>{label}</strong>
        <span className="small muted">
          {f.dateTime(recording.startedAt)} · {t('cases.sync.offset', { offset: f.duration(offsetMs) })}
        </span>
        {allowed ? (
          <label className="check small">
            <input type="checkbox" checked={!muted} onChange={(e) => onMute(!e.target.checked)} />
            {t('cases.sync.sound')}
          </label>
        ) : null}
      </figcaption>
      {body}
    </figure>
  );
}
