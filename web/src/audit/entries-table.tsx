import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { LedgerEntry, SignedTreeHead } from '../api/types';
import { useFormat } from '../ui/format';
import { EntryCheck } from './entry-check';

interface LeafFields {
  actor: { id: string; name: string } | null;
  reason: string | null;
  ip: string | null;
  details: Record<string, unknown>;
}

/** The parts of a leaf the table shows (the leaf is the server's canonical JSON). */
export function leafFields(e: LedgerEntry): LeafFields {
  const v = (typeof e.entry === 'object' && e.entry !== null ? e.entry : {}) as Partial<LeafFields>;
  return { actor: v.actor ?? null, reason: typeof v.reason === 'string' ? v.reason : null, ip: typeof v.ip === 'string' ? v.ip : null, details: typeof v.details === 'object' && v.details ? v.details : {} };
}

/** Where a subject lives in the app, when it has a page. */
export function subjectLink(type: string | null, id: string | null): string | null {
  if (!type || !id) return null;
  if (type === 'recording') return `/recordings/${id}`;
  if (type === 'case') return `/cases/${id}`;
  if (type === 'deletion_batch') return `/retention/batches/${id}`;
  return null;
}

export function EntriesTable({ items, head, trusted, caption, verdicts }: { items: readonly LedgerEntry[]; head: SignedTreeHead | undefined; trusted: boolean; caption: string; verdicts?: (seq: number) => ReactNode }) {
  const { t } = useTranslation();
  const f = useFormat();
  return (
    <div className="table-scroll">
      <table className="compact ledger-entries">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('auditBrowser.entry.seq')}</th>
            <th scope="col">{t('audit.entry.at')}</th>
            <th scope="col">{t('audit.entry.action')}</th>
            <th scope="col">{t('auditBrowser.entry.actor')}</th>
            <th scope="col">{t('audit.entry.subject')}</th>
            <th scope="col">{t('auditBrowser.entry.reason')}</th>
            <th scope="col">{t('auditBrowser.entry.proof')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((e) => {
            const leaf = leafFields(e);
            const page = subjectLink(e.subjectType, e.subjectId);
            return (
              <tr key={e.seq} data-seq={e.seq}>
                <td className="mono">{e.seq}</td>
                <td className="small">{f.dateTime(e.at)}</td>
                <td className="mono small">{e.action}</td>
                <td>{leaf.actor ? leaf.actor.name : <span className="muted">{t('auditBrowser.entry.system')}</span>}</td>
                <td className="small">
                  {e.subjectType ? (
                    <>
                      <span className="mono">{e.subjectType}</span>{' '}
                      {page ? (
                        <Link to={page} className="mono">
                          {e.subjectId}
                        </Link>
                      ) : (
                        <span className="mono">{e.subjectId}</span>
                      )}{' '}
                      <Link to={`/audit/custody/${encodeURIComponent(e.subjectType)}/${encodeURIComponent(e.subjectId ?? '')}`} className="custody-link">
                        {t('auditBrowser.entry.custody')}
                      </Link>
                    </>
                  ) : (
                    '—'
                  )}
                </td>
                <td className="small">{leaf.reason ?? ''}</td>
                <td>{verdicts?.(e.seq) ?? <EntryCheck seq={e.seq} head={head} trusted={trusted} />}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
