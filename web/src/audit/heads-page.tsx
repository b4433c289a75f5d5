import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, queryString } from '../api/http';
import type { SignedTreeHead } from '../api/types';
import { ErrorNotice } from '../ui/error-notice';
import { useFormat } from '../ui/format';
import { StatusBadge } from '../ui/status-badge';
import { AuditNav } from './audit-nav';
import { keyIdOf, verifyTreeHeadSignature } from './tree-head';

const PAGE = 50;

/** One head's signature, checked here with WebCrypto (Ed25519) and its key id recomputed. */
function HeadCheck({ head }: { head: SignedTreeHead }) {
  const { t } = useTranslation();
  const check = useQuery({
    queryKey: ['audit', 'head-check', head.size, head.signature],
    queryFn: async () => {
      const [sig, keyId] = await Promise.all([verifyTreeHeadSignature(head), keyIdOf(head.publicKey)]);
      return { sig, keyId: keyId === head.keyId };
    },
    staleTime: Infinity,
  });
  if (!check.data) return <span className="muted small">{t('auditBrowser.entry.checking')}</span>;
  if (check.data.sig === 'unsupported') return <StatusBadge tone="info">{t('audit.check.unsupported')}</StatusBadge>;
  const ok = check.data.sig && check.data.keyId;
  return (
    <span data-head-verdict={ok ? 'verified' : 'not-verified'}>
      <StatusBadge tone={ok ? 'ok' : 'error'}>{ok ? t('auditBrowser.heads.signatureOk') : t('auditBrowser.heads.signatureBad')}</StatusBadge>
    </span>
  );
}

/** Every signed tree head the site issued, newest first, each signature checked in this browser. */
export default function HeadsPage() {
  const { t } = useTranslation();
  const f = useFormat();
  const heads = useInfiniteQuery({
    queryKey: ['audit', 'heads'],
    queryFn: ({ pageParam, signal }) => api<{ items: SignedTreeHead[] }>(`/api/audit/heads${queryString({ beforeSize: pageParam, limit: PAGE })}`, { signal }),
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (last) => (last.items.length === PAGE ? last.items[last.items.length - 1]!.size : undefined),
  });
  const items = heads.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <div className="page page-heads">
      <h1>{t('auditBrowser.heads.title')}</h1>
      <AuditNav />
      <p className="muted">{t('auditBrowser.heads.intro')}</p>
      {heads.error ? <ErrorNotice error={heads.error} /> : null}
      {heads.isPending ? <p role="status">{t('shell.loading')}</p> : null}
      {items.length > 0 ? (
        <div className="table-scroll">
          <table className="compact tree-heads">
            <caption className="visually-hidden">{t('auditBrowser.heads.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('audit.head.size')}</th>
                <th scope="col">{t('audit.head.signedAt')}</th>
                <th scope="col">{t('audit.head.root')}</th>
                <th scope="col">{t('audit.head.keyId')}</th>
                <th scope="col">{t('auditBrowser.heads.check')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((h) => (
                <tr key={h.size} data-size={h.size}>
                  <td className="mono">{f.number(h.size)}</td>
                  <td className="small">{f.dateTime(h.timestamp)}</td>
                  <td className="mono hash-cell">{h.root}</td>
                  <td className="mono small">{h.keyId}</td>
                  <td>
                    <HeadCheck head={h} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {heads.hasNextPage ? (
        <button type="button" className="button-wide" onClick={() => void heads.fetchNextPage()} disabled={heads.isFetchingNextPage}>
          {t('auditBrowser.entries.more')}
        </button>
      ) : null}
    </div>
  );
}
