import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useId, useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { api, queryString } from '../api/http';
import type { AccessUse, DirectoryUser } from '../api/types';
import { ACCESS_REASONS } from '../recordings/access-request-form';
import { ErrorNotice } from '../ui/error-notice';
import { fromLocalInput, useFormat } from '../ui/format';
import './access.css';

const PAGE = 100;
const USE_KEY = { 'recording.view': 'view', 'recording.download': 'download', 'recording.export': 'export', 'recording.delete': 'delete' } as const;
const useKey = (action: string) => (Object.hasOwn(USE_KEY, action) ? USE_KEY[action as keyof typeof USE_KEY] : null);
const isReason = (r: string | null): r is (typeof ACCESS_REASONS)[number] => r !== null && (ACCESS_REASONS as readonly string[]).includes(r);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface Filters {
  user: string;
  recording: string;
  from: string;
  to: string;
}

/**
 * 调阅登记: every use of a grant in the units you oversee — who, which recording, when, why, under
 * which request — each linked to its ledger entry. Filters live in the address (shareable).
 */
export default function AccessRegisterPage() {
  const { t } = useTranslation();
  const f = useFormat();
  const id = useId();
  const [params, setParams] = useSearchParams();
  const filters: Filters = { user: params.get('user') ?? '', recording: params.get('recording') ?? '', from: params.get('from') ?? '', to: params.get('to') ?? '' };
  const [draft, setDraft] = useState<Filters>(filters);
  const [problem, setProblem] = useState<string | null>(null);
  const query = useMemo(
    () => ({ user: filters.user || undefined, recording: filters.recording || undefined, from: fromLocalInput(filters.from), to: fromLocalInput(filters.to) }),
    [filters.user, filters.recording, filters.from, filters.to],
  );
  const users = useQuery({ queryKey: ['users', 'all-active'], queryFn: ({ signal }) => api<{ items: DirectoryUser[] }>('/api/users', { signal }), staleTime: 60_000 });
  const register = useInfiniteQuery({
    queryKey: ['access-register', query],
    queryFn: ({ pageParam, signal }) => api<{ items: AccessUse[] }>(`/api/access-register${queryString({ ...query, before: pageParam, limit: PAGE })}`, { signal }),
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (last) => (last.items.length === PAGE ? last.items[last.items.length - 1]!.at : undefined),
  });
  const items = register.data?.pages.flatMap((p) => p.items) ?? [];

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (draft.recording.trim() && !UUID.test(draft.recording.trim())) return setProblem(t('accessRequests.register.recordingInvalid'));
    setProblem(null);
    const next = new URLSearchParams();
    for (const [k, v] of Object.entries(draft) as Array<[keyof Filters, string]>) if (v.trim()) next.set(k, v.trim());
    setParams(next);
  };

  return (
    <div className="page page-access-register">
      <h1>{t('accessRequests.register.title')}</h1>
      <p className="muted">{t('accessRequests.register.intro')}</p>
      <form className="search-form" onSubmit={submit} role="search" aria-label={t('accessRequests.register.filters')}>
        <div className="field">
          <label htmlFor={`${id}user`}>{t('accessRequests.register.user')}</label>
          <select id={`${id}user`} value={draft.user} onChange={(e) => setDraft({ ...draft, user: e.target.value })}>
            <option value="">{t('accessRequests.register.anyone')}</option>
            {(users.data?.items ?? []).map((u) => (
              <option key={u.id} value={u.id}>
                {u.displayName} ({u.username})
              </option>
            ))}
          </select>
        </div>
        <div className="field field-grow">
          <label htmlFor={`${id}rec`}>{t('accessRequests.register.recording')}</label>
          <input id={`${id}rec`} className="mono" placeholder={t('accessRequests.register.recordingHint')} value={draft.recording} onChange={(e) => setDraft({ ...draft, recording: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor={`${id}from`}>{t('accessRequests.register.from')}</label>
          <input id={`${id}from`} type="datetime-local" value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor={`${id}to`}>{t('accessRequests.register.to')}</label>
          <input id={`${id}to`} type="datetime-local" value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.target.value })} />
        </div>
        <div className="form-actions">
          <button type="submit" className="button-primary">
            {t('accessRequests.register.submit')}
          </button>
          <button
            type="button"
            onClick={() => {
              setDraft({ user: '', recording: '', from: '', to: '' });
              setParams(new URLSearchParams());
            }}
          >
            {t('accessRequests.register.reset')}
          </button>
        </div>
      </form>
      {problem ? (
        <p className="notice notice-error" role="alert">
          {problem}
        </p>
      ) : null}
      {register.error ? <ErrorNotice error={register.error} /> : null}
      <p className="result-count" role="status" aria-live="polite">
        {register.isPending ? t('shell.loading') : items.length === 0 ? t('accessRequests.register.none') : register.hasNextPage ? t('accessRequests.countMore', { n: items.length }) : t('accessRequests.register.count', { n: items.length })}
      </p>
      {items.length > 0 ? (
        <div className="table-scroll">
          <table className="compact access-register">
            <caption className="visually-hidden">{t('accessRequests.register.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('history.at')}</th>
                <th scope="col">{t('history.who')}</th>
                <th scope="col">{t('accessRequests.card.file')}</th>
                <th scope="col">{t('history.use')}</th>
                <th scope="col">{t('history.reason')}</th>
                <th scope="col">{t('history.range')}</th>
                <th scope="col">{t('history.ledger')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((u) => (
                <tr key={u.id}>
                  <td>{f.dateTime(u.at)}</td>
                  <td>
                    {u.user.displayName} <span className="muted small">({u.user.username})</span>
                  </td>
                  <td className="result-name">
                    <Link to={`/recordings/${u.recording.id}`}>{u.recording.originalName}</Link>
                  </td>
                  <td>{useKey(u.action) ? t(`history.uses.${useKey(u.action)!}`) : u.action}</td>
                  <td>
                    {isReason(u.reason) ? t(`access.reasons.${u.reason}`) : (u.reason ?? '—')}
                    {u.reasonText ? <div className="muted small">{u.reasonText}</div> : null}
                  </td>
                  <td className="mono small">{u.range ?? '—'}</td>
                  <td>
                    <Link to={`/audit?seq=${u.ledgerSeq}`}>
                      #{u.ledgerSeq}
                      <span className="visually-hidden"> {t('history.verifyEntry', { seq: u.ledgerSeq })}</span>
                    </Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {register.hasNextPage ? (
        <button type="button" className="button-wide" onClick={() => void register.fetchNextPage()} disabled={register.isFetchingNextPage}>
          {register.isFetchingNextPage ? t('shell.loading') : t('accessRequests.loadMore')}
        </button>
      ) : null}
    </div>
  );
}
