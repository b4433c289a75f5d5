import { useMutation } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import type { SignedTreeHead } from '../api/types';
import { ErrorNotice } from '../ui/error-notice';
import { useFormat } from '../ui/format';
import { StatusBadge } from '../ui/status-badge';
import { AuditNav } from './audit-nav';
import { forgetPinnedKey } from './key-pin';
import { checkInclusion, type Check } from './proof-check';
import { useVerifiedHead } from './use-verified-head';
import { VerifyNow } from './verify-now';

export function CheckLine({ check, label }: { check: Check | boolean | 'unsupported'; label: string }) {
  const { t } = useTranslation();
  const tone = check === true || check === 'pass' ? 'ok' : check === 'skipped' || check === 'unsupported' ? 'info' : 'error';
  const word = check === true || check === 'pass' ? t('audit.check.pass') : check === 'skipped' ? t('audit.check.skipped') : check === 'unsupported' ? t('audit.check.unsupported') : t('audit.check.fail');
  return (
    <li className="check-line">
      <StatusBadge tone={tone}>{word}</StatusBadge> <span>{label}</span>
    </li>
  );
}

/** The ledger's latest signed tree head and a browser-side check of any entry's inclusion proof. */
export default function AuditPage() {
  const { t } = useTranslation();
  const f = useFormat();
  const id = useId();
  const [params] = useSearchParams();
  const [seq, setSeq] = useState(params.get('seq') ?? '');

  const head = useVerifiedHead();

  const check = useMutation({
    mutationFn: ({ n, h }: { n: number; h: SignedTreeHead }) => checkInclusion(n, h),
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const n = Number(seq);
    if (head.data && Number.isInteger(n) && n >= 1) check.mutate({ n, h: head.data.head });
  };

  // Arriving with ?seq=N (a link from a recording's access register): verify that entry at once.
  const asked = useRef(false);
  useEffect(() => {
    const n = Number(params.get('seq'));
    if (asked.current || !head.data || !Number.isInteger(n) || n < 1) return;
    asked.current = true;
    check.mutate({ n, h: head.data.head });
  }, [head.data, params, check]);

  const v = head.data;
  const headTrusted = v ? v.signature === true && v.keyIdMatches : false;
  const result = check.data;

  return (
    <div className="page page-audit">
      <h1>{t('audit.title')}</h1>
      <AuditNav />
      <p className="muted">{t('audit.intro')}</p>

      <section className="card" aria-labelledby={`${id}head`}>
        <div className="card-head">
          <h2 id={`${id}head`}>{t('audit.head.title')}</h2>
          <button type="button" onClick={() => void head.refetch()} disabled={head.isFetching}>
            {t('audit.head.refresh')}
          </button>
        </div>
        {head.error ? <ErrorNotice error={head.error} /> : null}
        {head.isPending ? <p role="status">{t('shell.loading')}</p> : null}
        {v ? (
          <>
            <dl className="facts-inline">
              <div className="fact">
                <dt>{t('audit.head.size')}</dt>
                <dd>{f.number(v.head.size)}</dd>
              </div>
              <div className="fact">
                <dt>{t('audit.head.signedAt')}</dt>
                <dd>{f.dateTime(v.head.timestamp)}</dd>
              </div>
              <div className="fact">
                <dt>{t('audit.head.keyId')}</dt>
                <dd className="mono">{v.head.keyId}</dd>
              </div>
              <div className="fact fact-wide">
                <dt>{t('audit.head.root')}</dt>
                <dd className="mono hash">{v.head.root}</dd>
              </div>
            </dl>
            <ul className="checks" data-head-verified={headTrusted ? 'yes' : 'no'}>
              <CheckLine check={v.signature} label={t('audit.head.signatureCheck')} />
              <CheckLine check={v.keyIdMatches} label={t('audit.head.keyIdCheck')} />
            </ul>
            <p className={v.pin.state === 'changed' ? 'notice notice-warn' : 'muted small'} role={v.pin.state === 'changed' ? 'alert' : undefined}>
              {v.pin.state === 'new'
                ? t('audit.pin.new')
                : v.pin.state === 'same'
                  ? t('audit.pin.same', { date: f.dateTime(v.pin.pin.firstSeenAt) })
                  : t('audit.pin.changed', { keyId: v.pin.pin.keyId, date: f.dateTime(v.pin.pin.firstSeenAt) })}{' '}
              {v.pin.state === 'changed' ? (
                <button
                  type="button"
                  onClick={() => {
                    forgetPinnedKey();
                    void head.refetch();
                  }}
                >
                  {t('audit.pin.accept')}
                </button>
              ) : null}
            </p>
          </>
        ) : null}
      </section>

      <section className="card" aria-labelledby={`${id}proof`}>
        <h2 id={`${id}proof`}>{t('audit.proof.title')}</h2>
        <p className="muted">{t('audit.proof.intro')}</p>
        <form className="inline-form" onSubmit={submit}>
          <div className="field">
            <label htmlFor={`${id}seq`}>{t('audit.proof.seq')}</label>
            <input id={`${id}seq`} type="number" inputMode="numeric" min={1} max={v?.head.size} required value={seq} onChange={(e) => setSeq(e.target.value)} />
          </div>
          <button type="submit" className="button-primary" disabled={!v || check.isPending}>
            {check.isPending ? t('audit.proof.checking') : t('audit.proof.check')}
          </button>
        </form>
        {check.error ? <ErrorNotice error={check.error} /> : null}
        {result ? (
          <div className="proof-result" data-verdict={result.verified && headTrusted ? 'verified' : 'not-verified'}>
            <p className={result.verified && headTrusted ? 'verdict verdict-ok' : 'verdict verdict-bad'} role="status">
              <StatusBadge tone={result.verified && headTrusted ? 'ok' : 'error'}>
                {result.verified && headTrusted ? t('audit.proof.verified', { seq: result.proof.seq, size: result.proof.treeSize }) : t('audit.proof.notVerified', { seq: result.proof.seq })}
              </StatusBadge>
            </p>
            <ul className="checks">
              <CheckLine check={result.leafHashMatches} label={result.entry ? t('audit.proof.leafCheck') : t('audit.proof.leafSkipped')} />
              <CheckLine check={result.rootMatchesHead} label={t('audit.proof.rootCheck', { steps: result.proof.path.length })} />
              <CheckLine check={headTrusted} label={t('audit.proof.headCheck')} />
            </ul>
            {result.entry ? (
              <dl className="facts-inline">
                <div className="fact">
                  <dt>{t('audit.entry.action')}</dt>
                  <dd className="mono">{result.entry.action}</dd>
                </div>
                <div className="fact">
                  <dt>{t('audit.entry.at')}</dt>
                  <dd>{f.dateTime(result.entry.at)}</dd>
                </div>
                <div className="fact">
                  <dt>{t('audit.entry.subject')}</dt>
                  <dd className="mono">{result.entry.subjectType ? `${result.entry.subjectType} ${result.entry.subjectId ?? ''}` : '—'}</dd>
                </div>
              </dl>
            ) : null}
            <details>
              <summary>{t('audit.proof.details')}</summary>
              <dl className="facts-inline">
                <div className="fact fact-wide">
                  <dt>{t('audit.proof.leafHash')}</dt>
                  <dd className="mono hash">{result.proof.leafHash}</dd>
                </div>
                <div className="fact fact-wide">
                  <dt>{t('audit.proof.computedRoot')}</dt>
                  <dd className="mono hash">{result.rootComputed ?? '—'}</dd>
                </div>
              </dl>
              <ol className="proof-path mono">
                {result.proof.path.map((p, i) => (
                  <li key={i}>{p}</li>
                ))}
              </ol>
            </details>
          </div>
        ) : null}
      </section>

      <VerifyNow />
    </div>
  );
}
