import { useQuery } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api, queryString } from '../api/http';
import type { LedgerEntry } from '../api/types';
import { ErrorNotice } from '../ui/error-notice';
import { StatusBadge } from '../ui/status-badge';
import { AuditNav } from './audit-nav';
import { EntriesTable, subjectLink } from './entries-table';
import { EntryVerdict } from './entry-check';
import { checkInclusion, type ProofCheck } from './proof-check';
import { headTrusted, useVerifiedHead } from './use-verified-head';

const PAGE = 1000;

/**
 * A record's chain of custody: every ledger entry about one subject (a recording: its import, each
 * viewing and copy, links to cases, marks, holds, deletion), oldest first, each provable by its
 * inclusion proof — one at a time or all in turn, checked in this browser against the signed head.
 */
export default function CustodyPage() {
  const { t } = useTranslation();
  const { type = '', id = '' } = useParams();
  const head = useVerifiedHead();
  const trusted = headTrusted(head.data);
  const entries = useQuery({
    queryKey: ['audit', 'custody', type, id],
    queryFn: async ({ signal }) => {
      const out: LedgerEntry[] = [];
      for (;;) {
        const page = await api<{ items: LedgerEntry[] }>(`/api/audit/entries${queryString({ subjectType: type, subjectId: id, after: out.at(-1)?.seq ?? 0, limit: PAGE })}`, { signal });
        out.push(...page.items);
        if (page.items.length < PAGE) return out;
      }
    },
  });
  const name = useQuery({
    queryKey: ['recording', id],
    enabled: type === 'recording',
    queryFn: ({ signal }) => api<{ originalName: string; title: string | null }>(`/api/recordings/${encodeURIComponent(id)}`, { signal }),
    retry: false,
  });
  const [results, setResults] = useState<Map<number, ProofCheck | 'error'>>(new Map());
  const [running, setRunning] = useState(false);
  const stop = useRef(false);
  const items = entries.data ?? [];
  const provable = items.filter((e) => head.data && e.seq <= head.data.head.size);
  const done = provable.filter((e) => results.has(e.seq)).length;
  const failed = [...results.values()].filter((r) => r === 'error' || !r.verified).length;

  const verifyAll = async () => {
    const h = head.data?.head;
    if (!h) return;
    setRunning(true);
    stop.current = false;
    for (const e of provable) {
      if (stop.current) break;
      if (results.has(e.seq)) continue;
      let r: ProofCheck | 'error';
      try {
        r = await checkInclusion(e.seq, h);
      } catch {
        r = 'error';
      }
      setResults((m) => new Map(m).set(e.seq, r));
    }
    setRunning(false);
  };
  const page = subjectLink(type, id);

  return (
    <div className="page page-custody">
      <h1>{t('auditBrowser.custody.title')}</h1>
      <AuditNav />
      <p>
        <span className="mono">{type}</span>{' '}
        {page ? (
          <Link to={page} className="mono">
            {name.data ? (name.data.title ?? name.data.originalName) : id}
          </Link>
        ) : (
          <span className="mono">{id}</span>
        )}
      </p>
      <p className="muted">{t('auditBrowser.custody.intro')}</p>
      {entries.error ? <ErrorNotice error={entries.error} /> : null}
      {head.error ? <ErrorNotice error={head.error} /> : null}
      {entries.isPending ? <p role="status">{t('shell.loading')}</p> : null}
      {entries.data ? (
        <>
          <div className="custody-actions">
            <button type="button" className="button-primary" disabled={running || !head.data || provable.length === 0 || done === provable.length} onClick={() => void verifyAll()}>
              {t('auditBrowser.custody.verifyAll', { n: provable.length })}
            </button>
            {running ? (
              <button type="button" onClick={() => (stop.current = true)}>
                {t('auditBrowser.custody.stop')}
              </button>
            ) : null}
            <span className="verify-bar" role="status">
              <progress max={Math.max(provable.length, 1)} value={done} aria-label={t('auditBrowser.custody.progress')} />
              <span className="small">{t('auditBrowser.verify.count', { done, total: provable.length })}</span>
            </span>
            {done > 0 && done === provable.length && !running ? (
              <span data-custody-verdict={failed === 0 && trusted ? 'verified' : 'not-verified'}>
                <StatusBadge tone={failed === 0 && trusted ? 'ok' : 'error'}>{failed === 0 && trusted ? t('auditBrowser.custody.allVerified', { n: done }) : t('auditBrowser.custody.someFailed', { n: failed })}</StatusBadge>
              </span>
            ) : null}
          </div>
          {items.length > provable.length ? <p className="hint">{t('auditBrowser.custody.unsigned', { n: items.length - provable.length })}</p> : null}
          {items.length === 0 ? (
            <p className="muted">{t('auditBrowser.custody.none')}</p>
          ) : (
            <EntriesTable
              items={items}
              head={head.data?.head}
              trusted={trusted}
              caption={t('auditBrowser.custody.title')}
              verdicts={(seq) => {
                const r = results.get(seq);
                if (!r) return undefined;
                return r === 'error' ? <StatusBadge tone="error">{t('auditBrowser.entry.notVerified')}</StatusBadge> : <EntryVerdict result={r} trusted={trusted} />;
              }}
            />
          )}
        </>
      ) : null}
    </div>
  );
}
