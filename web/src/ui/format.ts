import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';

export interface Formatters {
  dateTime(ms: number | null | undefined): string;
  date(ms: number): string;
  bytes(n: number | null | undefined): string;
  duration(ms: number | null | undefined): string;
  /** A delay that may run to days: "3 days 4 hr" / "3天4小时"; under a day as duration(). */
  delay(ms: number): string;
  seconds(ms: number): string;
  number(n: number): string;
  timeZone: string;
}

const DASH = '—';

/** Locale-aware formatting of instants (UTC epoch ms shown in the browser's zone), sizes and durations. */
export function formatters(locale: string): Formatters {
  const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const dateTime = new Intl.DateTimeFormat(locale, { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
  const date = new Intl.DateTimeFormat(locale, { year: 'numeric', month: '2-digit', day: '2-digit' });
  const num = new Intl.NumberFormat(locale);
  const oneDecimal = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
  const secondsUnit = new Intl.NumberFormat(locale, { style: 'unit', unit: 'second', unitDisplay: 'short', maximumFractionDigits: 3, signDisplay: 'exceptZero' });
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  const days = new Intl.NumberFormat(locale, { style: 'unit', unit: 'day', unitDisplay: 'long' });
  const hours = new Intl.NumberFormat(locale, { style: 'unit', unit: 'hour', unitDisplay: 'short' });
  const duration = (ms: number | null | undefined): string => {
    if (ms === null || ms === undefined) return DASH;
    const total = Math.round(ms / 1000);
    const h = Math.floor(total / 3600);
    const m = Math.floor((total % 3600) / 60);
    const s = total % 60;
    const two = (x: number) => String(x).padStart(2, '0');
    return h > 0 ? `${h}:${two(m)}:${two(s)}` : `${m}:${two(s)}`;
  };
  return {
    timeZone,
    dateTime: (ms) => (ms === null || ms === undefined ? DASH : dateTime.format(ms)),
    date: (ms) => date.format(ms),
    number: (n) => num.format(n),
    bytes: (n) => {
      if (n === null || n === undefined) return DASH;
      let v = n;
      let i = 0;
      while (v >= 1024 && i < units.length - 1) {
        v /= 1024;
        i++;
      }
      return i === 0 ? `${num.format(v)} B` : `${oneDecimal.format(v)} ${units[i]}`;
    },
    duration,
    seconds: (ms) => secondsUnit.format(ms / 1000),
    delay: (ms) => {
      if (Math.abs(ms) < 24 * 3600_000) return duration(ms);
      const d = Math.floor(ms / (24 * 3600_000));
      const h = Math.floor((ms % (24 * 3600_000)) / 3600_000);
      return `${days.format(d)} ${hours.format(h)}`;
    },
  };
}

export function useFormat(): Formatters {
  const { i18n } = useTranslation();
  return useMemo(() => formatters(i18n.language), [i18n.language]);
}

/** `YYYY-MM-DDTHH:mm` (an <input type="datetime-local"> value) in the browser's zone ⇄ epoch ms. */
export function toLocalInput(ms: number): string {
  const d = new Date(ms);
  const two = (x: number) => String(x).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}`;
}

export function fromLocalInput(value: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return undefined;
  const ms = new Date(value).getTime();
  return Number.isFinite(ms) ? ms : undefined;
}
