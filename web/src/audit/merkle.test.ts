import { describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes, leafHash, nodeHash, rootFromInclusionProof, verifyInclusion } from './merkle';

/**
 * RFC 6962 vectors from transparency-dev/merkle (testonly/constants.go and proof/verify_test.go,
 * the same values as /work/shared/fixtures/rfc6962_vectors.json), plus every (index, size) up to 8
 * against the RFC's recursive PATH definition, and tampered proofs that must fail.
 */
const LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'];
const ROOTS: Record<number, string> = {
  1: '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  2: 'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  3: 'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  4: 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  5: '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  6: '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  7: 'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  8: '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
};
const PROOFS = [
  { index: 0, size: 8, path: ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4'] },
  { index: 5, size: 8, path: ['bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7'] },
  { index: 2, size: 3, path: ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125'] },
  { index: 1, size: 5, path: ['6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b'] },
];

const hex = (h: string) => {
  const b = hexToBytes(h);
  if (!b) throw new Error(`bad hex ${h}`);
  return b;
};
const leafHashes = () => Promise.all(LEAVES.map((l) => leafHash(hex(l))));

/** RFC 6962 §2.1: MTH over leaf hashes, split at the largest power of two below n. */
async function mth(hashes: Uint8Array[]): Promise<Uint8Array> {
  if (hashes.length === 1) return hashes[0]!;
  let k = 1;
  while (k * 2 < hashes.length) k *= 2;
  return nodeHash(await mth(hashes.slice(0, k)), await mth(hashes.slice(k)));
}

/** RFC 6962 §2.1.1 PATH(m, D[n]). */
async function pathOf(m: number, hashes: Uint8Array[]): Promise<Uint8Array[]> {
  if (hashes.length <= 1) return [];
  let k = 1;
  while (k * 2 < hashes.length) k *= 2;
  return m < k ? [...(await pathOf(m, hashes.slice(0, k))), await mth(hashes.slice(k))] : [...(await pathOf(m - k, hashes.slice(k))), await mth(hashes.slice(0, k))];
}

describe('RFC 6962 inclusion proofs checked with WebCrypto', () => {
  it('leaf hashes of the published leaves build the published roots', async () => {
    const hashes = await leafHashes();
    for (let n = 1; n <= 8; n++) expect(bytesToHex(await mth(hashes.slice(0, n))), `size ${n}`).toBe(ROOTS[n]);
  });

  it('accepts the published inclusion proofs', async () => {
    const hashes = await leafHashes();
    for (const p of PROOFS) expect(await verifyInclusion(p.index, p.size, hashes[p.index]!, p.path.map(hex), hex(ROOTS[p.size]!)), `${p.index}/${p.size}`).toBe(true);
    expect(await verifyInclusion(0, 1, hashes[0]!, [], hex(ROOTS[1]!))).toBe(true);
  });

  it('accepts every (index, size) up to 8 and rejects every flipped bit and a wrong index', async () => {
    const hashes = await leafHashes();
    for (let n = 1; n <= 8; n++) {
      const root = hex(ROOTS[n]!);
      for (let m = 0; m < n; m++) {
        const proof = await pathOf(m, hashes.slice(0, n));
        expect(await verifyInclusion(m, n, hashes[m]!, proof, root), `${m}/${n}`).toBe(true);
        // (A proof alone does not bind the tree size: the signed head does, which is why the page proves against it.)
        if (n > 1) expect(await verifyInclusion((m + 1) % n, n, hashes[m]!, proof, root), `index ${m}→${(m + 1) % n} of ${n}`).toBe(false);
        for (let i = 0; i < proof.length; i++) {
          const bad = proof.map((p) => new Uint8Array(p));
          bad[i]![i % 32]! ^= 1;
          expect(await verifyInclusion(m, n, hashes[m]!, bad, root), `bit in step ${i} of ${m}/${n}`).toBe(false);
        }
        const badLeaf = new Uint8Array(hashes[m]!);
        badLeaf[0]! ^= 0x80;
        expect(await verifyInclusion(m, n, badLeaf, proof, root)).toBe(false);
      }
    }
  });

  it('rejects malformed input without throwing', async () => {
    const hashes = await leafHashes();
    const root = hex(ROOTS[3]!);
    expect(await rootFromInclusionProof(3, 3, hashes[0]!, [])).toBeNull();
    expect(await rootFromInclusionProof(-1, 3, hashes[0]!, [])).toBeNull();
    expect(await verifyInclusion(2, 3, hashes[2]!, [hex(ROOTS[2]!), hex(ROOTS[2]!)], root)).toBe(false);
    expect(await verifyInclusion(2, 3, hashes[2]!, [new Uint8Array(31)], root)).toBe(false);
    expect(await verifyInclusion(2, 3, hashes[2]!, [hex(ROOTS[2]!)], new Uint8Array(31))).toBe(false);
    expect(hexToBytes('abc')).toBeNull();
    expect(hexToBytes('zz')).toBeNull();
  });
});
