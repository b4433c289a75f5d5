import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/http';
import { ME_KEY, useMe } from '../session/session';
import { ErrorNotice } from '../ui/error-notice';
import { StatusBadge } from '../ui/status-badge';
import './totp.css';

interface Enrolment {
  secret: string;
  uri: string;
  qrDataUrl: string;
}

/** The secret in groups of four, as authenticator apps print it (easier to type by hand). */
export const groupSecret = (s: string) => s.replace(/(.{4})(?=.)/g, '$1 ');

/**
 * Dynamic password (动态密码, TOTP RFC 6238): enrol an authenticator app from the QR code (or
 * the secret typed by hand), confirm with its first code, or remove it with a current one.
 */
export function TotpSection() {
  const { t } = useTranslation();
  const me = useMe();
  const id = useId();
  const client = useQueryClient();
  const [code, setCode] = useState('');
  const [enrolment, setEnrolment] = useState<Enrolment | null>(null);

  const begin = useMutation({ mutationFn: () => api<Enrolment>('/api/auth/totp/enrol', { method: 'POST' }), onSuccess: (e) => setEnrolment(e) });
  const confirm = useMutation({
    mutationFn: (c: string) => api<void>('/api/auth/totp/confirm', { method: 'POST', body: { code: c } }),
    onSuccess: async () => {
      setEnrolment(null);
      setCode('');
      await client.invalidateQueries({ queryKey: ME_KEY });
    },
  });
  const remove = useMutation({
    mutationFn: (c: string) => api<void>('/api/auth/totp/remove', { method: 'POST', body: { code: c } }),
    onSuccess: async () => {
      setCode('');
      confirm.reset();
      await client.invalidateQueries({ queryKey: ME_KEY });
    },
  });

  const codeField = (describedBy?: string) => (
    <div className="field">
      <label htmlFor={`${id}code`}>{t('accountTotp.code')}</label>
      <input
        id={`${id}code`}
        name="totp-code"
        inputMode="numeric"
        autoComplete="one-time-code"
        pattern="[0-9]{6}"
        maxLength={6}
        required
        aria-describedby={describedBy}
        value={code}
        onChange={(e) => setCode(e.target.value.replace(/\D/g, ''))}
      />
    </div>
  );

  return (
    <section className="card totp" id="totp" aria-labelledby={`${id}title`}>
      <h2 id={`${id}title`}>{t('accountTotp.title')}</h2>
      <p className="muted">{t('accountTotp.intro')}</p>
      {me.totpEnrolled ? (
        <>
          <p>
            <StatusBadge tone="ok">{t('accountTotp.enrolled')}</StatusBadge>
          </p>
          {confirm.isSuccess ? (
            <p className="notice notice-ok" role="status">
              {t('accountTotp.confirmed')}
            </p>
          ) : null}
          <form
            className="narrow-form"
            onSubmit={(e: FormEvent) => {
              e.preventDefault();
              remove.mutate(code);
            }}
          >
            <h3>{t('accountTotp.removeTitle')}</h3>
            <p className="hint" id={`${id}rmhint`}>
              {t('accountTotp.removeIntro')}
            </p>
            {codeField(`${id}rmhint`)}
            {remove.error ? <ErrorNotice error={remove.error} /> : null}
            <button type="submit" className="button-danger" disabled={remove.isPending}>
              {t('accountTotp.remove')}
            </button>
          </form>
        </>
      ) : enrolment ? (
        <div className="totp-enrol">
          <ol className="totp-steps">
            <li>{t('accountTotp.step1')}</li>
            <li>
              {t('accountTotp.step2')}
              <div className="totp-qr">
                <img src={enrolment.qrDataUrl} alt={t('accountTotp.qrAlt')} width={240} height={240} data-testid="totp-qr" />
                <div>
                  <p className="muted small">{t('accountTotp.secretLabel')}</p>
                  <p className="totp-secret mono" data-testid="totp-secret" aria-label={t('accountTotp.secretLabel')}>
                    {groupSecret(enrolment.secret)}
                  </p>
                  <p className="hint">{t('accountTotp.secretHint')}</p>
                  <a href={enrolment.uri} className="small">
                    {t('accountTotp.openApp')}
                  </a>
                </div>
              </div>
            </li>
            <li>
              <form
                className="narrow-form"
                onSubmit={(e: FormEvent) => {
                  e.preventDefault();
                  confirm.mutate(code);
                }}
              >
                <p id={`${id}cfhint`}>{t('accountTotp.step3')}</p>
                {codeField(`${id}cfhint`)}
                {confirm.error ? <ErrorNotice error={confirm.error} /> : null}
                <div className="form-actions">
                  <button type="submit" className="button-primary" disabled={confirm.isPending}>
                    {t('accountTotp.confirm')}
                  </button>
                  <button
                    type="button"
                    onClick={() => {
                      setEnrolment(null);
                      confirm.reset();
                    }}
                  >
                    {t('accountTotp.cancel')}
                  </button>
                </div>
              </form>
            </li>
          </ol>
        </div>
      ) : (
        <>
          <p>
            <StatusBadge tone="pending">{t('accountTotp.notEnrolled')}</StatusBadge>
          </p>
          {remove.isSuccess ? (
            <p className="notice notice-ok" role="status">
              {t('accountTotp.removed')}
            </p>
          ) : null}
          {begin.error ? <ErrorNotice error={begin.error} /> : null}
          <button type="button" className="button-primary" disabled={begin.isPending} onClick={() => begin.mutate()}>
            {t('accountTotp.start')}
          </button>
        </>
      )}
    </section>
  );
}
