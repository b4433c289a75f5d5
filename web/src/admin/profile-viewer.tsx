import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, queryString } from '../api/http';
import { ErrorNotice } from '../ui/error-notice';
import { useFormat } from '../ui/format';
import { StatusBadge } from '../ui/status-badge';
import { useUnits } from '../units/use-units';
import type { Citation, Period, Profile, ProfileSummary, UnitProfile, UploadRule } from './types';

/** A label in the UI's language (profiles carry zh and en). */
function useBilingual(): (l: { zh: string; en: string }) => string {
  const { i18n } = useTranslation();
  return (l) => (i18n.language.startsWith('zh') ? l.zh : l.en);
}

export function usePeriodWords(): (p: Period) => string {
  const { t } = useTranslation();
  return (p) => (p === null ? t('admin.profiles.unspecified') : 'months' in p ? (p.months % 12 === 0 ? t('admin.profiles.years', { n: p.months / 12 }) : t('admin.profiles.months', { n: p.months })) : t('admin.profiles.days', { n: p.days }));
}

/** Why a value is what it is: the source's words and articles, a derivation, or a product default. */
function Basis({ basis }: { basis: Citation | null }) {
  const { t } = useTranslation();
  if (!basis) return null;
  if (basis.kind === 'quote')
    return (
      <blockquote className="citation">
        <span lang="zh">“{basis.quote}”</span> <cite>{basis.refs.join('、')}</cite>
        {basis.note ? <span className="muted small"> {basis.note}</span> : null}
      </blockquote>
    );
  return (
    <p className="citation muted small">
      {basis.kind === 'derived' ? t('admin.profiles.derivedFrom', { from: basis.from.join(', ') }) : t('admin.profiles.productDefault')} {basis.note}
    </p>
  );
}

function UploadRuleLine({ rule }: { rule: UploadRule }) {
  const { t } = useTranslation();
  const when = rule.kind === 'within_hours' ? t('admin.profiles.withinHours', { n: rule.hours }) : rule.kind === 'within_days' ? t('admin.profiles.withinDays', { n: rule.days }) : t('admin.profiles.endOfDay');
  return (
    <li>
      <strong>{t(`admin.profiles.stage.${rule.stage}`)}</strong>: {when} {t(`admin.profiles.anchor.${rule.anchor}`)}
      {rule.remoteWork ? <span className="muted small"> {t('admin.profiles.remoteWork')}</span> : null}
      <Basis basis={rule.basis} />
    </li>
  );
}

/**
 * The regulation profile governing a unit, read-only: its key numbers (minimum retention, upload
 * deadline, long-term reasons, access reasons, recovery window) each with its citation; and the
 * choice of profile for the unit's tree.
 */
