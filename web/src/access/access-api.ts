import { useInfiniteQuery, useQueryClient } from '@tanstack/react-query';
import { api, queryString } from '../api/http';
import type { RequestPage, RequestState, Scope } from './types';

export const REQUESTS_KEY = ['access-requests'] as const;
const PAGE = 50;

/** Requests of a scope, newest first, paged by the server's `before` (the last item's request time). */
export function useRequests(scope: Scope, state: RequestState | '' = '') {
  return useInfiniteQuery({
    queryKey: [...REQUESTS_KEY, scope, state],
    queryFn: ({ pageParam, signal }) => api<RequestPage>(`/api/access-requests${queryString({ scope, state: state || undefined, before: pageParam, limit: PAGE })}`, { signal }),
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (last) => last.nextBefore ?? undefined,
  });
}

/** After a decision: every list (mine, inbox, all) and the home counts are asked again. */
export function useRefreshRequests(): () => Promise<void> {
  const client = useQueryClient();
  return async () => {
    await client.invalidateQueries({ queryKey: REQUESTS_KEY });
    await client.invalidateQueries({ queryKey: ['home'] });
  };
}
