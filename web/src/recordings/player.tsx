import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/http';
import { useDescribeError } from '../ui/error-notice';
import { useFormat } from '../ui/format';
import { StatusBadge } from '../ui/status-badge';
import { AccessRequestForm } from './access-request-form';
import { contentUrl, useContentAccess, type GrantInfo } from './content-access';

const SPEEDS = [0.25, 0.5, 1, 1.5, 2, 4] as const;
/** Until the browser has shown two frames we assume 30 frames per second. */
const DEFAULT_FRAME_S = 1 / 30;
/** Refusals after which asking for access makes sense. */
const REQUESTABLE = new Set(['grant_required', 'grant_expired', 'grant_revoked']);

/** The player with the access decision in front of it: it plays only what the server allows, and says why not otherwise. */
export function Player({ recordingId }: { recordingId: string }) {
  const { t } = useTranslation();
  const describe = useDescribeError();
  const access = useContentAccess(recordingId);

  if (access.isPending)
    return (
      <section className="player" data-state="checking" aria-label={t('player.title')}>
        <p role="status">{t('player.checking')}</p>
      </section>
    );
  if (access.error) {
    const e = access.error;
    const code = e instanceof ApiError ? e.code : null;
    const refused = e instanceof ApiError && (e.status === 403 || e.status === 404 || e.status === 401);
    return (
      <section className="player player-refused" data-state={refused ? 'refused' : 'failed'} aria-label={t('player.title')}>
        <div className="player-refusal" role="alert">
          <StatusBadge tone={code === 'grant_pending' ? 'pending' : 'error'}>{refused ? t('player.refused') : t('player.failed')}</StatusBadge>
          <p>{describe(e)}</p>
          {code ? <code className="error-code">{code}</code> : null}
        </div>
        {code && REQUESTABLE.has(code) ? <AccessRequestForm recordingId={recordingId} onRequested={() => void access.refetch()} /> : null}
      </section>
    );
  }
  return <VideoPlayer recordingId={recordingId} grant={access.data.grant} />;
}

