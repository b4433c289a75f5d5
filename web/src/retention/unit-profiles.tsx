import { useMutation, useQueries, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, apiErrorOf } from '../api/http';
import { ErrorNotice } from '../ui/error-notice';
import { useUnits } from '../units/use-units';
import type { ProfileSummary, UnitProfile } from './types';
import { useBilingual } from './use-profiles';

const ref = (p: { id: string; version: number }) => `${p.id}@${p.version}`;

/** PUT with the session cookie (the shared `api()` knows GET, POST, PATCH and DELETE). */
async function put<T>(path: string, body: unknown): Promise<T> {
  const res = await fetch(path, { method: 'PUT', headers: { accept: 'application/json', 'content-type': 'application/json' }, body: JSON.stringify(body), credentials: 'same-origin' });
  if (!res.ok) throw await apiErrorOf(res);
  return (await res.json()) as T;
}

/** Which profile version governs each unit, and choosing one (new recordings follow it; existing ones keep theirs). */
export function UnitProfiles({ all }: { all: readonly ProfileSummary[] }) {
  const { t } = useTranslation();
  const id = useId();
  const client = useQueryClient();
  const units = useUnits();
  const label = useBilingual();
  const list = units.data ?? [];
  const governing = useQueries({
    queries: list.map((u) => ({
      queryKey: ['unit-profile', u.id],
      queryFn: ({ signal }: { signal: AbortSignal }) => api<UnitProfile>(`/api/units/${u.id}/profile`, { signal }),
      retry: false,
    })),
  });
  const [choice, setChoice] = useState<Record<string, string>>({});
  const [reason, setReason] = useState('');
  const assign = useMutation({
    mutationFn: ({ unitId, pick }: { unitId: string; pick: string }) => {
      const [profileId, version] = pick.split('@');
      return put<UnitProfile>(`/api/units/${unitId}/profile`, { profileId, version: Number(version), ...(reason.trim() ? { reason: reason.trim() } : {}) });
    },
    onSuccess: () => client.invalidateQueries({ queryKey: ['unit-profile'] }),
  });
  const name = (uid: string | null) => (uid === null ? t('retention.units.siteDefault') : (list.find((u) => u.id === uid)?.name ?? uid));
  const options = [...all].sort((a, b) => a.id.localeCompare(b.id) || b.version - a.version);
  return (
    <section className="card" aria-labelledby={`${id}title`}>
      <h2 id={`${id}title`}>{t('retention.units.title')}</h2>
      <p className="hint">{t('retention.units.intro')}</p>
      <div className="field narrow-form">
        <label htmlFor={`${id}reason`}>{t('retention.units.reason')}</label>
        <input id={`${id}reason`} maxLength={1000} value={reason} onChange={(e) => setReason(e.target.value)} />
      </div>
      {assign.error ? <ErrorNotice error={assign.error} /> : null}
      <div className="table-scroll">
        <table className="compact">
          <caption className="visually-hidden">{t('retention.units.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('retention.unit')}</th>
              <th scope="col">{t('retention.units.governing')}</th>
              <th scope="col">{t('retention.units.from')}</th>
              <th scope="col">{t('retention.units.choose')}</th>
            </tr>
          </thead>
          <tbody>
            {list.map((u, i) => {
              const g = governing[i]?.data;
              const s = g ? all.find((p) => p.id === g.profileId && p.version === g.profileVersion) : undefined;
              const pick = choice[u.id] ?? (g ? `${g.profileId}@${g.profileVersion}` : '');
              return (
                <tr key={u.id} data-unit={u.id}>
                  <td>{u.name}</td>
                  <td>{g ? `${s ? label(s.name) : g.profileId} (${g.profileId}@${g.profileVersion})` : governing[i]?.error ? '—' : t('shell.loading')}</td>
                  <td>{g ? (g.assignedAt === u.id ? t('retention.units.own') : t('retention.units.inherited', { from: name(g.assignedAt) })) : '—'}</td>
                  <td>
                    <form
                      className="inline-form"
                      onSubmit={(e) => {
                        e.preventDefault();
                        if (pick) assign.mutate({ unitId: u.id, pick });
                      }}
                    >
                      <label className="visually-hidden" htmlFor={`${id}u${u.id}`}>
                        {t('retention.units.chooseFor', { unit: u.name })}
                      </label>
                      <select id={`${id}u${u.id}`} value={pick} onChange={(e) => setChoice({ ...choice, [u.id]: e.target.value })}>
                        {options.map((p) => (
                          <option key={ref(p)} value={ref(p)}>
                            {label(p.name)} · {ref(p)}
                          </option>
                        ))}
                      </select>
                      <button type="submit" disabled={assign.isPending || !pick || (g !== undefined && pick === `${g.profileId}@${g.profileVersion}` && g.assignedAt === u.id)}>
                        {t('retention.units.assign')}
                      </button>
                    </form>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}

