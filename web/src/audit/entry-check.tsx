import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { SignedTreeHead } from '../api/types';
import { useDescribeError } from '../ui/error-notice';
import { StatusBadge } from '../ui/status-badge';
import { checkInclusion, type ProofCheck } from './proof-check';

/** The verdict on one entry's inclusion proof, checked in this browser against a trusted head. */
export function EntryVerdict({ result, trusted }: { result: ProofCheck; trusted: boolean }) {
  const { t } = useTranslation();
  const ok = result.verified && trusted;
  return (
    <StatusBadge tone={ok ? 'ok' : 'error'}>
      <span data-verdict={ok ? 'verified' : 'not-verified'}>{ok ? t('auditBrowser.entry.verified') : t('auditBrowser.entry.notVerified')}</span>
    </StatusBadge>
  );
}

/** A "verify" button for one ledger entry; the result replaces it. */
export function EntryCheck({ seq, head, trusted }: { seq: number; head: SignedTreeHead | undefined; trusted: boolean }) {
  const { t } = useTranslation();
  const describe = useDescribeError();
  const check = useMutation({ mutationFn: (h: SignedTreeHead) => checkInclusion(seq, h) });
  if (check.data) return <EntryVerdict result={check.data} trusted={trusted} />;
  if (check.error) return <StatusBadge tone="error">{describe(check.error)}</StatusBadge>;
  if (head && seq > head.size) return <span className="muted small">{t('auditBrowser.entry.afterHead')}</span>;
  return (
    <button type="button" className="button-small" disabled={!head || check.isPending} onClick={() => head && check.mutate(head)} aria-label={t('auditBrowser.entry.verifyOne', { seq })}>
      {check.isPending ? t('auditBrowser.entry.checking') : t('auditBrowser.entry.verify')}
    </button>
  );
}
