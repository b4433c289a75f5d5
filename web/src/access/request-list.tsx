import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorNotice } from '../ui/error-notice';
import { useRequests } from './access-api';
import { RequestCard } from './request-card';
import type { AccessRequestView, RequestState, Scope } from './types';

/** Requests of a scope as cards, newest first, with "show more" (the server's `before` paging). */
export function RequestList({ scope, state, empty, own, actions }: { scope: Scope; state: RequestState | ''; empty: string; own: (r: AccessRequestView) => boolean; actions: (r: AccessRequestView) => ReactNode }) {
  const { t } = useTranslation();
  const list = useRequests(scope, state);
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <div className="request-list">
      {list.error ? <ErrorNotice error={list.error} /> : null}
      <p className="result-count" role="status" aria-live="polite">
        {list.isPending ? t('shell.loading') : items.length === 0 ? empty : list.hasNextPage ? t('accessRequests.countMore', { n: items.length }) : t('accessRequests.count', { n: items.length })}
      </p>
      {items.map((r) => (
        <RequestCard key={r.id} request={r} own={own(r)}>
          {actions(r)}
        </RequestCard>
      ))}
      {list.hasNextPage ? (
        <button type="button" className="button-wide" onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage}>
          {list.isFetchingNextPage ? t('shell.loading') : t('accessRequests.loadMore')}
        </button>
      ) : null}
    </div>
  );
}

export function StateFilter({ value, onChange, id }: { value: RequestState | ''; onChange: (s: RequestState | '') => void; id: string }) {
  const { t } = useTranslation();
  const states: RequestState[] = ['pending', 'approved', 'expired', 'revoked', 'rejected', 'withdrawn'];
  return (
    <div className="field">
      <label htmlFor={id}>{t('accessRequests.filterState')}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value as RequestState | '')}>
        <option value="">{t('accessRequests.anyState')}</option>
        {states.map((s) => (
          <option key={s} value={s}>
            {t(`accessRequests.state.${s}`)}
          </option>
        ))}
      </select>
    </div>
  );
}
