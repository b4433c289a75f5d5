import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, queryString } from '../api/http';
import type { Bilingual, Period, Profile, ProfileSummary } from './types';

export function useProfileList() {
  return useQuery({
    queryKey: ['profiles'],
    queryFn: async ({ signal }) => (await api<{ items: ProfileSummary[] }>('/api/profiles', { signal })).items,
    staleTime: 60_000,
  });
}

/** One profile version in full (the latest when `version` is omitted). */
export function useProfile(id: string | null, version?: number | null) {
  return useQuery({
    queryKey: ['profile', id, version ?? 'latest'],
    enabled: id !== null,
    queryFn: ({ signal }) => api<Profile>(`/api/profiles/${encodeURIComponent(id!)}${queryString({ version: version ?? undefined })}`, { signal }),
    staleTime: version ? Infinity : 60_000,
  });
}

/** `traffic-police@3` → ['traffic-police', 3]. */
export function parseProfileRef(ref: string | null): { id: string; version: number } | null {
  const m = ref ? /^(.+)@(\d+)$/.exec(ref) : null;
  return m ? { id: m[1]!, version: Number(m[2]) } : null;
}

/** A profile's label in the UI's language. */
export function useBilingual(): (l: Bilingual | null | undefined) => string {
  const { i18n } = useTranslation();
  return (l) => (l ? (i18n.language.startsWith('zh') ? l.zh : l.en) : '—');
}

/** "12 months" / "2 years" / "30 days" / "not stated". */
export function usePeriod(): (p: Period) => string {
  const { t } = useTranslation();
  return (p) => (p === null ? t('retention.period.none') : 'months' in p ? (p.months % 12 === 0 ? t('retention.period.years', { n: p.months / 12 }) : t('retention.period.months', { n: p.months })) : t('retention.period.days', { n: p.days }));
}
