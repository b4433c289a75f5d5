import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../api/http';
import { ErrorNotice } from '../ui/error-notice';
import { useFormat } from '../ui/format';
import { StatusBadge } from '../ui/status-badge';

interface Problem {
  kind: string;
  location: string;
  message: string;
}

export interface VerifyJob {
  id: string;
  state: 'running' | 'done' | 'failed';
  startedAt: number;
  startedBy: { id: string; name: string } | null;
  finishedAt: number | null;
  progress: { phase: 'starting' | 'ledger' | 'blobs'; ledger: { done: number; total: number }; blobs: { done: number; total: number } | null };
  result: {
    ok: boolean;
    ledger: { entries: number; heads: number; unsignedEntries: number };
    blobs: { checked: number; bytes: number };
    tombstones: number;
    problemCount: number;
    problems: Problem[];
    noticeCount: number;
    notices: Problem[];
  } | null;
  error: string | null;
}

const KEY = ['audit', 'verify'] as const;

function Bar({ label, done, total }: { label: string; done: number; total: number }) {
  const { t } = useTranslation();
  const f = useFormat();
  return (
    <div className="verify-bar">
      <span>{label}</span>
      <progress max={Math.max(total, 1)} value={Math.min(done, Math.max(total, 1))} aria-label={label} />
      <span className="small">{t('auditBrowser.verify.count', { done: f.number(done), total: f.number(total) })}</span>
    </div>
  );
}

/**
 * "Verify now": the server re-hashes every ledger entry and stored original and checks every signed
 * head (as `custodia verify`), in the background; this section starts it and follows its progress.
 */
export function VerifyNow() {
  const { t } = useTranslation();
  const f = useFormat();
  const id = useId();
  const client = useQueryClient();
  const job = useQuery({
    queryKey: KEY,
    queryFn: async ({ signal }) => (await api<{ job: VerifyJob | null }>('/api/audit/verify', { signal })).job,
    refetchInterval: (q) => (q.state.data?.state === 'running' ? 400 : false),
    staleTime: 0,
    retry: false,
  });
  const start = useMutation({
    mutationFn: () => api<VerifyJob>('/api/audit/verify', { method: 'POST' }),
    onSuccess: (j) => client.setQueryData(KEY, j),
    // One is already running (someone else started it): follow that one.
    onError: (e) => (e instanceof ApiError && e.code === 'verification_running' ? client.invalidateQueries({ queryKey: KEY }) : undefined),
  });
  const j = job.data;
  const running = j?.state === 'running';
  const refused = job.error instanceof ApiError && job.error.status === 403;

  return (
    <section className="card verify-now" aria-labelledby={`${id}title`} data-state={j?.state ?? 'none'}>
      <div className="card-head">
        <h2 id={`${id}title`}>{t('auditBrowser.verify.title')}</h2>
        <button type="button" className="button-primary" onClick={() => start.mutate()} disabled={running || start.isPending || refused}>
          {running ? t('auditBrowser.verify.running') : t('auditBrowser.verify.start')}
        </button>
      </div>
      <p className="muted">{t('auditBrowser.verify.intro')}</p>
      {refused ? <ErrorNotice error={job.error} /> : null}
      {start.error && !(start.error instanceof ApiError && start.error.code === 'verification_running') ? <ErrorNotice error={start.error} /> : null}
      {j ? (
        <div className="verify-job" aria-live="polite">
          <p className="small muted">{t('auditBrowser.verify.startedBy', { at: f.dateTime(j.startedAt), who: j.startedBy?.name ?? '—' })}</p>
          <div role="status" className="verify-progress">
            <Bar label={t('auditBrowser.verify.ledger')} done={j.progress.ledger.done} total={j.progress.ledger.total} />
            {j.progress.blobs ? <Bar label={t('auditBrowser.verify.blobs')} done={j.progress.blobs.done} total={j.progress.blobs.total} /> : running ? <p className="small muted">{t('auditBrowser.verify.blobsNext')}</p> : null}
          </div>
          {j.state === 'failed' ? (
            <p className="notice notice-error" role="alert">
              <StatusBadge tone="error">{t('auditBrowser.verify.failed')}</StatusBadge> {j.error}
            </p>
          ) : null}
          {j.result ? (
            <div className="verify-result" data-ok={j.result.ok ? 'yes' : 'no'}>
              <p className={j.result.ok ? 'verdict verdict-ok' : 'verdict verdict-bad'}>
                <StatusBadge tone={j.result.ok ? 'ok' : 'error'}>{j.result.ok ? t('auditBrowser.verify.ok') : t('auditBrowser.verify.problems', { n: j.result.problemCount })}</StatusBadge>
              </p>
              <p>
                {t('auditBrowser.verify.summary', {
                  entries: f.number(j.result.ledger.entries),
                  heads: f.number(j.result.ledger.heads),
                  originals: f.number(j.result.blobs.checked - j.result.tombstones),
                  bytes: f.bytes(j.result.blobs.bytes),
                  at: f.dateTime(j.finishedAt),
                })}
              </p>
              {j.result.problems.length > 0 ? (
                <ul className="verify-problems">
                  {j.result.problems.map((p, i) => (
                    <li key={i}>
                      <StatusBadge tone="error">{p.kind}</StatusBadge> <code className="hash">{p.location}</code> {p.message}
                    </li>
                  ))}
                </ul>
              ) : null}
              {j.result.noticeCount > 0 ? (
                <details>
                  <summary>{t('auditBrowser.verify.notices', { n: j.result.noticeCount })}</summary>
                  <ul className="verify-problems">
                    {j.result.notices.map((p, i) => (
                      <li key={i}>
                        <StatusBadge tone="info">{p.kind}</StatusBadge> <code className="hash">{p.location}</code> {p.message}
                      </li>
                    ))}
                  </ul>
                </details>
              ) : null}
            </div>
          ) : null}
        </div>
      ) : job.isSuccess ? (
        <p className="muted">{t('auditBrowser.verify.never')}</p>
      ) : null}
    </section>
  );
}
