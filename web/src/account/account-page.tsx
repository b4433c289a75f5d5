import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api } from '../api/http';
import { ROLE_IDS, type RoleId } from '../api/types';
import { ME_KEY, useForgetSession, useMe } from '../session/session';
import { ErrorNotice } from '../ui/error-notice';
import { StatusBadge } from '../ui/status-badge';
import { TotpSection } from './totp-section';

const isRole = (r: string): r is RoleId => (ROLE_IDS as readonly string[]).includes(r);
const MIN_PASSWORD = 10;

/** The signed-in user's account: who they are, a new password, the dynamic password (TOTP), and ending every session. */
export default function AccountPage() {
  const { t } = useTranslation();
  const me = useMe();
  const id = useId();
  const navigate = useNavigate();
  const forget = useForgetSession();
  const client = useQueryClient();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [mismatch, setMismatch] = useState(false);

  const change = useMutation({
    mutationFn: () => api<{ expiresAt: number }>('/api/auth/password', { method: 'POST', body: { currentPassword: current, newPassword: next } }),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: ME_KEY });
      setCurrent('');
      setNext('');
      setRepeat('');
    },
  });
  const everywhere = useMutation({
    mutationFn: () => api<{ sessionsEnded: number }>('/api/auth/logout-everywhere', { method: 'POST' }),
    onSuccess: async () => {
      forget();
      await navigate('/sign-in', { replace: true });
    },
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setMismatch(next !== repeat);
    if (next === repeat) change.mutate();
  };

  return (
    <div className="page page-account">
      <h1>{t('account.title')}</h1>
      {me.mustChangePassword ? (
        <p className="notice notice-warn" role="alert">
          <StatusBadge tone="warn">{t('account.password.required')}</StatusBadge>
        </p>
      ) : null}
      <section className="card">
        <dl className="facts-inline">
          <div className="fact">
            <dt>{t('account.displayName')}</dt>
            <dd>{me.displayName}</dd>
          </div>
          <div className="fact">
            <dt>{t('account.username')}</dt>
            <dd>{me.username}</dd>
          </div>
          <div className="fact">
            <dt>{t('account.badge')}</dt>
            <dd>{me.badge ?? '—'}</dd>
          </div>
          <div className="fact">
            <dt>{t('account.roles')}</dt>
            <dd>{me.roles.map((r) => (isRole(r) ? t(`roles.${r}`) : r)).join('、')}</dd>
          </div>
        </dl>
      </section>

      <section className="card" aria-labelledby={`${id}pw`}>
        <h2 id={`${id}pw`}>{t('account.password.title')}</h2>
        <p className="muted">{t('account.password.intro')}</p>
        <form onSubmit={submit} className="narrow-form">
          <div className="field">
            <label htmlFor={`${id}cur`}>{t('account.password.current')}</label>
            <input id={`${id}cur`} type="password" autoComplete="current-password" required value={current} onChange={(e) => setCurrent(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor={`${id}new`}>{t('account.password.new')}</label>
            <input id={`${id}new`} type="password" autoComplete="new-password" required minLength={MIN_PASSWORD} aria-describedby={`${id}rule`} value={next} onChange={(e) => setNext(e.target.value)} />
            <p className="hint" id={`${id}rule`}>
              {t('account.password.rule', { n: MIN_PASSWORD })}
            </p>
          </div>
          <div className="field">
            <label htmlFor={`${id}rep`}>{t('account.password.repeat')}</label>
            <input id={`${id}rep`} type="password" autoComplete="new-password" required value={repeat} onChange={(e) => setRepeat(e.target.value)} />
          </div>
          {mismatch ? (
            <p className="notice notice-error" role="alert">
              {t('account.password.mismatch')}
            </p>
          ) : null}
          {change.error ? <ErrorNotice error={change.error} /> : null}
          {change.isSuccess ? (
            <p className="notice notice-ok" role="status">
              <StatusBadge tone="ok">{t('account.password.changed')}</StatusBadge>
            </p>
          ) : null}
          <button type="submit" className="button-primary" disabled={change.isPending}>
            {t('account.password.submit')}
          </button>
        </form>
      </section>

      {me.mustChangePassword ? null : <TotpSection />}

      <section className="card" aria-labelledby={`${id}all`}>
        <h2 id={`${id}all`}>{t('account.everywhere.title')}</h2>
        <p className="muted">{t('account.everywhere.intro')}</p>
        {everywhere.error ? <ErrorNotice error={everywhere.error} /> : null}
        <button
          type="button"
          className="button-danger"
          disabled={everywhere.isPending}
          onClick={() => {
            if (window.confirm(t('account.everywhere.confirm'))) everywhere.mutate();
          }}
        >
          {t('account.everywhere.submit')}
        </button>
      </section>
    </div>
  );
}
