import { useInfiniteQuery } from '@tanstack/react-query';
import { useEffect, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { api, queryString } from '../api/http';
import type { RecordingPage } from '../api/types';
import { ErrorNotice } from '../ui/error-notice';
import { CalendarBrowse } from './calendar-browse';
import { ResultsTable } from './results-table';
import { apiQuery, filtersFromParams, filtersToParams, type SearchFilters } from './search-filters';
import { SearchForm } from './search-form';

const PAGE_SIZE = 50;
/** Marked once per page load when the first results are on screen and the form works (test/e2e/first-load.e2e.ts reads it). */
const FIRST_RESULTS_MARK = 'custodia:recordings-interactive';

/** Search recordings; pages are fetched with the server's keyset cursor ("load more"), never by offset. */
export default function RecordingSearchPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => filtersFromParams(params), [params]);
  const query = useMemo(() => apiQuery(filters), [filters]);

  const results = useInfiniteQuery({
    queryKey: ['recordings', 'search', query],
    queryFn: ({ pageParam, signal }) => api<RecordingPage>(`/api/recordings${queryString({ ...query, limit: PAGE_SIZE, cursor: pageParam })}`, { signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const items = useMemo(() => results.data?.pages.flatMap((p) => p.items) ?? [], [results.data]);
  useEffect(() => {
    if (!results.isPending && performance.getEntriesByName(FIRST_RESULTS_MARK).length === 0) performance.mark(FIRST_RESULTS_MARK);
  }, [results.isPending]);
  const search = (f: SearchFilters) => setParams(filtersToParams(f));

  return (
    <div className="page page-recordings">
      <h1>{t('recordings.search.title')}</h1>
      <div className="search-layout">
        <div className="search-main">
          <SearchForm value={filters} onSearch={search} />
          {results.error ? <ErrorNotice error={results.error} /> : null}
          <p className="result-count" role="status" aria-live="polite">
            {results.isPending
              ? t('shell.loading')
              : items.length === 0
                ? t('recordings.results.none')
                : results.hasNextPage
                  ? t('recordings.results.countMore', { count: items.length })
                  : t('recordings.results.count', { count: items.length })}
          </p>
          {items.length > 0 ? <ResultsTable items={items} /> : null}
          {results.hasNextPage ? (
            <button type="button" className="button-wide" onClick={() => void results.fetchNextPage()} disabled={results.isFetchingNextPage}>
              {results.isFetchingNextPage ? t('shell.loading') : t('recordings.results.loadMore')}
            </button>
          ) : null}
        </div>
        <aside className="search-aside">
          <CalendarBrowse from={filters.from} to={filters.to} near={items[0]?.startedAt} onPick={(from, to) => search({ ...filters, from, to })} />
        </aside>
      </div>
    </div>
  );
}
