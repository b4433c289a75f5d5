import { useQuery } from '@tanstack/react-query';
import { api } from '../api/http';
import type { SignedTreeHead } from '../api/types';
import { comparePinnedKey, type PinState } from './key-pin';
import { keyIdOf, verifyTreeHeadSignature } from './tree-head';

export interface VerifiedHead {
  head: SignedTreeHead;
  signature: boolean | 'unsupported';
  keyIdMatches: boolean;
  pin: PinState;
}

/** The latest signed tree head, its signature and key id checked in this browser. */
export function useVerifiedHead() {
  return useQuery({
    queryKey: ['audit', 'head'],
    queryFn: async ({ signal }): Promise<VerifiedHead> => {
      const h = await api<SignedTreeHead>('/api/audit/head', { signal });
      const [signature, derivedKeyId] = await Promise.all([verifyTreeHeadSignature(h), keyIdOf(h.publicKey)]);
      return { head: h, signature, keyIdMatches: derivedKeyId === h.keyId, pin: comparePinnedKey(h.keyId, h.publicKey, Date.now()) };
    },
    staleTime: 0,
  });
}

/** True when the head's signature and key id both check out here. */
export const headTrusted = (v: VerifiedHead | undefined): boolean => (v ? v.signature === true && v.keyIdMatches : false);
