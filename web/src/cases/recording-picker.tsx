import { useQuery } from '@tanstack/react-query';
import { useId, useState, type DragEvent, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, queryString } from '../api/http';
import type { RecordingPage } from '../api/types';
import { ErrorNotice } from '../ui/error-notice';
import { fromLocalInput, toLocalInput, useFormat } from '../ui/format';

/** The drag payload of a recording dragged from the picker onto the case. */
export const RECORDING_DRAG_TYPE = 'application/x-custodia-recording';

interface Query {
  q: string;
  device: string;
  officer: string;
  from: string;
  to: string;
}

/**
 * Find recordings (GET /api/recordings) and add them to the case: each result has an "add" button
 * (the keyboard path), a checkbox for adding several at once, and can be dragged onto the case's
 * recordings. Already linked ones say so instead.
 */
export function RecordingPicker({ linked, around, onAdd, busy }: { linked: ReadonlySet<string>; around: { start: number; end: number } | null; onAdd: (ids: string[]) => void; busy: boolean }) {
  const { t } = useTranslation();
  const f = useFormat();
  const id = useId();
  const HOUR = 3600_000;
  const initial: Query = { q: '', device: '', officer: '', from: around ? toLocalInput(around.start - HOUR) : '', to: around ? toLocalInput(around.end + HOUR) : '' };
  const [draft, setDraft] = useState<Query>(initial);
  const [query, setQuery] = useState<Query | null>(null);
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const set = <K extends keyof Query>(k: K, v: Query[K]) => setDraft((d) => ({ ...d, [k]: v }));

  const results = useQuery({
    queryKey: ['recordings', 'picker', query],
    enabled: query !== null,
    queryFn: ({ signal }) =>
      api<RecordingPage>(
        `/api/recordings${queryString({ q: query!.q.trim(), device: query!.device.trim(), officer: query!.officer.trim(), from: fromLocalInput(query!.from), to: fromLocalInput(query!.to), order: 'asc', limit: 100 })}`,
        { signal },
      ),
  });
  const items = results.data?.items ?? [];
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setChosen(new Set());
    setQuery({ ...draft });
  };
  const onDragStart = (e: DragEvent, rid: string) => {
    const ids = chosen.has(rid) ? [...chosen] : [rid];
    e.dataTransfer.setData(RECORDING_DRAG_TYPE, JSON.stringify(ids));
    e.dataTransfer.setData('text/plain', ids.join('\n'));
    e.dataTransfer.effectAllowed = 'link';
  };
  const addChosen = () => {
    onAdd([...chosen]);
    setChosen(new Set());
  };

  return (
    <section className="card picker" aria-labelledby={`${id}title`}>
      <h2 id={`${id}title`}>{t('cases.picker.title')}</h2>
      <p className="hint">{t('cases.picker.intro')}</p>
      <form className="picker-form" role="search" aria-label={t('cases.picker.title')} onSubmit={submit}>
        <div className="field">
          <label htmlFor={`${id}q`}>{t('cases.picker.text')}</label>
          <input id={`${id}q`} type="search" value={draft.q} maxLength={200} onChange={(e) => set('q', e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${id}device`}>{t('cases.picker.device')}</label>
          <input id={`${id}device`} value={draft.device} maxLength={64} onChange={(e) => set('device', e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${id}officer`}>{t('cases.picker.officer')}</label>
          <input id={`${id}officer`} value={draft.officer} maxLength={64} onChange={(e) => set('officer', e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${id}from`}>{t('cases.picker.from')}</label>
          <input id={`${id}from`} type="datetime-local" value={draft.from} onChange={(e) => set('from', e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${id}to`}>{t('cases.picker.to')}</label>
          <input id={`${id}to`} type="datetime-local" value={draft.to} onChange={(e) => set('to', e.target.value)} />
        </div>
        <div className="form-actions">
          <button type="submit">{t('cases.picker.search')}</button>
        </div>
      </form>
      {results.error ? <ErrorNotice error={results.error} /> : null}
      {query !== null ? (
        <p className="result-count" role="status" aria-live="polite">
          {results.isPending ? t('shell.loading') : items.length === 0 ? t('cases.picker.none') : t('cases.picker.count', { count: items.length })}
        </p>
      ) : null}
      {items.length > 0 ? (
        <>
          <ul className="picker-results" aria-label={t('cases.picker.results')}>
            {items.map((r) => {
              const isLinked = linked.has(r.id);
              const label = r.title ?? r.originalName;
              return (
                <li key={r.id} className="picker-item" draggable={!isLinked} onDragStart={(e) => onDragStart(e, r.id)} data-recording={r.id}>
                  <input
                    type="checkbox"
                    aria-label={t('cases.picker.choose', { name: label })}
                    disabled={isLinked}
                    checked={chosen.has(r.id)}
                    onChange={(e) => setChosen((s) => (e.target.checked ? new Set([...s, r.id]) : new Set([...s].filter((x) => x !== r.id))))}
                  />
                  <span className="picker-what">
                    <strong className="result-name">{label}</strong>
                    <span className="small muted">
                      {[r.deviceSerial, r.officerBadge].filter(Boolean).join(' · ')} · {f.dateTime(r.startedAt)} · {f.duration(r.durationMs)}
                    </span>
                  </span>
                  {isLinked ? (
                    <span className="muted small">{t('cases.picker.already')}</span>
                  ) : (
                    <button type="button" onClick={() => onAdd([r.id])} disabled={busy} aria-label={t('cases.picker.addOne', { name: label })}>
                      {t('cases.picker.add')}
                    </button>
                  )}
                </li>
              );
            })}
          </ul>
          <div className="form-actions">
            <button type="button" className="button-primary" disabled={chosen.size === 0 || busy} onClick={addChosen}>
              {t('cases.picker.addChosen', { n: chosen.size })}
            </button>
          </div>
        </>
      ) : null}
    </section>
  );
}

/** Reads the recording ids a drop carries (from the picker). */
export function droppedRecordings(e: DragEvent): string[] {
  try {
    const raw = e.dataTransfer.getData(RECORDING_DRAG_TYPE);
    const ids = raw ? (JSON.parse(raw) as unknown) : [];
    return Array.isArray(ids) ? ids.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}
