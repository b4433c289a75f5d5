import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { fromLocalInput, toLocalInput } from '../ui/format';

interface Props {
  /** The current time filter (`YYYY-MM-DDTHH:mm`, browser zone), to show what is selected. */
  from: string;
  to: string;
  onPick: (from: string, to: string) => void;
  /** Where to open without a time filter (e.g. the newest result's time); today otherwise. */
  near?: number | undefined;
}

const startOfDay = (y: number, m: number, d: number) => new Date(y, m, d).getTime();

/** Browse by year, month and day: picking one sets the search's time range to it (start inclusive, end exclusive). */
export function CalendarBrowse({ from, to, onPick, near }: Props) {
  const { t, i18n } = useTranslation();
  const fromMs = fromLocalInput(from);
  const toMs = fromLocalInput(to);
  // The month shown follows the filter (or the hint) until the user turns the pages themselves.
  const [turned, setTurned] = useState<{ year: number; month: number } | null>(null);
  const anchor = new Date(fromMs ?? near ?? Date.now());
  const year = turned?.year ?? anchor.getFullYear();
  const month = turned?.month ?? anchor.getMonth();

  const fmt = useMemo(
    () => ({
      month: new Intl.DateTimeFormat(i18n.language, { year: 'numeric', month: 'long' }),
      weekday: new Intl.DateTimeFormat(i18n.language, { weekday: 'narrow' }),
      day: new Intl.DateTimeFormat(i18n.language, { year: 'numeric', month: 'long', day: 'numeric', weekday: 'long' }),
    }),
    [i18n.language],
  );

  const shift = (delta: number) => {
    const d = new Date(year, month + delta, 1);
    setTurned({ year: d.getFullYear(), month: d.getMonth() });
  };
  const pick = (start: number, end: number) => {
    setTurned(null);
    onPick(toLocalInput(start), toLocalInput(end));
  };

  const daysInMonth = new Date(year, month + 1, 0).getDate();
  // Weeks start on Monday (as Chinese calendars do).
  const lead = (new Date(year, month, 1).getDay() + 6) % 7;
  const today = new Date();
  const cells: Array<number | null> = [...Array<null>(lead).fill(null), ...Array.from({ length: daysInMonth }, (_, i) => i + 1)];
  const weekdays = Array.from({ length: 7 }, (_, i) => fmt.weekday.format(new Date(2024, 0, 1 + i)));
  const selected = (d: number) => fromMs !== undefined && toMs !== undefined && fromMs <= startOfDay(year, month, d) && startOfDay(year, month, d + 1) <= toMs;

  return (
    <section className="calendar" aria-label={t('recordings.calendar.title')}>
      <div className="calendar-head">
        <button type="button" className="button-quiet" onClick={() => shift(-12)} aria-label={t('recordings.calendar.prevYear')}>
          «
        </button>
        <button type="button" className="button-quiet" onClick={() => shift(-1)} aria-label={t('recordings.calendar.prevMonth')}>
          ‹
        </button>
        <h2 className="calendar-title" aria-live="polite">
          {fmt.month.format(new Date(year, month, 1))}
        </h2>
        <button type="button" className="button-quiet" onClick={() => shift(1)} aria-label={t('recordings.calendar.nextMonth')}>
          ›
        </button>
        <button type="button" className="button-quiet" onClick={() => shift(12)} aria-label={t('recordings.calendar.nextYear')}>
          »
        </button>
      </div>
      <div className="calendar-ranges">
        <button type="button" onClick={() => pick(startOfDay(year, 0, 1), startOfDay(year + 1, 0, 1))}>
          {t('recordings.calendar.wholeYear', { year })}
        </button>
        <button type="button" onClick={() => pick(startOfDay(year, month, 1), startOfDay(year, month + 1, 1))}>
          {t('recordings.calendar.wholeMonth')}
        </button>
      </div>
      <div className="calendar-grid" role="group" aria-label={fmt.month.format(new Date(year, month, 1))}>
        {weekdays.map((w, i) => (
          <span key={`w${i}`} className="calendar-weekday" aria-hidden="true">
            {w}
          </span>
        ))}
        {cells.map((d, i) =>
          d === null ? (
            <span key={`e${i}`} />
          ) : (
            <button
              key={d}
              type="button"
              className={[
                'calendar-day',
                selected(d) ? 'selected' : '',
                today.getFullYear() === year && today.getMonth() === month && today.getDate() === d ? 'today' : '',
              ].join(' ')}
              aria-pressed={selected(d)}
              aria-label={fmt.day.format(new Date(year, month, d))}
              onClick={() => pick(startOfDay(year, month, d), startOfDay(year, month, d + 1))}
            >
              {d}
            </button>
          ),
        )}
      </div>
    </section>
  );
}
