import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { ApiError, api } from '../api/http';
import type { Me } from '../api/types';
import { DemoBanner, EmptySiteHint } from '../shell/demo-banner';
import { LocaleSwitcher } from '../shell/locale-switcher';
import { siteName } from '../shell/site-name';
import { ErrorNotice } from '../ui/error-notice';
import { ME_KEY, useMeQuery } from './session';
import { safeNext } from './safe-next';

interface LoginInput {
  username: string;
  password: string;
  otp?: string;
}

/** Password sign-in; when the server answers `otp_required`, the dynamic password (TOTP) field appears. */
export function SignInPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const client = useQueryClient();
  const me = useMeQuery();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [otp, setOtp] = useState('');
  const [otpNeeded, setOtpNeeded] = useState(false);
  const ids = { user: useId(), pass: useId(), otp: useId(), otpHint: useId() };
  const next = safeNext(params.get('next'));

  const login = useMutation({
    mutationFn: (input: LoginInput) => api<{ user: Me; expiresAt: number }>('/api/auth/login', { method: 'POST', body: input }),
    onSuccess: async (res) => {
      client.setQueryData(ME_KEY, res.user);
      await navigate(next, { replace: true });
    },
    onError: (e) => {
      if (e instanceof ApiError && e.code === 'otp_required') setOtpNeeded(true);
    },
  });

  if (me.data) return <Navigate to={next} replace />;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    login.mutate({ username: username.trim(), password, ...(otpNeeded && otp ? { otp: otp.trim() } : {}) });
  };
  const otpPrompt = login.error instanceof ApiError && login.error.code === 'otp_required';

  return (
    <div className="sign-in">
      <div className="sign-in-locale">
        <LocaleSwitcher />
      </div>
      <main className="sign-in-card" id="main">
        <DemoBanner accounts />
        <p className="sign-in-site">{siteName()}</p>
        <h1>{t('signIn.title')}</h1>
        <p className="muted">{t('app.tagline')}</p>
        <form onSubmit={submit}>
          <div className="field">
            <label htmlFor={ids.user}>{t('signIn.username')}</label>
            <input id={ids.user} name="username" autoComplete="username" required autoFocus value={username} onChange={(e) => setUsername(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor={ids.pass}>{t('signIn.password')}</label>
            <input id={ids.pass} name="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
          </div>
          {otpNeeded ? (
            <div className="field">
              <label htmlFor={ids.otp}>{t('signIn.otp')}</label>
              <input
                id={ids.otp}
                name="otp"
                inputMode="numeric"
                autoComplete="one-time-code"
                pattern="[0-9]{6,8}"
                maxLength={8}
                required
                aria-describedby={ids.otpHint}
                value={otp}
                onChange={(e) => setOtp(e.target.value)}
                autoFocus
              />
              <p className="hint" id={ids.otpHint}>
                {t('signIn.otpHint')}
              </p>
            </div>
          ) : null}
          {login.error && !otpPrompt ? <ErrorNotice error={login.error} /> : null}
          {otpPrompt && !otp ? (
            <p className="notice notice-info" role="status">
              {t('signIn.otpRequired')}
            </p>
          ) : null}
          <button type="submit" className="button-primary button-wide" disabled={login.isPending}>
            {login.isPending ? t('signIn.submitting') : t('signIn.submit')}
          </button>
        </form>
        <EmptySiteHint />
      </main>
    </div>
  );
}
