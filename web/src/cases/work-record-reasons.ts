import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api/http';
import type { INTERRUPTION_REASONS } from './types';

export interface ReasonChoice {
  id: string;
  label: { zh: string; en: string };
  /** The article of the governing regulation, when the profile cites one. */
  basis: string | null;
}
export interface WorkRecordReasons {
  /** `id@version` of the profile governing the officer's unit; null: the fixed lists. */
  profile: string | null;
  interrupted: ReasonChoice[];
  notRecorded: ReasonChoice[];
}

/** The reasons the regulation governing this officer's unit allows (the server decides; the fixed lists until it answers). */
export function useWorkRecordReasons(officerId: string) {
  return useQuery({
    queryKey: ['work-record-reasons', officerId],
    queryFn: ({ signal }) => api<WorkRecordReasons>(`/api/work-records/reasons?officer=${encodeURIComponent(officerId)}`, { signal }),
    staleTime: 300_000,
  });
}

/** A reason's words: the profile's own label when the server gave one, else the catalogue's, else its id. */
export function useReasonLabel(): (id: string, choices?: readonly ReasonChoice[]) => string {
  const { t, i18n } = useTranslation();
  return (id, choices) => {
    const c = choices?.find((r) => r.id === id);
    if (c) return i18n.language.startsWith('zh') ? c.label.zh : c.label.en;
    return t(`cases.workRecords.reasons.${id as (typeof INTERRUPTION_REASONS)[number]}`, { defaultValue: id });
  };
}

