import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, queryString } from '../api/http';
import type { DirectoryUser, RoleId } from '../api/types';

export const PEOPLE_KEY = ['admin', 'people'] as const;

export interface PeopleFilter {
  unit: string;
  role: RoleId | '';
  q: string;
  inactive: boolean;
}

export function usePeople(f: PeopleFilter) {
  return useQuery({
    queryKey: [...PEOPLE_KEY, f],
    queryFn: ({ signal }) => api<{ items: DirectoryUser[] }>(`/api/users${queryString({ unit: f.unit || undefined, role: f.role || undefined, q: f.q.trim() || undefined, inactive: f.inactive ? 'true' : undefined })}`, { signal }),
  });
}

export function useRefreshPeople(): () => Promise<void> {
  const client = useQueryClient();
  return async () => {
    await client.invalidateQueries({ queryKey: PEOPLE_KEY });
    await client.invalidateQueries({ queryKey: ['users'] });
  };
}
