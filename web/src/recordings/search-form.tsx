import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useUnits } from '../units/use-units';
import { EMPTY_FILTERS, type SearchFilters } from './search-filters';

/** The filters: edited as a draft, applied on submit (Enter works in every field). */
export function SearchForm({ value, onSearch }: { value: SearchFilters; onSearch: (f: SearchFilters) => void }) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState(value);
  // The URL changed under the form (calendar, back button): show it. Not when the change is the
  // form's own submission arriving, which may land after the user already edits the next search.
  const submitted = useRef<string | null>(null);
  useEffect(() => {
    if (JSON.stringify(value) !== submitted.current) setDraft(value);
    submitted.current = null;
  }, [value]);
  const search = (f: SearchFilters) => {
    submitted.current = JSON.stringify(f);
    onSearch(f);
  };
  const id = useId();
  const units = useUnits();
  const top = Math.min(...(units.data ?? []).map((u) => u.depth));
  const set = <K extends keyof SearchFilters>(k: K, v: SearchFilters[K]) => setDraft((d) => ({ ...d, [k]: v }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    search(draft);
  };

  return (
    <form className="search-form" role="search" aria-label={t('recordings.search.title')} onSubmit={submit}>
      <div className="field field-grow">
        <label htmlFor={`${id}q`}>{t('recordings.search.text')}</label>
        <input id={`${id}q`} type="search" value={draft.q} maxLength={200} placeholder={t('recordings.search.textPlaceholder')} onChange={(e) => set('q', e.target.value)} />
      </div>
      {units.data && units.data.length > 1 ? (
        <div className="field">
          <label htmlFor={`${id}unit`}>{t('recordings.search.unit')}</label>
          <select id={`${id}unit`} value={draft.unit} onChange={(e) => set('unit', e.target.value)}>
            <option value="">{t('recordings.search.unitAll')}</option>
            {units.data.map((u) => (
              <option key={u.id} value={u.id}>
                {'\u3000'.repeat(u.depth - top)}
                {u.name}
              </option>
            ))}
          </select>
        </div>
      ) : null}
      <div className="field">
        <label htmlFor={`${id}device`}>{t('recordings.search.device')}</label>
        <input id={`${id}device`} value={draft.device} maxLength={64} onChange={(e) => set('device', e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor={`${id}officer`}>{t('recordings.search.officer')}</label>
        <input id={`${id}officer`} value={draft.officer} maxLength={64} onChange={(e) => set('officer', e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor={`${id}from`}>{t('recordings.search.from')}</label>
        <input id={`${id}from`} type="datetime-local" value={draft.from} onChange={(e) => set('from', e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor={`${id}to`}>{t('recordings.search.to')}</label>
        <input id={`${id}to`} type="datetime-local" value={draft.to} onChange={(e) => set('to', e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor={`${id}damaged`}>{t('recordings.search.damaged')}</label>
        <select id={`${id}damaged`} value={draft.damaged} onChange={(e) => set('damaged', e.target.value as SearchFilters['damaged'])}>
          <option value="">{t('recordings.search.damagedAny')}</option>
          <option value="true">{t('recordings.search.damagedOnly')}</option>
          <option value="false">{t('recordings.search.damagedNone')}</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}late`}>{t('recordings.search.late')}</label>
        <select id={`${id}late`} value={draft.late} onChange={(e) => set('late', e.target.value as SearchFilters['late'])}>
          <option value="">{t('recordings.search.damagedAny')}</option>
          <option value="true">{t('recordings.flag.late')}</option>
          <option value="false">{t('recordings.flag.onTime')}</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}order`}>{t('recordings.search.order')}</label>
        <select id={`${id}order`} value={draft.order} onChange={(e) => set('order', e.target.value === 'asc' ? 'asc' : 'desc')}>
          <option value="desc">{t('recordings.search.newestFirst')}</option>
          <option value="asc">{t('recordings.search.oldestFirst')}</option>
        </select>
      </div>
      <div className="form-actions">
        <button type="submit" className="button-primary">
          {t('recordings.search.submit')}
        </button>
        <button
          type="button"
          onClick={() => {
            setDraft(EMPTY_FILTERS);
            search(EMPTY_FILTERS);
          }}
        >
          {t('recordings.search.reset')}
        </button>
      </div>
    </form>
  );
}
