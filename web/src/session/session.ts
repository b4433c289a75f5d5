import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useContext } from 'react';
import { ApiError, api } from '../api/http';
import type { Me, RoleId } from '../api/types';

export const ME_KEY = ['auth', 'me'] as const;

/** Who is signed in: the user, `null` when nobody is (401), or undefined while asking. */
export function useMeQuery() {
  return useQuery({
    queryKey: ME_KEY,
    queryFn: async ({ signal }) => {
      try {
        return await api<Me>('/api/auth/me', { signal });
      } catch (e) {
        if (e instanceof ApiError && e.status === 401) return null;
        throw e;
      }
    },
    staleTime: 60_000,
    retry: false,
  });
}

export const MeContext = createContext<Me | null>(null);

/** The signed-in user; only inside the signed-in shell. */
export function useMe(): Me {
  const me = useContext(MeContext);
  if (!me) throw new Error('useMe outside a signed-in page');
  return me;
}

export function hasAnyRole(me: Me, roles: readonly RoleId[] | 'everyone'): boolean {
  return roles === 'everyone' || me.roles.some((r) => (roles as readonly string[]).includes(r));
}

/** After sign-out (or a 401 anywhere) every cached answer belonged to the previous session. */
export function useForgetSession(): () => void {
  const client = useQueryClient();
  return () => {
    client.removeQueries({ predicate: (q) => q.queryKey[0] !== ME_KEY[0] });
    client.setQueryData(ME_KEY, null);
  };
}