export function ProfileViewer() {
  const { t } = useTranslation();
  const id = useId();
  const f = useFormat();
  const words = usePeriodWords();
  const label = useBilingual();
  const client = useQueryClient();
  const units = useUnits();
  const top = Math.min(...(units.data ?? []).map((u) => u.depth));
  const [unitId, setUnitId] = useState('');
  const unit = unitId || units.data?.[0]?.id || '';
  const assigned = useQuery({ queryKey: ['admin', 'unit-profile', unit], queryFn: ({ signal }) => api<UnitProfile>(`/api/units/${unit}/profile`, { signal }), enabled: unit !== '' });
  const profile = useQuery({
    queryKey: ['admin', 'profile', assigned.data?.profileId, assigned.data?.profileVersion],
    queryFn: ({ signal }) => api<Profile>(`/api/profiles/${encodeURIComponent(assigned.data!.profileId)}${queryString({ version: assigned.data!.profileVersion })}`, { signal }),
    enabled: assigned.data !== undefined,
  });
  const all = useQuery({ queryKey: ['admin', 'profiles'], queryFn: ({ signal }) => api<{ items: ProfileSummary[] }>('/api/profiles', { signal }) });
  const [choice, setChoice] = useState('');
  const [reason, setReason] = useState('');
  const assign = useMutation({
    mutationFn: (profileId: string) => api<UnitProfile>(`/api/units/${unit}/profile`, { method: 'PUT', body: { profileId, ...(reason.trim() ? { reason: reason.trim() } : {}) } }),
    onSuccess: async () => {
      setChoice('');
      setReason('');
      await client.invalidateQueries({ queryKey: ['admin', 'unit-profile'] });
    },
  });
  const p = profile.data;
  const unitName = (uid: string | null) => (uid === null ? t('admin.profiles.siteDefault') : (units.data?.find((u) => u.id === uid)?.name ?? uid));

  return (
    <section className="card" aria-labelledby={`${id}title`} data-testid="profile-viewer">
      <h2 id={`${id}title`}>{t('admin.profiles.title')}</h2>
      <p className="muted">{t('admin.profiles.intro')}</p>
      <div className="inline-form">
        <div className="field">
          <label htmlFor={`${id}unit`}>{t('admin.profiles.unit')}</label>
          <select id={`${id}unit`} value={unit} onChange={(e) => setUnitId(e.target.value)}>
            {(units.data ?? []).map((u) => (
              <option key={u.id} value={u.id}>
                {'\u3000'.repeat(u.depth - top)}
                {u.name}
              </option>
            ))}
          </select>
        </div>
      </div>
      {assigned.error ? <ErrorNotice error={assigned.error} /> : null}
      {profile.error ? <ErrorNotice error={profile.error} /> : null}
      {assigned.data && p ? (
        <>
          <h3 className="profile-name">
            {label(p.name)} <span className="mono small muted">{t('admin.profiles.idVersion', { id: p.id, version: p.version })}</span>
          </h3>
          <p className="muted small">
            {assigned.data.assignedAt === unit ? t('admin.profiles.ownAssignment') : t('admin.profiles.inherited', { from: unitName(assigned.data.assignedAt) })} · {t(`admin.profiles.kind.${p.kind}`)}
            {p.source.title ? ` · ${p.source.title}` : ''}
          </p>
          <dl className="profile-facts">
            <div className="fact">
              <dt>{t('admin.profiles.minimumRetention')}</dt>
              <dd>
                <strong data-testid="profile-minimum">{words(p.retention.minimum.period)}</strong>
                {p.retention.minimum.certainty ? <span className="muted small"> ({t(`admin.profiles.certainty.${p.retention.minimum.certainty}`)})</span> : null}
                {p.retention.minimum.note && p.retention.minimum.period === null ? <p className="muted small">{p.retention.minimum.note}</p> : null}
                <Basis basis={p.retention.minimum.basis} />
              </dd>
            </div>
            <div className="fact">
              <dt>{t('admin.profiles.uploadDeadline')}</dt>
              <dd>
                {p.upload.rules.length === 0 ? <p>{t('admin.profiles.noDeadline')}</p> : null}
                <ul className="profile-list">
                  {p.upload.rules.map((r, i) => (
                    <UploadRuleLine key={i} rule={r} />
                  ))}
                </ul>
                {p.upload.note && p.upload.rules.length === 0 ? <p className="muted small">{p.upload.note}</p> : null}
              </dd>
            </div>
            <div className="fact">
              <dt>{t('admin.profiles.longTerm', { term: p.retention.longTerm.term ?? '—' })}</dt>
              <dd>
                {p.retention.longTerm.categories.length === 0 ? <p>{t('admin.profiles.noLongTerm')}</p> : null}
                <ul className="profile-list">
                  {p.retention.longTerm.categories.map((c) => (
                    <li key={c.id}>
                      {label(c.label)}
                      <Basis basis={c.basis} />
                    </li>
                  ))}
                </ul>
                {!p.retention.longTerm.listComplete ? <StatusBadge tone="warn">{t('admin.profiles.incomplete')}</StatusBadge> : null}
              </dd>
            </div>
            <div className="fact">
              <dt>{t('admin.profiles.accessReasons')}</dt>
              <dd>
                {p.access.reasons.length === 0 ? <p>{t('admin.profiles.noAccessReasons')}</p> : null}
                <ul className="profile-list">
                  {p.access.reasons.map((r) => (
                    <li key={r.id}>
                      {label(r.label)}
                      {r.requiresText ? <span className="muted small"> {t('admin.profiles.needsText')}</span> : null}
                      <Basis basis={r.basis} />
                    </li>
                  ))}
                </ul>
              </dd>
            </div>
            <div className="fact">
              <dt>{t('admin.profiles.recoveryWindow')}</dt>
              <dd>
                <strong>{t('admin.profiles.days', { n: p.deletion.recoveryWindowDays })}</strong>
                <Basis basis={p.deletion.basis} />
              </dd>
            </div>
            <div className="fact">
              <dt>{t('admin.profiles.hash')}</dt>
              <dd className="mono small hash">{p.hash}</dd>
            </div>
          </dl>
        </>
      ) : assigned.isPending || profile.isPending ? (
        <p role="status">{t('shell.loading')}</p>
      ) : null}

      <form
        className="decision-form"
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          if (choice) assign.mutate(choice);
        }}
        aria-labelledby={`${id}assign`}
      >
        <h3 id={`${id}assign`}>{t('admin.profiles.assignTitle')}</h3>
        <p className="hint">{t('admin.profiles.assignHint')}</p>
        <div className="inline-form">
          <div className="field">
            <label htmlFor={`${id}choice`}>{t('admin.profiles.profile')}</label>
            <select id={`${id}choice`} required value={choice} onChange={(e) => setChoice(e.target.value)}>
              <option value="" disabled>
                {t('admin.profiles.choose')}
              </option>
              {(all.data?.items ?? [])
                .filter((x) => x.latest)
                .map((x) => (
                  <option key={x.id} value={x.id}>
                    {label(x.name)} ({x.id}@{x.version}) · {words(x.minimumRetention)}
                  </option>
                ))}
            </select>
          </div>
          <div className="field field-grow">
            <label htmlFor={`${id}why`}>{t('admin.reasonOptional')}</label>
            <input id={`${id}why`} maxLength={1000} value={reason} onChange={(e) => setReason(e.target.value)} />
          </div>
          <button type="submit" className="button-primary" disabled={assign.isPending || !choice}>
            {t('admin.profiles.assign')}
          </button>
        </div>
        {assign.error ? <ErrorNotice error={assign.error} /> : null}
        {assign.isSuccess ? (
          <p className="notice notice-ok" role="status">
            {t('admin.profiles.assigned')}
          </p>
        ) : null}
      </form>

      {all.data ? (
        <details className="profile-all">
          <summary>{t('admin.profiles.allTitle', { n: all.data.items.length })}</summary>
          <div className="table-scroll">
            <table className="compact">
              <thead>
                <tr>
                  <th scope="col">{t('admin.profiles.profile')}</th>
                  <th scope="col">{t('admin.profiles.version')}</th>
                  <th scope="col">{t('admin.profiles.origin')}</th>
                  <th scope="col">{t('admin.profiles.minimumRetention')}</th>
                  <th scope="col">{t('admin.profiles.created')}</th>
                </tr>
              </thead>
              <tbody>
                {all.data.items.map((x) => (
                  <tr key={`${x.id}@${x.version}`}>
                    <td>
                      {label(x.name)} <span className="mono muted small">{x.id}</span>
                    </td>
                    <td>
                      {x.version} {x.latest ? <StatusBadge tone="ok">{t('admin.profiles.latest')}</StatusBadge> : null}
                    </td>
                    <td>{t(`admin.profiles.originKind.${x.origin}`)}</td>
                    <td>{words(x.minimumRetention)}</td>
                    <td>{f.date(x.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </details>
      ) : null}
    </section>
  );
}
