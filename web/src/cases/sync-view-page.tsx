import { useCallback, useEffect, useId, useMemo, useRef, useState, type KeyboardEvent as ReactKeyboardEvent, type MouseEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { ErrorNotice } from '../ui/error-notice';
import { useFormat } from '../ui/format';
import { useCase } from './case-detail-page';
import { recordingLabel, TimeAxis } from './consistency-timeline';
import { SyncPlayer } from './sync-player';
import { clampTo, drifted, DRIFT_CHECK_MS, SharedClock, sharedRange, targetOf, type PlayerPhase, type PlayerSpan } from './sync-clock';
import { placeOf, rangeOf } from './timeline-scale';
import { spanOf, type LinkedRecording } from './types';
import './cases.css';

const MAX_PLAYERS = 4;
const STEP_MS = 5000;
const TICK_MS = 100;
const SPEEDS = [0.5, 1, 2] as const;
/** A paused player this far from its target is put back on it. */
const PAUSED_TOLERANCE_S = 0.05;

interface Playable {
  r: LinkedRecording;
  span: PlayerSpan;
}

/** Form fields keep their own keys; Space on a button presses it. */
function ownsKey(target: EventTarget | null, key: string): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target instanceof HTMLInputElement) return target.type !== 'range';
  if (target instanceof HTMLSelectElement || target instanceof HTMLTextAreaElement || target.isContentEditable) return true;
  return (target instanceof HTMLButtonElement || target instanceof HTMLAnchorElement) && (key === ' ' || key === 'Enter');
}

/**
 * The synchronized multi-camera view: every recording of the case on one timeline by corrected
 * time; two to four chosen ones play side by side under one transport. Each player shows shared
 * time − its recording's corrected start, idles outside its span, and is re-seeked when it drifts
 * more than 0.3 s (checked every 500 ms). Keys: Space play/pause, ← → 5 seconds.
 */
