import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/http';
import { useDescribeError } from '../ui/error-notice';
import { useFormat } from '../ui/format';
import { StatusBadge } from '../ui/status-badge';
import { AccessRequestForm } from './access-request-form';
import { contentUrl, useContentAccess, type GrantInfo } from './content-access';
import { Thumbnail } from './thumbnail';

const SPEEDS = [0.25, 0.5, 1, 1.5, 2, 4] as const;
/** Until the browser has shown two frames we assume 30 frames per second. */
const DEFAULT_FRAME_S = 1 / 30;
/** Frames in a recording's thumbnail strip (recordings/derivatives: evenly spaced, frame i at (i + ½)/10 of the duration). */
const STRIP_FRAMES = 10;
/** Refusals after which asking for access makes sense. */
const REQUESTABLE = new Set(['grant_required', 'grant_expired', 'grant_revoked']);

/** The recording's thumbnail strip as ten still frames (no seeking: shown where the player is not). */
function StillStrip({ recordingId }: { recordingId: string }) {
  const { t } = useTranslation();
  return (
    <div className="thumb-strip" aria-label={t('recordings.detail.strip')} role="group">
      {Array.from({ length: STRIP_FRAMES }, (_, i) => (
        <Thumbnail key={i} recordingId={recordingId} frame={i} label={t('recordings.detail.frame', { n: i + 1 })} />
      ))}
    </div>
  );
}

/**
 * The player with the access decision in front of it: it plays only what the server allows, and
 * says why not otherwise. With `strip`, the recording's thumbnails show below it: a timeline that
 * seeks when the recording plays, still frames when it does not.
 */
export function Player({ recordingId, strip = false }: { recordingId: string; strip?: boolean }) {
  const { t } = useTranslation();
  const describe = useDescribeError();
  const access = useContentAccess(recordingId);

  if (access.isPending)
    return (
      <section className="player" data-state="checking" aria-label={t('player.title')}>
        <p role="status">{t('player.checking')}</p>
        {strip ? <StillStrip recordingId={recordingId} /> : null}
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
        {strip ? <StillStrip recordingId={recordingId} /> : null}
        {code && REQUESTABLE.has(code) ? <AccessRequestForm recordingId={recordingId} onRequested={() => void access.refetch()} /> : null}
      </section>
    );
  }
  return <VideoPlayer recordingId={recordingId} grant={access.data.grant} strip={strip} />;
}

/**
 * The thumbnail strip as a timeline: each frame is a button that seeks to its moment, the frame
 * whose tenth of the recording is playing is marked (aria-current and a bar, not colour alone),
 * and a playhead shows the position.
 */
function ThumbnailTimeline({ recordingId, time, duration, onSeek }: { recordingId: string; time: number; duration: number | null; onSeek: (s: number) => void }) {
  const { t } = useTranslation();
  const f = useFormat();
  const usable = duration !== null && duration > 0;
  const current = usable ? Math.min(STRIP_FRAMES - 1, Math.floor((time / duration) * STRIP_FRAMES)) : -1;
  return (
    <div className="thumb-timeline" role="group" aria-label={t('player.timeline')}>
      <div className="thumb-strip">
        {Array.from({ length: STRIP_FRAMES }, (_, i) => {
          const at = usable ? ((i + 0.5) / STRIP_FRAMES) * duration : 0;
          return (
            <button
              key={i}
              type="button"
              className="thumb-seek"
              disabled={!usable}
              aria-current={i === current ? 'true' : undefined}
              aria-label={t('player.seekFrame', { n: i + 1, at: f.duration(at * 1000) })}
              onClick={() => onSeek(at)}
            >
              <Thumbnail recordingId={recordingId} frame={i} label="" />
            </button>
          );
        })}
      </div>
      {usable ? <div className="thumb-playhead" aria-hidden="true" style={{ left: `${Math.min(100, (time / duration) * 100)}%` }} /> : null}
    </div>
  );
}

function VideoPlayer({ recordingId, grant, strip }: { recordingId: string; grant: GrantInfo | null; strip: boolean }) {
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
  const seekTo = (s: number) => withVideo((v) => (v.currentTime = Math.max(0, Math.min(v.duration || s, s))));
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
      {strip ? <ThumbnailTimeline recordingId={recordingId} time={time} duration={duration} onSeek={seekTo} /> : null}
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
