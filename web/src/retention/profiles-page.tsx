import { useQueries } from '@tanstack/react-query';
import { useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../api/http';
import { ErrorNotice } from '../ui/error-notice';
import { useFormat } from '../ui/format';
import { StatusBadge } from '../ui/status-badge';
import { diffProfiles, KEY_FIELDS, keyFields, type Wording } from './profile-diff';
import { ProfileEditor } from './profile-editor';
import type { Profile, ProfileSummary } from './types';
import { UnitProfiles } from './unit-profiles';
import { useBilingual, usePeriod, useProfile, useProfileList } from './use-profiles';
import './retention.css';

/** How the page words a profile's values in the UI's language. */
function useWording(): Wording {
  const { t, i18n } = useTranslation();
  const label = useBilingual();
  const period = usePeriod();
  const tr = t as unknown as (key: string, opts?: Record<string, unknown>) => string;
  return {
    label,
    period,
    word: (group, value) => (i18n.exists(`retention.words.${group}.${value}`) ? tr(`retention.words.${group}.${value}`) : value),
    days: (n) => t('retention.period.days', { n }),
    none: t('retention.profiles.none'),
  };
}

const ref = (p: { id: string; version: number }) => `${p.id}@${p.version}`;

function ProfileFacts({ profile }: { profile: Profile }) {
  const { t } = useTranslation();
  const fields = keyFields(profile, useWording());
  return (
    <dl className="profile-facts">
      {KEY_FIELDS.map((k) => (
        <div key={k} className="fact">
          <dt>{t(`retention.fields.${k}`)}</dt>
          <dd className={k === 'hash' ? 'mono hash' : undefined}>
            {fields[k].length === 1 ? (
              fields[k][0]
            ) : (
              <ul>
                {fields[k].map((l, i) => (
                  <li key={i}>{l}</li>
                ))}
              </ul>
            )}
          </dd>
        </div>
      ))}
    </dl>
  );
}

/** Two versions' key fields side by side; changed rows say so in words and list what was added and removed. */
function ProfileDiff({ refs, all }: { refs: [string, string]; all: readonly ProfileSummary[] }) {
  const { t } = useTranslation();
  const wording = useWording();
  const parts = refs.map((r) => all.find((p) => ref(p) === r) ?? null);
  const [a, b] = useQueries({
    queries: parts.map((p) => ({
      queryKey: ['profile', p?.id ?? null, p?.version ?? 'latest'],
      enabled: p !== null,
      queryFn: ({ signal }: { signal: AbortSignal }) => api<Profile>(`/api/profiles/${encodeURIComponent(p!.id)}?version=${p!.version}`, { signal }),
      staleTime: Infinity,
    })),
  });
  if (!a?.data || !b?.data) return <p role="status">{t('shell.loading')}</p>;
  const rows = diffProfiles(a.data, b.data, wording);
  const changed = rows.filter((r) => r.changed).length;
  return (
    <>
      <p role="status">
        <StatusBadge tone={changed === 0 ? 'ok' : 'info'}>{changed === 0 ? t('retention.diff.same') : t('retention.diff.changed', { n: changed })}</StatusBadge>
      </p>
      <div className="table-scroll">
        <table className="compact profile-diff">
          <caption className="visually-hidden">{t('retention.diff.caption', { a: refs[0], b: refs[1] })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('retention.diff.field')}</th>
              <th scope="col" className="mono">
                {refs[0]}
              </th>
              <th scope="col" className="mono">
                {refs[1]}
              </th>
              <th scope="col">{t('retention.diff.change')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.field} className={r.changed ? 'diff-changed' : undefined} data-field={r.field} data-changed={r.changed ? 'yes' : 'no'}>
                <th scope="row">{t(`retention.fields.${r.field}`)}</th>
                <td className={r.field === 'hash' ? 'mono hash-cell' : undefined}>{r.a.join('；')}</td>
                <td className={r.field === 'hash' ? 'mono hash-cell' : undefined}>{r.b.join('；')}</td>
                <td>
                  {r.changed ? (
                    <>
                      <StatusBadge tone="warn">{t('retention.diff.isChanged')}</StatusBadge>
                      {r.removed.length > 0 && r.field !== 'hash' && Math.max(r.a.length, r.b.length) > 1 ? <div className="small diff-removed">{t('retention.diff.removed', { items: r.removed.join('；') })}</div> : null}
                      {r.added.length > 0 && r.field !== 'hash' && Math.max(r.a.length, r.b.length) > 1 ? <div className="small diff-added">{t('retention.diff.added', { items: r.added.join('；') })}</div> : null}
                    </>
                  ) : (
                    <span className="muted">{t('retention.diff.isSame')}</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

/**
 * Regulation profiles (R-PROFILE): every version kept, shipped and edited; one version's key fields,
 * a readable diff of any two, an editor that saves a new version, and the profile of each unit.
 */
export default function ProfilesPage() {
  const { t } = useTranslation();
  const f = useFormat();
  const id = useId();
  const label = useBilingual();
  const period = usePeriod();
  const list = useProfileList();
  const all = useMemo(() => list.data ?? [], [list.data]);
  const ids = [...new Set(all.map((p) => p.id))];
  const [shown, setShown] = useState<string | null>(null);
  const [compare, setCompare] = useState<[string, string] | null>(null);
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState<ProfileSummary | null>(null);
  const current = all.find((p) => ref(p) === shown) ?? null;
  const profile = useProfile(current?.id ?? null, current?.version ?? null);
  const [a, setA] = useState('');
  const [b, setB] = useState('');
  const refs = all.map(ref);

  return (
    <div className="page page-profiles">
      <p className="breadcrumb">
        <Link to="/retention">{t('retention.profiles.back')}</Link>
      </p>
      <h1>{t('retention.profiles.title')}</h1>
      <p className="muted">{t('retention.profiles.intro')}</p>
      {list.error ? <ErrorNotice error={list.error} /> : null}
      {saved ? (
        <p className="notice notice-ok" role="status">
          {t('retention.editor.saved', { ref: ref(saved) })}
        </p>
      ) : null}
      <section className="card" aria-labelledby={`${id}versions`}>
        <h2 id={`${id}versions`}>{t('retention.profiles.versions')}</h2>
        <div className="table-scroll">
          <table className="compact profiles">
            <caption className="visually-hidden">{t('retention.profiles.versions')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('retention.fields.name')}</th>
                <th scope="col">{t('retention.profiles.origin')}</th>
                <th scope="col">{t('retention.fields.minimum')}</th>
                <th scope="col">{t('retention.profiles.history')}</th>
              </tr>
            </thead>
            <tbody>
              {ids.map((pid) => {
                const versions = all.filter((p) => p.id === pid).sort((x, y) => y.version - x.version);
                const latest = versions[0]!;
                return (
                  <tr key={pid} data-profile={pid}>
                    <td>
                      <strong>{label(latest.name)}</strong>
                      <div className="mono small muted">{pid}</div>
                    </td>
                    <td>
                      {t(`retention.origin.${latest.origin}`)}
                      {latest.basedOn ? <div className="small muted">{t('retention.profiles.basedOn', { ref: latest.basedOn })}</div> : null}
                    </td>
                    <td>{period(latest.minimumRetention)}</td>
                    <td>
                      <ul className="version-list">
                        {versions.map((v) => (
                          <li key={v.version}>
                            <button type="button" aria-pressed={shown === ref(v)} onClick={() => (setShown(ref(v)), setEditing(false))} aria-label={t('retention.profiles.showVersion', { ref: ref(v) })}>
                              v{v.version}
                            </button>{' '}
                            <span className="small muted">{f.dateTime(v.createdAt)}</span>
                          </li>
                        ))}
                      </ul>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </section>

      {current && profile.data ? (
        editing ? (
          <ProfileEditor
            base={profile.data}
            all={all}
            onCancel={() => setEditing(false)}
            onSaved={(s) => {
              setSaved(s);
              setEditing(false);
              setShown(ref(s));
              setCompare([ref(current), ref(s)]);
            }}
          />
        ) : (
          <section className="card" aria-labelledby={`${id}shown`} data-shown={ref(current)}>
            <div className="card-head">
              <h2 id={`${id}shown`}>
                {label(current.name)} <span className="mono">{ref(current)}</span>
              </h2>
              <span className="form-actions">
                <button type="button" onClick={() => setEditing(true)}>
                  {t('retention.profiles.edit')}
                </button>
                {current.version > 1 ? (
                  <button type="button" onClick={() => setCompare([`${current.id}@${current.version - 1}`, ref(current)])}>
                    {t('retention.profiles.compareWithPrevious')}
                  </button>
                ) : null}
              </span>
            </div>
            <ProfileFacts profile={profile.data} />
          </section>
        )
      ) : null}

      <section className="card" aria-labelledby={`${id}diff`}>
        <h2 id={`${id}diff`}>{t('retention.diff.title')}</h2>
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (a && b) setCompare([a, b]);
          }}
        >
          <div className="field">
            <label htmlFor={`${id}a`}>{t('retention.diff.a')}</label>
            <select id={`${id}a`} value={a} onChange={(e) => setA(e.target.value)}>
              <option value="">—</option>
              {refs.map((r) => (
                <option key={r}>{r}</option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}b`}>{t('retention.diff.b')}</label>
            <select id={`${id}b`} value={b} onChange={(e) => setB(e.target.value)}>
              <option value="">—</option>
              {refs.map((r) => (
                <option key={r}>{r}</option>
              ))}
            </select>
          </div>
          <button type="submit" disabled={!a || !b}>
            {t('retention.diff.compare')}
          </button>
        </form>
        {compare ? <ProfileDiff refs={compare} all={all} /> : <p className="muted">{t('retention.diff.pick')}</p>}
      </section>

      <UnitProfiles all={all} />
    </div>
  );
}
