import { useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DirectoryUser } from '../api/types';
import { ErrorNotice } from '../ui/error-notice';
import { useOfficers } from './device-api';

const SHOWN = 8;

/** Officers whose badge, name or username contain the text; an exact badge first. */
export function matchOfficers(officers: readonly DirectoryUser[], text: string): DirectoryUser[] {
  const q = text.trim().toLowerCase();
  if (!q) return [];
  const hits = officers.filter((o) => (o.badge ?? '').toLowerCase().includes(q) || o.displayName.toLowerCase().includes(q) || o.username.toLowerCase().includes(q));
  return hits.sort((a, b) => Number(b.badge === text.trim()) - Number(a.badge === text.trim()) || (a.badge ?? '').localeCompare(b.badge ?? ''));
}

/** Pick the officer by badge (警号) or name: type, then choose among the matches. */
export function OfficerPicker({ value, onChange }: { value: DirectoryUser | null; onChange: (officer: DirectoryUser | null) => void }) {
  const { t } = useTranslation();
  const id = useId();
  const officers = useOfficers();
  const [text, setText] = useState('');
  const matches = useMemo(() => matchOfficers(officers.data?.items ?? [], text), [officers.data, text]);

  return (
    <fieldset className="officer-picker">
      <legend>{t('devices.issue.officer')}</legend>
      <div className="field">
        <label htmlFor={`${id}q`}>{t('devices.issue.officerSearch')}</label>
        <input
          id={`${id}q`}
          autoComplete="off"
          value={text}
          aria-describedby={`${id}count`}
          onChange={(e) => {
            setText(e.target.value);
            const exact = (officers.data?.items ?? []).filter((o) => o.badge !== null && o.badge === e.target.value.trim());
            onChange(exact.length === 1 ? exact[0]! : null);
          }}
        />
        <p className="hint" id={`${id}count`} role="status">
          {officers.isPending ? t('shell.loading') : text.trim() === '' ? t('devices.issue.officerHint') : matches.length === 0 ? t('devices.issue.officerNone') : t('devices.issue.officerMatches', { n: matches.length })}
        </p>
      </div>
      {officers.error ? <ErrorNotice error={officers.error} /> : null}
      {matches.length > 0 ? (
        <div className="choices choices-column" role="radiogroup" aria-label={t('devices.issue.officer')}>
          {matches.slice(0, SHOWN).map((o) => (
            <label key={o.id} className="choice choice-card">
              <input type="radio" name={`${id}officer`} value={o.id} checked={value?.id === o.id} onChange={() => onChange(o)} />
              <span>
                <strong>{o.displayName}</strong> <span className="mono">{o.badge ? t('devices.badgeIs', { badge: o.badge }) : '—'}</span> <span className="muted small">{o.username}</span>
              </span>
            </label>
          ))}
        </div>
      ) : null}
      {value ? (
        <p className="notice notice-info" role="status">
          {t('devices.issue.officerChosen', { name: value.displayName, badge: value.badge ?? '—' })}
        </p>
      ) : null}
    </fieldset>
  );
}