function VideoPlayer({ recordingId, grant }: { recordingId: string; grant: GrantInfo | null }) {
  const { t } = useTranslation();
  const f = useFormat();
  const video = useRef<HTMLVideoElement>(null);
  const helpId = useId();
  const speedId = useId();
  const [playing, setPlaying] = useState(false);
  const [time, setTime] = useState(0);
  const [duration, setDuration] = useState<number | null>(null);
  const [rate, setRate] = useState(1);
  const [frameS, setFrameS] = useState(DEFAULT_FRAME_S);
  const [error, setError] = useState(false);

  // Measure the frame duration from frames actually presented (Chromium: requestVideoFrameCallback).
  useEffect(() => {
    const v = video.current;
    if (!v || !('requestVideoFrameCallback' in v)) return;
    let last: number | null = null;
    let handle = 0;
    const onFrame = (_now: number, meta: VideoFrameCallbackMetadata) => {
      if (last !== null) {
        const d = meta.mediaTime - last;
        if (d > 0.001 && d < 0.5) setFrameS((prev) => (prev === DEFAULT_FRAME_S ? d : Math.min(prev, d)));
      }
      last = meta.mediaTime;
      handle = v.requestVideoFrameCallback(onFrame);
    };
    handle = v.requestVideoFrameCallback(onFrame);
    return () => v.cancelVideoFrameCallback(handle);
  }, []);

  const withVideo = (fn: (v: HTMLVideoElement) => void) => {
    if (video.current) fn(video.current);
  };
  const toggle = () => withVideo((v) => void (v.paused ? v.play().catch(() => setError(true)) : v.pause()));
  const step = (frames: number) =>
    withVideo((v) => {
      v.pause();
      v.currentTime = Math.max(0, Math.min(v.duration || Infinity, v.currentTime + frames * frameS));
    });
  const seek = (s: number) => withVideo((v) => (v.currentTime = Math.max(0, v.currentTime + s)));
  const setSpeed = (r: number) => withVideo((v) => (v.playbackRate = r));
  const nudgeSpeed = (dir: 1 | -1) => {
    const i = SPEEDS.indexOf(rate as (typeof SPEEDS)[number]);
    const next = SPEEDS[Math.max(0, Math.min(SPEEDS.length - 1, (i < 0 ? 2 : i) + dir))];
    if (next !== undefined) setSpeed(next);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLElement>) => {
    const t = e.target;
    // Form fields keep their keys; a focused button keeps Space and Enter (they press it).
    if (t instanceof HTMLSelectElement || t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement || e.altKey || e.ctrlKey || e.metaKey) return;
    if (t instanceof HTMLButtonElement && (e.key === ' ' || e.key === 'Enter')) return;
    const onVideo = t === video.current;
    const keys: Record<string, () => void> = {
      k: toggle,
      ',': () => step(-1),
      '.': () => step(1),
      '<': () => nudgeSpeed(-1),
      '>': () => nudgeSpeed(1),
      j: () => seek(-5),
      l: () => seek(5),
    };
    // The native controls already handle Space and the arrows when the video itself has focus.
    if (!onVideo) Object.assign(keys, { ' ': toggle, ArrowLeft: () => seek(-5), ArrowRight: () => seek(5) });
    const action = keys[e.key];
    if (action) {
      e.preventDefault();
      action();
    }
  };

  return (
    <section className="player" data-state="ready" aria-label={t('player.title')} onKeyDown={onKeyDown}>
      <video
        ref={video}
        src={contentUrl(recordingId)}
        controls
        preload="metadata"
        playsInline
        aria-describedby={helpId}
        onPlay={() => setPlaying(true)}
        onPause={() => setPlaying(false)}
        onTimeUpdate={(e) => setTime(e.currentTarget.currentTime)}
        onSeeked={(e) => setTime(e.currentTarget.currentTime)}
        onLoadedMetadata={(e) => setDuration(Number.isFinite(e.currentTarget.duration) ? e.currentTarget.duration : null)}
        onRateChange={(e) => setRate(e.currentTarget.playbackRate)}
        onError={() => setError(true)}
      />
      {error ? (
        <p className="notice notice-error" role="alert">
          {t('player.mediaError')}
        </p>
      ) : null}
      <div className="player-controls" role="toolbar" aria-label={t('player.controls')}>
        <button type="button" onClick={toggle} aria-pressed={playing}>
          {playing ? t('player.pause') : t('player.play')}
        </button>
        <button type="button" onClick={() => seek(-5)}>
          {t('player.back5')}
        </button>
        <button type="button" onClick={() => step(-1)}>
          {t('player.prevFrame')}
        </button>
        <button type="button" onClick={() => step(1)}>
          {t('player.nextFrame')}
        </button>
        <button type="button" onClick={() => seek(5)}>
          {t('player.forward5')}
        </button>
        <span className="player-speed">
          <label htmlFor={speedId}>{t('player.speed')}</label>
          <select id={speedId} value={rate} onChange={(e) => setSpeed(Number(e.target.value))}>
            {SPEEDS.map((s) => (
              <option key={s} value={s}>
                {s}×
              </option>
            ))}
          </select>
        </span>
        <span className="player-time" aria-live="off">
          {f.duration(time * 1000)} / {f.duration(duration === null ? null : duration * 1000)}
        </span>
      </div>
      <p className="hint" id={helpId}>
        {t('player.keys')}
      </p>
      <p className="player-grant">
        <StatusBadge tone="ok">{t('player.allowed')}</StatusBadge>{' '}
        {grant ? t('player.grant', { id: grant.id, expires: grant.expiresAt === null ? t('player.noExpiry') : f.dateTime(grant.expiresAt) }) : t('player.grantUnknown')}
      </p>
    </section>
  );
}
