import { useQuery } from '@tanstack/react-query';
import { api } from '../api/http';
import type { Unit } from '../api/types';

/** Units in tree order (each followed by the units below it), as the signed-in user may see them. */
export function treeOrder(units: readonly Unit[]): Unit[] {
  const children = new Map<string | null, Unit[]>();
  const ids = new Set(units.map((u) => u.id));
  for (const u of units) {
    // The user's own unit is the top of what they see, even when it has a parent.
    const parent = u.parentId !== null && ids.has(u.parentId) ? u.parentId : null;
    children.set(parent, [...(children.get(parent) ?? []), u]);
  }
  const out: Unit[] = [];
  const walk = (parent: string | null) => {
    for (const u of (children.get(parent) ?? []).sort((a, b) => a.code.localeCompare(b.code))) {
      out.push(u);
      walk(u.id);
    }
  };
  walk(null);
  return out;
}

/** The units the user may see (their unit and below); empty while loading or when refused. */
export function useUnits() {
  return useQuery({
    queryKey: ['units'],
    queryFn: async ({ signal }) => treeOrder((await api<{ items: Unit[] }>('/api/units', { signal })).items),
    staleTime: 5 * 60_000,
  });
}
