import { useEffect, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { EMPTY_FILTERS, type SearchFilters } from './search-filters';

/** The filters: edited as a draft, applied on submit (Enter works in every field). */
export function SearchForm({ value, onSearch }: { value: SearchFilters; onSearch: (f: SearchFilters) => void }) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState(value);
  useEffect(() => setDraft(value), [value]);
  const id = useId();
  const set = <K extends keyof SearchFilters>(k: K, v: SearchFilters[K]) => setDraft((d) => ({ ...d, [k]: v }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSearch(draft);
  };

  return (
    <form className="search-form" role="search" aria-label={t('recordings.search.title')} onSubmit={submit}>
      <div className="field field-grow">
        <label htmlFor={`${id}q`}>{t('recordings.search.text')}</label>
        <input id={`${id}q`} type="search" value={draft.q} maxLength={200} placeholder={t('recordings.search.textPlaceholder')} onChange={(e) => set('q', e.target.value)} />
      </div>
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
            onSearch(EMPTY_FILTERS);
          }}
        >
          {t('recordings.search.reset')}
        </button>
      </div>
    </form>
  );
}
