import { useInfiniteQuery } from '@tanstack/react-query';
import { useEffect, useId, useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { api, queryString } from '../api/http';
import { ErrorNotice } from '../ui/error-notice';
import { useFormat } from '../ui/format';
import { useUnits } from '../units/use-units';
import { CaseStatusBadge } from './case-status';
import type { CasePage } from './types';
import './cases.css';

const PAGE_SIZE = 50;
interface Filters {
  q: string;
  party: string;
  status: '' | 'open' | 'closed';
  unit: string;
}
const EMPTY: Filters = { q: '', party: '', status: '', unit: '' };

function fromParams(p: URLSearchParams): Filters {
  const status = p.get('status');
  return { q: p.get('q') ?? '', party: p.get('party') ?? '', status: status === 'open' || status === 'closed' ? status : '', unit: p.get('unit') ?? '' };
}

/** Cases and enforcement activities of the user's units: search by number or title, supervised party, status and unit. */
export default function CasesPage() {
  const { t } = useTranslation();
  const f = useFormat();
  const id = useId();
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => fromParams(params), [params]);
  const [draft, setDraft] = useState(filters);
  useEffect(() => setDraft(filters), [filters]);
  const units = useUnits();
  const top = Math.min(...(units.data ?? []).map((u) => u.depth));
  const unitName = (uid: string) => units.data?.find((u) => u.id === uid)?.name ?? uid;

  const results = useInfiniteQuery({
    queryKey: ['cases', 'search', filters],
    queryFn: ({ pageParam, signal }) =>
      api<CasePage>(
        `/api/cases${queryString({ q: filters.q.trim(), party: filters.party.trim(), status: filters.status, unit: filters.unit, limit: PAGE_SIZE, beforeCreatedAt: pageParam?.createdAt, beforeId: pageParam?.id })}`,
        { signal },
      ),
    initialPageParam: undefined as { createdAt: number; id: string } | undefined,
    getNextPageParam: (last) => last.nextBefore ?? undefined,
  });
  const items = results.data?.pages.flatMap((p) => p.items) ?? [];
  const set = <K extends keyof Filters>(k: K, v: Filters[K]) => setDraft((d) => ({ ...d, [k]: v }));
  const search = (next: Filters) => {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(next) as Array<[string, string]>) if (v) p.set(k, v);
    setParams(p);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    search(draft);
  };

  return (
    <div className="page page-cases">
      <div className="page-head">
        <h1>{t('cases.list.title')}</h1>
        <Link to="/cases/new" className="button button-primary">
          {t('cases.list.new')}
        </Link>
      </div>
      <form className="search-form" role="search" aria-label={t('cases.list.searchLabel')} onSubmit={submit}>
        <div className="field field-grow">
          <label htmlFor={`${id}q`}>{t('cases.list.text')}</label>
          <input id={`${id}q`} type="search" value={draft.q} maxLength={100} placeholder={t('cases.list.textPlaceholder')} onChange={(e) => set('q', e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${id}party`}>{t('cases.list.party')}</label>
          <input id={`${id}party`} value={draft.party} maxLength={100} onChange={(e) => set('party', e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${id}status`}>{t('cases.list.status')}</label>
          <select id={`${id}status`} value={draft.status} onChange={(e) => set('status', e.target.value as Filters['status'])}>
            <option value="">{t('cases.list.statusAny')}</option>
            <option value="open">{t('cases.status.open')}</option>
            <option value="closed">{t('cases.status.closed')}</option>
          </select>
        </div>
        {units.data && units.data.length > 1 ? (
          <div className="field">
            <label htmlFor={`${id}unit`}>{t('cases.list.unit')}</label>
            <select id={`${id}unit`} value={draft.unit} onChange={(e) => set('unit', e.target.value)}>
              <option value="">{t('cases.list.unitAll')}</option>
              {units.data.map((u) => (
                <option key={u.id} value={u.id}>
                  {'\u3000'.repeat(u.depth - top)}
                  {u.name}
                </option>
              ))}
            </select>
          </div>
        ) : null}
        <div className="form-actions">
          <button type="submit" className="button-primary">
            {t('cases.list.submit')}
          </button>
          <button
            type="button"
            onClick={() => {
              setDraft(EMPTY);
              search(EMPTY);
            }}
          >
            {t('cases.list.reset')}
          </button>
        </div>
      </form>
      {results.error ? <ErrorNotice error={results.error} /> : null}
      <p className="result-count" role="status" aria-live="polite">
        {results.isPending ? t('shell.loading') : items.length === 0 ? t('cases.list.none') : results.hasNextPage ? t('cases.list.countMore', { count: items.length }) : t('cases.list.count', { count: items.length })}
      </p>
      {items.length > 0 ? (
        <div className="table-scroll">
          <table className="results cases-table">
            <caption className="visually-hidden">{t('cases.list.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('cases.fields.number')}</th>
                <th scope="col">{t('cases.fields.title')}</th>
                <th scope="col">{t('cases.fields.kind')}</th>
                <th scope="col">{t('cases.fields.supervisedParty')}</th>
                <th scope="col">{t('cases.fields.unit')}</th>
                <th scope="col">{t('cases.fields.documents')}</th>
                <th scope="col">{t('cases.fields.status')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((c) => (
                <tr key={c.id}>
                  <td>
                    <Link to={`/cases/${c.id}`} className="result-name">
                      {c.number}
                    </Link>
                  </td>
                  <td>{c.title}</td>
                  <td>{t(`cases.kind.${c.kind}`)}</td>
                  <td>{c.supervisedParty ?? '—'}</td>
                  <td>{unitName(c.unitId)}</td>
                  <td className="small">{c.documentsStartedAt !== null ? `${f.dateTime(c.documentsStartedAt)} – ${f.dateTime(c.documentsEndedAt)}` : t('cases.detail.noDocuments')}</td>
                  <td>
                    <CaseStatusBadge status={c.status} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {results.hasNextPage ? (
        <button type="button" className="button-wide" onClick={() => void results.fetchNextPage()} disabled={results.isFetchingNextPage}>
          {results.isFetchingNextPage ? t('shell.loading') : t('cases.list.loadMore')}
        </button>
      ) : null}
    </div>
  );
}
