import { useMutation } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/http';
import type { DirectoryUser, RoleId } from '../api/types';
import { useMe } from '../session/session';
import { ErrorNotice } from '../ui/error-notice';
import { StatusBadge } from '../ui/status-badge';
import { PersonFields, type PersonEntry } from './person-fields';

const MIN_PASSWORD = 10;
/** Letters and digits that can't be mistaken for each other when read aloud or copied by hand. */
const ALPHABET = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** A random initial password (the person replaces it at first sign-in). */
export function initialPassword(length = 14): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  return Array.from(bytes, (b) => ALPHABET[b % ALPHABET.length]).join('');
}

interface NewUser {
  username: string;
  password: string;
  displayName?: string;
  roles: RoleId[];
  unitId: string;
  badge?: string;
  clearance: number;
}

/** Add a person with an initial password they must replace at first sign-in. */
export function AddPersonForm({ onDone }: { onDone: (u: DirectoryUser) => unknown }) {
  const { t } = useTranslation();
  const id = useId();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState(() => initialPassword());
  const me = useMe();
  // The administrator's own unit unless another is chosen.
  const [person, setPerson] = useState<PersonEntry>({ displayName: '', roles: [], unitId: me.unitId, badge: '', clearance: 0 });
  const [problem, setProblem] = useState<string | null>(null);
  const add = useMutation({ mutationFn: (input: NewUser) => api<DirectoryUser>('/api/users', { method: 'POST', body: input }), onSuccess: (u) => onDone(u) });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (person.roles.length === 0) return setProblem(t('admin.people.pickRole'));
    setProblem(null);
    add.mutate({
      username: username.trim(),
      password,
      ...(person.displayName.trim() ? { displayName: person.displayName.trim() } : {}),
      roles: person.roles,
      unitId: person.unitId,
      ...(person.badge.trim() ? { badge: person.badge.trim() } : {}),
      clearance: person.clearance,
    });
  };

  return (
    <section className="card admin-form" aria-labelledby={`${id}title`} data-testid="add-person">
      <h2 id={`${id}title`}>{t('admin.people.addTitle')}</h2>
      <p className="notice notice-info">
        <StatusBadge tone="info">{t('admin.people.firstSignIn')}</StatusBadge>
      </p>
      <form onSubmit={submit}>
        <div className="form-grid">
          <div className="field">
            <label htmlFor={`${id}user`}>{t('admin.people.username')}</label>
            <input id={`${id}user`} required minLength={2} maxLength={64} autoComplete="off" value={username} onChange={(e) => setUsername(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor={`${id}pw`}>{t('admin.people.initialPassword')}</label>
            <div className="inline-form">
              <input id={`${id}pw`} className="mono" required minLength={MIN_PASSWORD} autoComplete="off" aria-describedby={`${id}pwHint`} value={password} onChange={(e) => setPassword(e.target.value)} />
              <button type="button" onClick={() => setPassword(initialPassword())}>
                {t('admin.people.generate')}
              </button>
            </div>
            <p className="hint" id={`${id}pwHint`}>
              {t('admin.people.initialPasswordHint', { n: MIN_PASSWORD })}
            </p>
          </div>
        </div>
        <PersonFields value={person} onChange={setPerson} />
        {problem ? (
          <p className="notice notice-error" role="alert">
            {problem}
          </p>
        ) : null}
        {add.error ? <ErrorNotice error={add.error} /> : null}
        <button type="submit" className="button-primary" disabled={add.isPending}>
          {t('admin.people.add')}
        </button>
      </form>
    </section>
  );
}
