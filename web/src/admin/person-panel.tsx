import { useMutation } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/http';
import type { DirectoryUser } from '../api/types';
import { useMe } from '../session/session';
import { ErrorNotice } from '../ui/error-notice';
import { StatusBadge } from '../ui/status-badge';
import { useRefreshPeople } from './admin-api';
import { PersonFields, type PersonEntry } from './person-fields';

/**
 * Everything an administrator does to one person: change name, roles, unit, badge or clearance;
 * deactivate or reactivate; reset the password (the one-time password is shown once, here);
 * reset a lost authenticator. Each step asks for a reason; all of it is in the ledger.
 */
export function PersonPanel({ person: p, onClose }: { person: DirectoryUser; onClose: () => void }) {
  const { t } = useTranslation();
  const me = useMe();
  const id = useId();
  const refresh = useRefreshPeople();
  const self = p.id === me.id;
  const [entry, setEntry] = useState<PersonEntry>({ displayName: p.displayName, roles: [...p.roles], unitId: p.unitId, badge: p.badge ?? '', clearance: p.clearance });
  const [reason, setReason] = useState('');
  const heading = useRef<HTMLHeadingElement>(null);
  // Opened from a row further down: bring the panel into view and put the keyboard there.
  useEffect(() => {
    heading.current?.scrollIntoView({ block: 'start' });
    heading.current?.focus();
  }, []);

  const update = useMutation({
    mutationFn: () =>
      api<DirectoryUser>(`/api/users/${p.id}`, {
        method: 'PATCH',
        body: {
          ...(entry.displayName.trim() !== p.displayName ? { displayName: entry.displayName.trim() } : {}),
          ...(entry.roles.join() !== p.roles.join() ? { roles: entry.roles } : {}),
          ...(entry.unitId !== p.unitId ? { unitId: entry.unitId } : {}),
          ...(entry.badge.trim() !== (p.badge ?? '') ? { badge: entry.badge.trim() || null } : {}),
          ...(entry.clearance !== p.clearance ? { clearance: entry.clearance } : {}),
          ...(reason.trim() ? { reason: reason.trim() } : {}),
        },
      }),
    onSuccess: () => refresh(),
  });

  return (
    <section className="card person-panel" aria-labelledby={`${id}title`} data-testid="person-panel">
      <div className="card-head">
        <h2 id={`${id}title`} ref={heading} tabIndex={-1}>{t('admin.people.manageTitle', { name: p.displayName, username: p.username })}</h2>
        <button type="button" onClick={onClose}>
          {t('admin.close')}
        </button>
      </div>
      <p className="flags">
        {p.active ? <StatusBadge tone="ok">{t('admin.people.active')}</StatusBadge> : <StatusBadge tone="error">{t('admin.people.inactive')}</StatusBadge>}
        {p.mustChangePassword ? <StatusBadge tone="warn">{t('admin.people.mustChange')}</StatusBadge> : null}
        {p.totpEnrolled ? <StatusBadge tone="ok">{t('admin.people.totp')}</StatusBadge> : <StatusBadge tone="pending">{t('admin.people.noTotp')}</StatusBadge>}
        {self ? <StatusBadge tone="info">{t('admin.people.you')}</StatusBadge> : null}
      </p>
      {self ? <p className="notice notice-info">{t('admin.people.selfNote')}</p> : null}

      <form
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          update.mutate();
        }}
        aria-label={t('admin.people.editTitle')}
      >
        <h3>{t('admin.people.editTitle')}</h3>
        <PersonFields value={entry} onChange={setEntry} />
        <div className="field">
          <label htmlFor={`${id}why`}>{t('admin.reasonOptional')}</label>
          <input id={`${id}why`} maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} />
        </div>
        {update.error ? <ErrorNotice error={update.error} /> : null}
        {update.isSuccess ? (
          <p className="notice notice-ok" role="status">
            {t('admin.people.saved')}
          </p>
        ) : null}
        <button type="submit" className="button-primary" disabled={update.isPending}>
          {t('admin.people.save')}
        </button>
      </form>

      <div className="person-steps">
        {p.active ? (
          <ReasonStep personId={p.id} path="deactivate" title={t('admin.people.deactivate')} danger onDone={refresh} />
        ) : (
          <ReasonStep personId={p.id} path="reactivate" title={t('admin.people.reactivate')} onDone={refresh} />
        )}
        <ReasonStep<{ password: string }>
          personId={p.id}
          path="reset-password"
          title={t('admin.people.resetPassword')}
          onDone={refresh}
          result={(r) => (
            <div className="notice notice-warn one-time-password" role="status">
              <div>
                <p>{t('admin.people.oneTime')}</p>
                <p className="mono one-time-value" data-testid="one-time-password">
                  {r.password}
                </p>
                <p className="small">{t('admin.people.oneTimeHint')}</p>
              </div>
            </div>
          )}
        />
        {p.totpEnrolled ? <ReasonStep personId={p.id} path="reset-authenticator" title={t('admin.people.resetTotp')} onDone={refresh} /> : null}
      </div>
    </section>
  );
}

/** One step on a person that needs a reason: deactivate, reactivate, reset password, reset authenticator. */
function ReasonStep<R = DirectoryUser>({ personId, path, title, danger, onDone, result }: { personId: string; path: string; title: string; danger?: boolean; onDone: () => unknown; result?: (r: R) => ReactNode }) {
  const { t } = useTranslation();
  const id = useId();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const step = useMutation({
    mutationFn: () => api<R>(`/api/users/${personId}/${path}`, { method: 'POST', body: { reason: reason.trim() } }),
    onSuccess: () => {
      setReason('');
      setOpen(false);
      return onDone();
    },
  });
  return (
    <div className="person-step">
      {step.data && result ? result(step.data) : null}
      {open ? (
        <form
          className="decision-form"
          aria-label={title}
          onSubmit={(e) => {
            e.preventDefault();
            step.mutate();
          }}
        >
          <div className="field">
            <label htmlFor={`${id}why`}>{t('admin.reasonFor', { step: title })}</label>
            <input id={`${id}why`} required maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} />
          </div>
          {step.error ? <ErrorNotice error={step.error} /> : null}
          <div className="form-actions">
            <button type="submit" className={danger ? 'button-danger' : 'button-primary'} disabled={step.isPending}>
              {title}
            </button>
            <button type="button" onClick={() => setOpen(false)}>
              {t('admin.cancel')}
            </button>
          </div>
        </form>
      ) : (
        <button
          type="button"
          className={danger ? 'button-danger' : ''}
          onClick={() => {
            step.reset();
            setOpen(true);
          }}
        >
          {title}…
        </button>
      )}
    </div>
  );
}
