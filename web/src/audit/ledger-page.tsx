import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useEffect, useId, useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { ApiError, api, queryString } from '../api/http';
import type { LedgerEntry } from '../api/types';
import { ErrorNotice } from '../ui/error-notice';
import { fromLocalInput } from '../ui/format';
import { AuditNav } from './audit-nav';
import { EntriesTable } from './entries-table';
import { headTrusted, useVerifiedHead } from './use-verified-head';

const PAGE = 50;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Actions the ledger holds, offered as suggestions (any other can be typed; `recording.*` matches a family). */
const ACTIONS = [
  'recording.*', 'recording.import', 'recording.view', 'recording.download', 'recording.update', 'recording.sensitivity',
  'access.*', 'access.request', 'access.approve', 'access.reject', 'access.revoke', 'access.denied', 'access.form_print',
  'case.*', 'case.create', 'case.link', 'case.unlink', 'work_record.file',
  'retention.*', 'retention.long_term_mark', 'retention.long_term_unmark', 'retention.hold', 'retention.hold_lift', 'retention.batch_propose', 'retention.batch_approve', 'retention.batch_restore', 'retention.delete',
  'profile.*', 'auth.*', 'auth.login', 'auth.login_failed', 'auth.step_up_failed', 'user.*', 'device.*', 'ingest.*', 'audit.verify',
];
const SUBJECT_TYPES = ['recording', 'case', 'work_record', 'access_request', 'deletion_batch', 'device', 'user', 'unit', 'profile'];

interface Filters {
  action: string;
  actor: string;
  subjectType: string;
  subjectId: string;
  from: string;
  to: string;
}
const KEYS: ReadonlyArray<keyof Filters> = ['action', 'actor', 'subjectType', 'subjectId', 'from', 'to'];
const read = (p: URLSearchParams): Filters => Object.fromEntries(KEYS.map((k) => [k, p.get(k) ?? ''])) as unknown as Filters;

/** The actor filter takes a user id, or a username looked up in the directory. */
function useActorId(actor: string) {
  const name = actor.trim();
  return useQuery({
    queryKey: ['audit', 'actor', name],
    enabled: name !== '' && !UUID.test(name),
    queryFn: async ({ signal }) => {
      const found = (await api<{ items: Array<{ id: string; username: string }> }>(`/api/users${queryString({ q: name, inactive: 'true' })}`, { signal })).items;
      const hit = found.find((u) => u.username === name) ?? (found.length === 1 ? found[0] : undefined);
      if (!hit) throw new ApiError(404, 'actor_not_found', name);
      return hit.id;
    },
    retry: false,
  });
}

/** The ledger browser: entries newest first, filtered by action, actor, subject and time; each verifiable here. */
export default function LedgerPage() {
  const { t } = useTranslation();
  const id = useId();
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => read(params), [params]);
  const [draft, setDraft] = useState(filters);
  useEffect(() => setDraft(filters), [filters]);
  const head = useVerifiedHead();
  const actor = useActorId(filters.actor);
  const actorId = filters.actor.trim() === '' ? undefined : UUID.test(filters.actor.trim()) ? filters.actor.trim() : actor.data;
  const waiting = filters.actor.trim() !== '' && actorId === undefined;
  const query = { action: filters.action.trim(), actor: actorId, subjectType: filters.subjectType, subjectId: filters.subjectId.trim(), from: fromLocalInput(filters.from), to: fromLocalInput(filters.to) };
  const entries = useInfiniteQuery({
    queryKey: ['audit', 'entries', query],
    enabled: !waiting,
    queryFn: ({ pageParam, signal }) => api<{ items: LedgerEntry[] }>(`/api/audit/entries${queryString({ ...query, order: 'desc', limit: PAGE, before: pageParam })}`, { signal }),
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (last) => (last.items.length === PAGE ? last.items[last.items.length - 1]!.seq : undefined),
  });
  const items = entries.data?.pages.flatMap((p) => p.items) ?? [];
  const set = <K extends keyof Filters>(k: K, v: string) => setDraft((d) => ({ ...d, [k]: v }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const p = new URLSearchParams();
    for (const k of KEYS) if (draft[k].trim()) p.set(k, draft[k].trim());
    setParams(p);
  };

  return (
    <div className="page page-ledger">
      <h1>{t('auditBrowser.entries.title')}</h1>
      <AuditNav />
      <p className="muted">{t('auditBrowser.entries.intro')}</p>
      <form className="search-form ledger-filters" role="search" aria-label={t('auditBrowser.entries.filters')} onSubmit={submit}>
        <div className="field">
          <label htmlFor={`${id}action`}>{t('auditBrowser.entries.action')}</label>
          <input id={`${id}action`} list={`${id}actions`} value={draft.action} maxLength={100} placeholder="recording.*" onChange={(e) => set('action', e.target.value)} />
          <datalist id={`${id}actions`}>
            {ACTIONS.map((a) => (
              <option key={a} value={a} />
            ))}
          </datalist>
        </div>
        <div className="field">
          <label htmlFor={`${id}actor`}>{t('auditBrowser.entries.actor')}</label>
          <input id={`${id}actor`} value={draft.actor} maxLength={100} onChange={(e) => set('actor', e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${id}stype`}>{t('auditBrowser.entries.subjectType')}</label>
          <select id={`${id}stype`} value={draft.subjectType} onChange={(e) => set('subjectType', e.target.value)}>
            <option value="">{t('auditBrowser.entries.any')}</option>
            {SUBJECT_TYPES.map((s) => (
              <option key={s} value={s}>
                {t(`auditBrowser.subjects.${s as 'recording'}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}sid`}>{t('auditBrowser.entries.subjectId')}</label>
          <input id={`${id}sid`} value={draft.subjectId} maxLength={200} onChange={(e) => set('subjectId', e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${id}from`}>{t('auditBrowser.entries.from')}</label>
          <input id={`${id}from`} type="datetime-local" value={draft.from} onChange={(e) => set('from', e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${id}to`}>{t('auditBrowser.entries.to')}</label>
          <input id={`${id}to`} type="datetime-local" value={draft.to} onChange={(e) => set('to', e.target.value)} />
        </div>
        <div className="form-actions">
          <button type="submit" className="button-primary">
            {t('auditBrowser.entries.submit')}
          </button>
          <button type="button" onClick={() => setParams(new URLSearchParams())}>
            {t('auditBrowser.entries.reset')}
          </button>
        </div>
      </form>
      {actor.error ? <ErrorNotice error={actor.error instanceof ApiError && actor.error.code === 'actor_not_found' ? new Error(t('auditBrowser.entries.actorUnknown', { name: filters.actor })) : actor.error} /> : null}
      {entries.error ? <ErrorNotice error={entries.error} /> : null}
      {head.error ? <ErrorNotice error={head.error} /> : null}
      <p className="result-count" role="status" aria-live="polite">
        {entries.isPending ? t('shell.loading') : items.length === 0 ? t('auditBrowser.entries.none') : entries.hasNextPage ? t('auditBrowser.entries.countMore', { count: items.length }) : t('auditBrowser.entries.count', { count: items.length })}
      </p>
      {items.length > 0 ? <EntriesTable items={items} head={head.data?.head} trusted={headTrusted(head.data)} caption={t('auditBrowser.entries.title')} /> : null}
      {entries.hasNextPage ? (
        <button type="button" className="button-wide" onClick={() => void entries.fetchNextPage()} disabled={entries.isFetchingNextPage}>
          {entries.isFetchingNextPage ? t('shell.loading') : t('auditBrowser.entries.more')}
        </button>
      ) : null}
    </div>
  );
}
