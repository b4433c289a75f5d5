import { ApiError, api, queryString } from '../api/http';
import type { InclusionProof, LedgerEntry, SignedTreeHead } from '../api/types';
import { base64ToBytes, bytesToHex, hexToBytes, leafHash, rootFromInclusionProof } from './merkle';

export type Check = 'pass' | 'fail' | 'skipped';

export interface ProofCheck {
  proof: InclusionProof;
  /** The ledger entry itself, when this user may read entries (`audit.read`). */
  entry: LedgerEntry | null;
  /** SHA-256(0x00 ‖ leaf bytes) computed here equals the proof's leaf hash; skipped without the entry. */
  leafHashMatches: Check;
  /** The proof leads, hash by hash computed here, to the root of the signed head. */
  rootMatchesHead: Check;
  rootComputed: string | null;
  verified: boolean;
}

/**
 * Checks ledger entry `seq` against the signed head the user is looking at: the proof is asked for
 * that head's tree size, every hash is recomputed here, and nothing the server says is taken on trust
 * except what the signature covers.
 */
export async function checkInclusion(seq: number, head: SignedTreeHead, signal?: AbortSignal): Promise<ProofCheck> {
  const proof = await api<InclusionProof>(`/api/audit/proof/${seq}${queryString({ treeSize: head.size })}`, { signal });
  let entry: LedgerEntry | null = null;
  try {
    const page = await api<{ items: LedgerEntry[] }>(`/api/audit/entries${queryString({ after: seq - 1, limit: 1 })}`, { signal });
    entry = page.items.find((e) => e.seq === seq) ?? null;
  } catch (e) {
    if (!(e instanceof ApiError && (e.status === 403 || e.status === 404))) throw e;
  }
  const serverLeafHash = hexToBytes(proof.leafHash);
  let leafHashMatches: Check = 'skipped';
  let leafForRoot = serverLeafHash;
  if (entry) {
    const computed = await leafHash(base64ToBytes(entry.leaf));
    leafHashMatches = serverLeafHash !== null && bytesToHex(computed) === proof.leafHash.toLowerCase() ? 'pass' : 'fail';
    leafForRoot = computed;
  }
  const path = proof.path.map(hexToBytes);
  let rootComputed: string | null = null;
  if (leafForRoot && path.every((p): p is Uint8Array<ArrayBuffer> => p !== null)) {
    const root = await rootFromInclusionProof(proof.leafIndex, head.size, leafForRoot, path);
    rootComputed = root ? bytesToHex(root) : null;
  }
  const rootMatchesHead: Check = rootComputed !== null && rootComputed === head.root.toLowerCase() && proof.treeSize === head.size ? 'pass' : 'fail';
  return { proof, entry, leafHashMatches, rootMatchesHead, rootComputed, verified: rootMatchesHead === 'pass' && leafHashMatches !== 'fail' };
}