export default function SyncViewPage() {
  const { t } = useTranslation();
  const f = useFormat();
  const id = useId();
  const { id: caseId = '' } = useParams();
  const detail = useCase(caseId);
  const playable = useMemo<Playable[]>(
    () =>
      (detail.data?.recordings ?? []).flatMap((r) => {
        const span = spanOf(r);
        return span && span.end > span.start ? [{ r, span }] : [];
      }),
    [detail.data],
  );
  const [chosen, setChosen] = useState<string[] | null>(null);
  const selected = useMemo(() => chosen ?? playable.slice(0, 2).map((p) => p.r.id), [chosen, playable]);
  const active = playable.filter((p) => selected.includes(p.r.id));
  const range = useMemo(() => sharedRange((active.length > 0 ? active : playable).map((p) => p.span)), [active, playable]);
  const overview = rangeOf(playable.map((p) => p.span), 0.02);

  const clock = useRef<SharedClock | null>(null);
  const videos = useRef(new Map<string, HTMLVideoElement>());
  const phasesRef = useRef<Record<string, PlayerPhase>>({});
  const lastDriftCheck = useRef(0);
  const [shared, setShared] = useState<number | null>(null);
  const [playing, setPlaying] = useState(false);
  const [rate, setRate] = useState(1);
  const [phases, setPhases] = useState<Record<string, PlayerPhase>>({});
  const [unmuted, setUnmuted] = useState<string | null>(null);

  // One shared clock per page; it starts at the beginning of the chosen recordings.
  if (range && !clock.current) clock.current = new SharedClock(range.start, () => performance.now());
  const spans = useRef(new Map<string, PlayerSpan>());
  spans.current = new Map(active.map((p) => [p.r.id, p.span]));
  const rangeRef = useRef(range);
  rangeRef.current = range;

  /** Puts every player where the shared time says; `force` re-seeks even a playing one (a seek). */
  const apply = useCallback((force: boolean) => {
    const c = clock.current;
    const r = rangeRef.current;
    if (!c || !r) return;
    let now = c.now();
    if (c.playing && now >= r.end) {
      c.pause();
      c.seek(r.end);
      now = r.end;
      setPlaying(false);
    }
    const checkDrift = c.playing && performance.now() - lastDriftCheck.current >= DRIFT_CHECK_MS;
    if (checkDrift) lastDriftCheck.current = performance.now();
    const nextPhases: Record<string, PlayerPhase> = {};
    for (const [rid, v] of videos.current) {
      const span = spans.current.get(rid);
      if (!span) continue;
      const target = targetOf(span, now);
      nextPhases[rid] = target.phase;
      v.dataset.target = target.seconds.toFixed(3);
      v.dataset.phase = target.phase;
      const seconds = Math.min(target.seconds, Number.isFinite(v.duration) ? v.duration : target.seconds);
      if (v.playbackRate !== c.rate) v.playbackRate = c.rate;
      if (c.playing && target.phase === 'within') {
        if (force || (checkDrift && drifted(v.currentTime, seconds))) v.currentTime = seconds;
        if (v.paused) void v.play().catch(() => undefined);
      } else {
        if (!v.paused) v.pause();
        if (force || Math.abs(v.currentTime - seconds) > PAUSED_TOLERANCE_S) {
          if (!v.seeking || force) v.currentTime = seconds;
        }
      }
    }
    const prev = phasesRef.current;
    if (Object.keys(nextPhases).length !== Object.keys(prev).length || Object.entries(nextPhases).some(([k, p]) => prev[k] !== p)) {
      phasesRef.current = nextPhases;
      setPhases(nextPhases);
    }
    setShared(now);
  }, []);

  useEffect(() => {
    const timer = window.setInterval(() => apply(false), TICK_MS);
    return () => window.clearInterval(timer);
  }, [apply]);

  // The chosen set changed: keep the shared time inside the new range and place everyone.
  useEffect(() => {
    const c = clock.current;
    if (!c || !range) return;
    c.seek(clampTo(range, c.now()));
    apply(true);
  }, [range, apply]);

  const register = useCallback(
    (rid: string, v: HTMLVideoElement | null) => {
      if (v) {
        videos.current.set(rid, v);
        // Once the browser knows the file, put it on its target.
        v.addEventListener('loadedmetadata', () => apply(true), { once: true });
      } else videos.current.delete(rid);
      apply(true);
    },
    [apply],
  );

  const seekTo = useCallback(
    (t: number) => {
      const c = clock.current;
      const r = rangeRef.current;
      if (!c || !r) return;
      c.seek(clampTo(r, t));
      apply(true);
    },
    [apply],
  );
  const seekBy = useCallback((ms: number) => seekTo((clock.current?.now() ?? 0) + ms), [seekTo]);
  const toggle = useCallback(() => {
    const c = clock.current;
    const r = rangeRef.current;
    if (!c || !r) return;
    if (c.playing) {
      c.pause();
      setPlaying(false);
    } else {
      if (c.now() >= r.end) c.seek(r.start);
      c.play();
      lastDriftCheck.current = performance.now();
      setPlaying(true);
    }
    apply(true);
  }, [apply]);

  // Keys anywhere on the page (except where a field or button keeps them).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.altKey || e.ctrlKey || e.metaKey || ownsKey(e.target, e.key)) return;
      if (e.key === ' ') toggle();
      else if (e.key === 'ArrowLeft') seekBy(-STEP_MS);
      else if (e.key === 'ArrowRight') seekBy(STEP_MS);
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [toggle, seekBy]);

  const choose = (rid: string, on: boolean) => setChosen((prev) => {
    const base = prev ?? selected;
    return on ? [...base.filter((x) => x !== rid), rid].slice(-MAX_PLAYERS) : base.filter((x) => x !== rid);
  });
  const changeRate = (r: number) => {
    clock.current?.setRate(r);
    setRate(r);
    apply(false);
  };
  const onTrackClick = (e: MouseEvent<HTMLElement>) => {
    if (!overview) return;
    const box = e.currentTarget.getBoundingClientRect();
    seekTo(overview.start + ((e.clientX - box.left) / box.width) * (overview.end - overview.start));
  };
  const onSliderKey = (e: ReactKeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
      e.preventDefault();
      e.stopPropagation();
      seekBy(e.key === 'ArrowLeft' ? -STEP_MS : STEP_MS);
    } else if (e.key === ' ') {
      e.preventDefault();
      e.stopPropagation();
      toggle();
    }
  };

  const c = detail.data;
  const now = shared ?? range?.start ?? 0;
  const playhead = overview ? placeOf(overview, { start: now, end: now }).left : 0;
  const soundOn = unmuted ?? active[0]?.r.id ?? null;

  return (
    <div className="page page-sync">
      <p className="breadcrumb">
        <Link to={`/cases/${caseId}`}>{t('cases.sync.back')}</Link>
      </p>
      <h1>{c ? t('cases.sync.titleOf', { number: c.number }) : t('cases.sync.title')}</h1>
      {detail.error ? <ErrorNotice error={detail.error} /> : null}
      {detail.isPending ? <p role="status">{t('shell.loading')}</p> : null}
      {c && playable.length === 0 ? <p className="muted">{t('cases.sync.nothing')}</p> : null}
      {c && overview && range ? (
        <>
          <p className="hint">{t('cases.sync.intro')}</p>
          <section className="card" aria-labelledby={`${id}choose`}>
            <h2 id={`${id}choose`}>{t('cases.sync.choose', { max: MAX_PLAYERS })}</h2>
            <div className="timeline sync-timeline">
              <TimeAxis range={overview} />
              {playable.map(({ r, span }) => {
                const on = selected.includes(r.id);
                return (
                  <div key={r.id} className={on ? 'tl-row chosen' : 'tl-row'} data-recording={r.id}>
                    <label className="tl-label check">
                      <input type="checkbox" checked={on} disabled={!on && selected.length >= MAX_PLAYERS} onChange={(e) => choose(r.id, e.target.checked)} />
                      <span>
                        <strong>{recordingLabel(r)}</strong>
                        <span className="small muted">
                          {f.dateTime(span.start)} · {f.duration(span.end - span.start)}
                        </span>
                      </span>
                    </label>
                    <span className="tl-track" onClick={onTrackClick} aria-hidden="true">
                      <span className="tl-bar tl-span" style={{ left: `${placeOf(overview, span).left}%`, width: `${Math.max(0.4, placeOf(overview, span).width)}%` }}>
                        {on ? t('cases.sync.chosenShort') : null}
                      </span>
                      <span className="tl-playhead" style={{ left: `${playhead}%` }} />
                    </span>
                  </div>
                );
              })}
            </div>
            <p className="hint">{t('cases.sync.chosenCount', { n: selected.length, max: MAX_PLAYERS })}</p>
          </section>

          <section className="card sync-transport" aria-label={t('cases.sync.transport')} role="group">
            <button type="button" className="button-primary" onClick={toggle} aria-pressed={playing}>
              {playing ? t('player.pause') : t('player.play')}
            </button>
            <button type="button" onClick={() => seekBy(-STEP_MS)}>
              {t('player.back5')}
            </button>
            <button type="button" onClick={() => seekBy(STEP_MS)}>
              {t('player.forward5')}
            </button>
            <span className="sync-slider field">
              <label htmlFor={`${id}slider`}>{t('cases.sync.position')}</label>
              <input
                id={`${id}slider`}
                type="range"
                min={range.start}
                max={range.end}
                step={100}
                value={Math.round(now)}
                aria-valuetext={`${f.dateTime(now)} (+${f.duration(now - range.start)})`}
                onChange={(e) => seekTo(Number(e.target.value))}
                onKeyDown={onSliderKey}
              />
            </span>
            <span className="player-speed">
              <label htmlFor={`${id}speed`}>{t('player.speed')}</label>
              <select id={`${id}speed`} value={rate} onChange={(e) => changeRate(Number(e.target.value))}>
                {SPEEDS.map((s) => (
                  <option key={s} value={s}>
                    {s}×
                  </option>
                ))}
              </select>
            </span>
            <output className="sync-time" data-shared={Math.round(now)} aria-live="off">
              <strong>{f.dateTime(now)}</strong> <span className="muted">+{f.duration(now - range.start)} / {f.duration(range.end - range.start)}</span>
            </output>
            <p className="hint sync-keys">{t('cases.sync.keys')}</p>
          </section>

          <div className={`sync-grid sync-grid-${Math.max(1, active.length)}`}>
            {active.map((p) => (
              <SyncPlayer
                key={p.r.id}
                recording={p.r}
                offsetMs={p.span.start - range.start}
                phase={phases[p.r.id] ?? targetOf(p.span, now).phase}
                muted={soundOn !== p.r.id}
                onMute={(m) => setUnmuted(m ? (soundOn === p.r.id ? '' : soundOn) : p.r.id)}
                register={register}
              />
            ))}
          </div>
          {active.length < 2 ? <p className="notice notice-info">{t('cases.sync.pickTwo')}</p> : null}
        </>
      ) : null}
    </div>
  );
}
