import { useQuery } from '@tanstack/react-query';
import { apiErrorOf } from '../api/http';

/** The grant a playback rests on, as the server reports it with the content (`Custodia-Grant`, `Custodia-Grant-Expires`). */
export interface GrantInfo {
  id: string;
  /** UTC epoch ms; null when the grant has no end. */
  expiresAt: number | null;
}

export const contentUrl = (recordingId: string) => `/api/recordings/${encodeURIComponent(recordingId)}/content`;

function grantFromHeaders(h: Headers): GrantInfo | null {
  const id = h.get('custodia-grant');
  if (!id) return null;
  const expires = Number(h.get('custodia-grant-expires') ?? NaN);
  return { id, expiresAt: Number.isFinite(expires) ? expires : null };
}

/**
 * Asks the server whether this user may play the recording now, with a one-byte ranged GET of the
 * content (there is no cheaper honest question: the answer depends on grants checked per request).
 * The server registers that request in the ledger like any other content use, or the refusal.
 * Resolves with the grant when allowed; rejects with the server's refusal (`grant_required`, …).
 */
export function useContentAccess(recordingId: string) {
  return useQuery({
    queryKey: ['recording', recordingId, 'content-access'],
    queryFn: async ({ signal }) => {
      const res = await fetch(contentUrl(recordingId), { headers: { Range: 'bytes=0-0' }, credentials: 'same-origin', signal });
      if (!res.ok) throw await apiErrorOf(res);
      const grant = grantFromHeaders(res.headers);
      await res.body?.cancel();
      return { grant };
    },
    staleTime: 0,
    gcTime: 0,
    retry: false,
  });
}
