import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../ui/format';
import { StatusBadge } from '../ui/status-badge';
import type { ClockOffset } from './true-time';
import { parseLocal, toLocalSeconds, typedOffsetMs, type ClockEntry } from './clock-entry';

/** Minutes and seconds (hours when it comes to that) of an offset, in words. */
export function useOffsetWords(): (ms: number) => string {
  const { t } = useTranslation();
  return (ms) => {
    const total = Math.round(Math.abs(ms) / 1000);
    const h = Math.floor(total / 3600);
    const m = Math.floor((total % 3600) / 60);
    const s = total % 60;
    const amount = h > 0 ? t('devices.clock.hms', { h, m, s }) : t('devices.clock.ms', { m, s });
    if (total === 0) return t('devices.clock.exact');
    return ms > 0 ? t('devices.clock.fastBy', { amount }) : t('devices.clock.slowBy', { amount });
  };
}

/** The true time, large, as the custodian compares it with the recorder's screen. */
export function TrueClock({ trueNow, offset }: { trueNow: number | null; offset: ClockOffset | null }) {
  const { t, i18n } = useTranslation();
  const f = useFormat();
  // An uncertainty has no sign (f.seconds signs offsets).
  const plain = (ms: number) => new Intl.NumberFormat(i18n.language, { style: 'unit', unit: 'second', unitDisplay: 'short', maximumFractionDigits: 2 }).format(ms / 1000);
  const time = trueNow === null ? null : new Intl.DateTimeFormat(i18n.language, { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(trueNow);
  return (
    <section className="true-clock" aria-labelledby="true-clock-title">
      <h2 id="true-clock-title">{t('devices.clock.trueTime')}</h2>
      {/* Not a live region: announcing every second would drown everything else. */}
      <p className="true-clock-time" data-true-time={trueNow ?? ''}>
        {time ?? t('devices.clock.measuring')}
      </p>
      {trueNow !== null ? <p className="true-clock-date">{f.date(trueNow)}</p> : null}
      {offset ? (
        <p className="hint">
          {Math.abs(offset.offsetMs) <= offset.uncertaintyMs
            ? t('devices.clock.browserAgrees', { uncertainty: plain(offset.uncertaintyMs) })
            : t('devices.clock.browserDiffers', { offset: f.seconds(offset.offsetMs), uncertainty: plain(offset.uncertaintyMs) })}
        </p>
      ) : null}
    </section>
  );
}

/** The calibration fields: none, the time the device shows, or the offset. */
export function ClockReadingFields({ value, onChange, trueNow, offset }: { value: ClockEntry; onChange: (next: ClockEntry) => void; trueNow: number | null; offset: ClockOffset | null }) {
  const { t } = useTranslation();
  const id = useId();
  const words = useOffsetWords();
  const shown = parseLocal(value.deviceTime);
  // The offset the typed screen time implies, as of when it was typed.
  const implied = value.mode === 'deviceTime' && shown !== undefined && offset ? shown - (value.enteredAt + offset.offsetMs) : undefined;
  const typed = value.mode === 'offset' ? typedOffsetMs(value) : undefined;

  const mode = (m: ClockEntry['mode'], label: string) => (
    <label className="choice">
      <input type="radio" name={`${id}mode`} value={m} checked={value.mode === m} onChange={() => onChange({ ...value, mode: m })} />
      {label}
    </label>
  );

  return (
    <fieldset className="clock-reading">
      <legend>{t('devices.clock.legend')}</legend>
      <div className="choices" role="radiogroup" aria-label={t('devices.clock.how')}>
        {mode('none', t('devices.clock.none'))}
        {mode('deviceTime', t('devices.clock.byDeviceTime'))}
        {mode('offset', t('devices.clock.byOffset'))}
      </div>
      {value.mode === 'deviceTime' ? (
        <div className="field">
          <label htmlFor={`${id}dt`}>{t('devices.clock.deviceTime')}</label>
          <div className="inline-form">
            <input
              id={`${id}dt`}
              type="datetime-local"
              step={1}
              required
              aria-describedby={`${id}dthint`}
              value={value.deviceTime}
              onChange={(e) => onChange({ ...value, deviceTime: e.target.value, enteredAt: Date.now() })}
            />
            <button type="button" disabled={trueNow === null} onClick={() => trueNow !== null && onChange({ ...value, deviceTime: toLocalSeconds(trueNow), enteredAt: Date.now() })}>
              {t('devices.clock.fillTrueTime')}
            </button>
          </div>
          <p className="hint" id={`${id}dthint`}>
            {t('devices.clock.deviceTimeHint')}
          </p>
        </div>
      ) : null}
      {value.mode === 'offset' ? (
        <div className="inline-form clock-offset">
          <div className="field">
            <label htmlFor={`${id}dir`}>{t('devices.clock.direction')}</label>
            <select id={`${id}dir`} value={value.direction} onChange={(e) => onChange({ ...value, direction: e.target.value === 'slow' ? 'slow' : 'fast' })}>
              <option value="fast">{t('devices.clock.fast')}</option>
              <option value="slow">{t('devices.clock.slow')}</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}min`}>{t('devices.clock.minutes')}</label>
            <input id={`${id}min`} type="number" inputMode="numeric" min={0} max={100000} step={1} value={value.minutes} onChange={(e) => onChange({ ...value, minutes: e.target.value })} />
          </div>
          <div className="field">
            <label htmlFor={`${id}sec`}>{t('devices.clock.seconds')}</label>
            <input id={`${id}sec`} type="number" inputMode="numeric" min={0} max={59} step={1} value={value.seconds} onChange={(e) => onChange({ ...value, seconds: e.target.value })} />
          </div>
        </div>
      ) : null}
      {implied !== undefined || typed !== undefined ? (
        <p className="clock-result" role="status">
          <StatusBadge tone={Math.abs((implied ?? typed)!) >= 60_000 ? 'warn' : 'ok'}>{words((implied ?? typed)!)}</StatusBadge>
          {implied !== undefined ? <span className="hint"> {t('devices.clock.serverDecides')}</span> : null}
        </p>
      ) : null}
    </fieldset>
  );
}
