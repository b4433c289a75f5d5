import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, openTestApp, tempDir } from './support/app.js';

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...CLI, ...args], { env: { ...process.env, LOG_LEVEL: 'silent' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('a new site opened by several processes at once', () => {
  it('migrates once and creates exactly one signing key', async () => {
    const tmp = await tempDir();
    const dir = tmp.dir;
    try {
      const data = path.join(dir, 'data');
      const runs = await Promise.all(Array.from({ length: 4 }, () => cli(['audit', 'head', '--data', data])));
      for (const r of runs) expect(r.code, r.stderr).toBe(0);
      const keys = new Set(runs.map((r) => (JSON.parse(r.stdout) as { publicKey: string }).publicKey));
      expect(keys.size).toBe(1);
      expect(readdirSync(path.join(data, 'keys'))).toEqual(['site-ed25519.pem']);
      expect(readFileSync(path.join(data, 'keys', 'site-ed25519.pem'), 'utf8')).toContain('BEGIN PRIVATE KEY');
      expect(existsSync(path.join(data, '.init.lock'))).toBe(false);
      const verify = await cli(['verify', '--data', data, '--json']);
      expect(verify.code, verify.stdout).toBe(0);
    } finally {
      await tmp.cleanup();
    }
  });

  it('takes over an init lock left by a process that died', async () => {
    const tmp = await tempDir();
    const dir = tmp.dir;
    try {
      const data = path.join(dir, 'data');
      mkdirSync(data, { recursive: true });
      // A pid that cannot be alive (above the kernel's pid_max).
      writeFileSync(path.join(data, '.init.lock'), '99999999');
      const r = await cli(['audit', 'head', '--data', data]);
      expect(r.code, r.stderr).toBe(0);
    } finally {
      await tmp.cleanup();
    }
  });
});

describe('temp leftovers of interrupted imports', () => {
  it('are swept for dead processes only, and never by verify', async () => {
    const t = await openTestApp();
    try {
      const dead = path.join(t.app.blobs.tmpDir, 'import-99999999-deadbeef');
      const mine = t.app.blobs.tempPath();
      for (const f of [dead, mine]) closeSync(openSync(f, 'w'));
      const report = await (await import('../src/audit/index.js')).verifySite(t.app.db, t.app.auditRepo, t.app.blobs);
      expect(report.notices.filter((n) => n.kind === 'temp_leftover').map((n) => n.location).sort()).toEqual([dead, mine].sort());
      expect(await t.app.blobs.sweepTempLeftovers()).toEqual([dead]);
      expect(existsSync(dead)).toBe(false);
      expect(existsSync(mine)).toBe(true);
    } finally {
      await t.close();
    }
  });
});

describe('several processes writing to one site at once', () => {
  it('three collection stations importing into one site at once all succeed and verify', async () => {
    const tmp = await tempDir();
    try {
      const data = path.join(tmp.dir, 'data');
      const first = await cli(['audit', 'head', '--data', data]);
      expect(first.code, first.stderr).toBe(0);
      // Three collection stations importing at once: hundreds of overlapping write transactions.
      const folders = [0, 1, 2].map((i) => {
        const dir = path.join(tmp.dir, `src${i}`);
        mkdirSync(dir);
        for (let f = 0; f < 40; f++) writeFileSync(path.join(dir, `clip-${i}-${f}.mp4`), randomBytes(2048));
        return dir;
      });
      const runs = await Promise.all(folders.map((dir) => cli(['ingest', dir, '--data', data, '--json'])));
      for (const r of runs) {
        expect(r.code, r.stderr).toBe(0);
        expect((JSON.parse(r.stdout) as { imported: number }).imported).toBe(40);
      }
      const verify = await cli(['verify', '--data', data, '--json']);
      expect(verify.code, verify.stdout).toBe(0);
      expect((JSON.parse(verify.stdout) as { ledger: { entries: number } }).ledger.entries).toBeGreaterThanOrEqual(120);
    } finally {
      await tmp.cleanup();
    }
  });
});
