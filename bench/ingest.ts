/**
 * npm run bench:ingest — Custodia's one-pass import (copy + SHA-256 + fsync + DB record + ledger)
 * against the best two-pass baseline: `cp -r` + `sync`, then `openssl dgst -sha256` of the copies
 * (OpenSSL uses the CPU's SHA instructions); coreutils `sha256sum` is reported too.
 * Target: Custodia ≤ 0.8 × the OpenSSL baseline's time. Medians of INGEST_BENCH_RUNS (default 3).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { openApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/platform/log.js';
import { FFMPEG } from '../test/support/app.js';
import { dropCaches, median, MB, MiB, timeAsync, time, writeRecorderFile } from './support.js';

const root = process.env.INGEST_BENCH_DIR ?? path.resolve('.bench/ingest');
const totalMiB = Number(process.env.INGEST_BENCH_MIB ?? 2200);
const runs = Number(process.env.INGEST_BENCH_RUNS ?? 3);

function makeSource(dir: string): { files: number; bytes: number } {
  mkdirSync(dir, { recursive: true });
  const basePath = path.join(root, 'base.mp4');
  execFileSync(FFMPEG, ['-y', '-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=640x360:rate=25', '-f', 'lavfi', '-i', 'sine', '-t', '10', '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', '-movflags', '+faststart', basePath]);
  const base = readFileSync(basePath);
  // A day of recorder footage: a few long clips, many medium, some short (sizes in MiB).
  const plan = [512, 384, 256, 256, 128, 128, 96, 96, 64, 64, 64, 48, 48, 32, 32, 32, 24, 16, 16, 8, 8, 4, 4, 2, 1];
  const scale = totalMiB / plan.reduce((a, b) => a + b, 0);
  let bytes = 0;
  plan.forEach((mib, i) => {
    const size = Math.max(1, Math.round(mib * scale * MiB));
    const t = new Date(Date.UTC(2026, 10, 22, 0, 0, 0) + i * 600_000);
    const stamp = t.toISOString().replace(/[-:T]/g, '').slice(0, 14);
    writeRecorderFile(path.join(dir, `A123456_012345_${stamp}_${String(i + 1).padStart(4, '0')}.MP4`), base, Math.max(size, base.length + 16));
    bytes += Math.max(size, base.length + 16);
  });
  return { files: plan.length, bytes };
}

async function custodiaImport(source: string, data: string): Promise<number> {
  rmSync(data, { recursive: true, force: true });
  const app = await openApp(loadConfig({ CUSTODIA_DATA: data, LOG_LEVEL: 'silent' }), createLogger('silent'), { PATH: process.env.PATH });
  const unit = await app.identity.resolveUnit(undefined);
  dropCaches();
  const { ms, value } = await timeAsync(() => app.ingest.importSource(source, { sourceKind: 'folder', unitId: unit.id, station: 'bench', actor: null, meta: { ip: null } }));
  if (value.files.some((f) => f.flags.includes('damaged'))) throw new Error('bench files should probe as valid video');
  if (value.failed > 0) throw new Error(`import failed: ${JSON.stringify(value.files.filter((f) => f.status === 'failed'))}`);
  await app.close();
  return ms;
}

function baseline(source: string, copy: string, hasher: 'openssl' | 'sha256sum'): { ms: number; copyMs: number; hashMs: number } {
  rmSync(copy, { recursive: true, force: true });
  dropCaches();
  const c = time(() => {
    execFileSync('cp', ['-r', source, copy]);
    execFileSync('sync');
  });
  const files = execFileSync('sh', ['-c', `ls -1 "${copy}"`]).toString().trim().split('\n').map((f) => path.join(copy, f));
  const h = time(() => execFileSync(hasher === 'openssl' ? 'openssl' : 'sha256sum', hasher === 'openssl' ? ['dgst', '-sha256', ...files] : files, { maxBuffer: 1 << 24 }));
  return { ms: c.ms + h.ms, copyMs: c.ms, hashMs: h.ms };
}

async function main(): Promise<void> {
  const source = path.join(root, 'source');
  rmSync(root, { recursive: true, force: true });
  const { files, bytes } = makeSource(source);
  const canDrop = dropCaches();
  console.log(`bench:ingest — ${files} files, ${(bytes / MiB).toFixed(0)} MiB, ${runs} runs each, page cache ${canDrop ? 'dropped before each run' : 'NOT droppable here (warm source for every run, same for all contenders)'}`);
  const ours: number[] = [];
  const ossl: number[] = [];
  const coreutils: number[] = [];
  for (let i = 0; i < runs; i++) {
    ours.push(await custodiaImport(source, path.join(root, 'data')));
    ossl.push(baseline(source, path.join(root, 'copy'), 'openssl').ms);
    coreutils.push(baseline(source, path.join(root, 'copy'), 'sha256sum').ms);
    console.log(`  run ${i + 1}: custodia ${ours[i]!.toFixed(0)} ms · cp+sync+openssl ${ossl[i]!.toFixed(0)} ms · cp+sync+sha256sum ${coreutils[i]!.toFixed(0)} ms`);
  }
  const rate = (ms: number) => `${(bytes / MB / (ms / 1000)).toFixed(0)} MB/s`;
  const mOurs = median(ours);
  const mOssl = median(ossl);
  const mCore = median(coreutils);
  console.log(`custodia import (copy+hash+fsync+record): median ${mOurs.toFixed(0)} ms = ${rate(mOurs)}`);
  console.log(`baseline cp -r + sync + openssl dgst:     median ${mOssl.toFixed(0)} ms = ${rate(mOssl)}`);
  console.log(`baseline cp -r + sync + sha256sum:        median ${mCore.toFixed(0)} ms = ${rate(mCore)}`);
  console.log(`ratio custodia / openssl baseline: ${(mOurs / mOssl).toFixed(2)} (target ≤ 0.80) ${mOurs / mOssl <= 0.8 ? 'MET' : 'MISSED'}`);
  console.log(`ratio custodia / sha256sum baseline: ${(mOurs / mCore).toFixed(2)}`);
  if (!process.env.INGEST_BENCH_KEEP) rmSync(root, { recursive: true, force: true });
}

void main();
