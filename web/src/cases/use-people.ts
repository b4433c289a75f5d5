import { useQuery } from '@tanstack/react-query';
import { api } from '../api/http';
import type { Person } from './types';

/**
 * People of the user's unit subtree (GET /api/users), for names instead of ids. Roles without
 * `user.read` (officers) are refused: then the map is empty and pages show what they can.
 */
export function usePeople() {
  const q = useQuery({
    queryKey: ['users', 'directory'],
    queryFn: async ({ signal }) => (await api<{ items: Person[] }>('/api/users', { signal })).items,
    staleTime: 5 * 60_000,
    retry: false,
  });
  const byId = new Map((q.data ?? []).map((p) => [p.id, p]));
  return { people: q.data ?? [], byId, refused: q.isError, isPending: q.isPending };
}

/** "赵磊 (100234)" — the name and badge of a person, or the id when unknown. */
export function personLabel(byId: ReadonlyMap<string, Person>, id: string | null): string {
  if (!id) return '—';
  const p = byId.get(id);
  if (!p) return id;
  return p.badge ? `${p.displayName} (${p.badge})` : p.displayName;
}
