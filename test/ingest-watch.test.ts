import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeLeaf, verifySite } from '../src/audit/index.js';
import { DockWatcher, MassStorageDriver, type BatchResult, type DockEvent } from '../src/ingest/index.js';
import { CLI, makeVideo, openTestApp, tempDir, type TestApp } from './support/app.js';
import { listFiles } from './support/fixtures.js';

/**
 * The collection station (采集工作站, `ingest --watch`): each recorder that appears under the dock
 * root is imported once per docking, identified from its volume label and its file names, and
 * (when asked) wiped only after its files are stored and re-verified.
 */

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what: string, cond: () => boolean, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** `<serial7>_<badge6>_<YYYYMMDDhhmmss>_<seq>.MP4`, the GA/T 947 style a recorder writes. */
const recorderName = (serial: string, badge: string, stamp: string, seq: number) => `${serial}_${badge}_${stamp}_${String(seq).padStart(4, '0')}.MP4`;

interface Station {
  watcher: DockWatcher;
  events: DockEvent[];
  imported(): Array<{ key: string; result: BatchResult }>;
}

async function startStation(t: TestApp, dock: string, wipeSource: boolean): Promise<Station> {
  const events: DockEvent[] = [];
  const unit = await t.app.identity.resolveUnit(undefined);
  // Wired the way `custodia ingest --watch` wires it (src/cli/ingest.ts).
  const watcher = new DockWatcher(dock, new MassStorageDriver(), t.app.ingest, t.app.clock, t.app.log, {
    unitId: unit.id,
    station: 'station-1',
    actor: null,
    meta: { ip: null, userAgent: 'vitest' },
    deviceSerial: undefined,
    officerBadge: undefined,
    wipeSource,
    pollMs: 100,
    onEvent: (e) => events.push(e),
  });
  watcher.start();
  return {
    watcher,
    events,
    imported: () => events.flatMap((e) => (e.kind === 'imported' ? [{ key: e.device.key, result: e.result }] : [])),
  };
}

describe('dock watcher', () => {
  let tmp: { dir: string; cleanup(): Promise<void> };
  // Two real videos, made once and reused under recorder names.
  let clipA: Buffer;
  let clipB: Buffer;
  let clipC: Buffer;

  beforeAll(async () => {
    tmp = await tempDir();
    await Promise.all([
      makeVideo(path.join(tmp.dir, 'a.mp4'), { seconds: 1 }),
      makeVideo(path.join(tmp.dir, 'b.mp4'), { seconds: 2 }),
      makeVideo(path.join(tmp.dir, 'c.mp4'), { seconds: 3 }),
    ]);
    clipA = readFileSync(path.join(tmp.dir, 'a.mp4'));
    clipB = readFileSync(path.join(tmp.dir, 'b.mp4'));
    clipC = readFileSync(path.join(tmp.dir, 'c.mp4'));
  });
  afterAll(async () => {
    await tmp?.cleanup();
  });

  /** A recorder's volume, prepared beside the dock and then docked in one step (the mount appearing). */
  function prepareDevice(name: string, files: Record<string, Buffer>): string {
    const staged = path.join(tmp.dir, `stage-${name}-${Math.random().toString(36).slice(2)}`);
    mkdirSync(path.join(staged, 'DCIM'), { recursive: true });
    for (const [file, bytes] of Object.entries(files)) writeFileSync(path.join(staged, 'DCIM', file), bytes);
    return staged;
  }

  it('imports a docked recorder once, identified by its label and file names, and again only after a redock', async () => {
    const t = await openTestApp();
    const dock = path.join(tmp.dir, 'dock-1');
    mkdirSync(dock);
    const station = await startStation(t, dock, false);
    try {
      const serial = 'B765432';
      const n1 = recorderName(serial, '012345', '20260115083000', 1);
      const n2 = recorderName(serial, '012345', '20260115091530', 2);
      const device = path.join(dock, serial);
      renameSync(prepareDevice(serial, { [n1]: clipA, [n2]: clipB }), device);

      await waitFor('the first import', () => station.imported().length === 1);
      const [first] = station.imported();
      expect(first!.key).toBe(serial);
      expect(first!.result).toMatchObject({ imported: 2, duplicates: 0, failed: 0, wiped: false });
      const docked = station.events.filter((e) => e.kind === 'docked');
      expect(docked.length).toBe(1);
      expect(docked[0]!.kind === 'docked' && docked[0]!.identity.serial).toBe(serial);

      // Device serial and officer badge from the names; the stamp is Asia/Shanghai local time.
      for (const [name, bytes, utc] of [
        [n1, clipA, Date.UTC(2026, 0, 15, 0, 30, 0)],
        [n2, clipB, Date.UTC(2026, 0, 15, 1, 15, 30)],
      ] as const) {
        const item = first!.result.files.find((f) => f.path === path.join(device, 'DCIM', name))!;
        expect(item.status).toBe('imported');
        expect(item.sha256).toBe(sha256(bytes));
        const rec = await t.app.recordingsRepo.byId(item.recordingId!);
        expect(rec).toMatchObject({
          device_serial: serial,
          officer_badge: '012345',
          original_name: name,
          source_kind: 'dock',
          file_name_pattern: 'ga-t947',
          time_source: 'file_name',
          device_started_at: utc,
          started_at: utc,
          clock_offset_ms: 0,
          station: 'station-1',
        });
      }
      const batch = await t.app.db.kysely.selectFrom('import_batches').selectAll().where('id', '=', first!.result.batchId).executeTakeFirstOrThrow();
      expect(batch).toMatchObject({ source_kind: 'dock', device_serial: serial, status: 'done', files_imported: 2 });

      // Staying docked: many polls later, still one import, and the files are untouched.
      await sleep(1000);
      expect(station.imported().length).toBe(1);
      expect(station.events.filter((e) => e.kind === 'docked').length).toBe(1);
      expect(station.events.filter((e) => e.kind === 'failed')).toEqual([]);
      expect(listFiles(device).length).toBe(2);

      // Undock, record one more clip, dock again: only the new file is imported.
      const away = path.join(tmp.dir, `away-${serial}`);
      renameSync(device, away);
      await waitFor('the undock', () => station.events.some((e) => e.kind === 'undocked' && e.device.key === serial));
      const n3 = recorderName(serial, '012345', '20260116140000', 3);
      writeFileSync(path.join(away, 'DCIM', n3), clipC);
      renameSync(away, device);
      await waitFor('the second import', () => station.imported().length === 2);
      const second = station.imported()[1]!.result;
      expect(second).toMatchObject({ imported: 1, duplicates: 2, failed: 0 });
      expect(second.files.find((f) => f.status === 'imported')!.path).toBe(path.join(device, 'DCIM', n3));
      for (const f of second.files.filter((x) => x.status === 'duplicate')) {
        expect(first!.result.files.map((x) => x.recordingId)).toContain(f.recordingId);
      }
      await sleep(500);
      expect(station.imported().length).toBe(2);
      const recs = await t.app.db.kysely.selectFrom('recordings').select(['blob_sha256']).execute();
      expect(recs.map((r) => r.blob_sha256).sort()).toEqual([sha256(clipA), sha256(clipB), sha256(clipC)].sort());
    } finally {
      await station.watcher.stop();
      await t.close();
    }
  });

  it('with wipeSource, frees the recorder only after its files are stored and re-verified, and does not import it twice', async () => {
    const t = await openTestApp();
    const dock = path.join(tmp.dir, 'dock-2');
    mkdirSync(dock);
    const station = await startStation(t, dock, true);
    try {
      const serial = 'C111222';
      const files = { [recorderName(serial, '654321', '20260201120000', 1)]: clipA, [recorderName(serial, '654321', '20260201123000', 2)]: clipB };
      const device = path.join(dock, serial);
      renameSync(prepareDevice(serial, files), device);

      await waitFor('the import', () => station.imported().length === 1);
      const { result } = station.imported()[0]!;
      expect(result).toMatchObject({ imported: 2, failed: 0, wiped: true, wipeRefusedReason: null });
      expect(listFiles(device)).toEqual([]);
      expect(existsSync(device)).toBe(true);

      // The wipe is in the ledger, naming each file and the hash it was stored under.
      const entries = await t.app.db.kysely.selectFrom('audit_entries').select(['subject_id', 'leaf']).where('action', '=', 'ingest.source_wipe').execute();
      expect(entries.length).toBe(1);
      expect(entries[0]!.subject_id).toBe(result.batchId);
      const details = decodeLeaf(entries[0]!.leaf).details as { files: Array<{ path: string; sha256: string }> };
      expect(details.files.map((f) => f.sha256).sort()).toEqual([sha256(clipA), sha256(clipB)].sort());
      for (const bytes of [clipA, clipB]) {
        const h = sha256(bytes);
        expect((await t.app.blobs.rehash(h)).sha256).toBe(h);
        const rec = await t.app.recordingsRepo.byBlob(h);
        expect(rec).toMatchObject({ device_serial: serial, officer_badge: '654321' });
      }
      const finish = await t.app.db.kysely.selectFrom('audit_entries').select(['seq']).where('action', '=', 'ingest.batch_finish').where('subject_id', '=', result.batchId).executeTakeFirstOrThrow();
      const imports = await t.app.db.kysely.selectFrom('audit_entries').select(['seq']).where('action', '=', 'recording.import').execute();
      const wipeSeq = (await t.app.db.kysely.selectFrom('audit_entries').select(['seq']).where('action', '=', 'ingest.source_wipe').executeTakeFirstOrThrow()).seq;
      // Every file's import entry comes before the wipe, the batch's close after it.
      for (const i of imports) expect(i.seq).toBeLessThan(wipeSeq);
      expect(finish.seq).toBeGreaterThan(wipeSeq);

      // Still docked (now empty): not imported again.
      await sleep(1000);
      expect(station.imported().length).toBe(1);
      expect(station.events.filter((e) => e.kind === 'failed')).toEqual([]);
      const report = await verifySite(t.app.db, t.app.auditRepo, t.app.blobs);
      expect(report.ok).toBe(true);
      expect(report.notices).toEqual([]);
    } finally {
      await station.watcher.stop();
      await t.close();
    }
  });

  it('waits until a recorder’s files stop changing before it imports them', async () => {
    const t = await openTestApp();
    const dock = path.join(tmp.dir, 'dock-3');
    mkdirSync(dock);
    const station = await startStation(t, dock, false);
    try {
      const serial = 'D333444';
      const name = recorderName(serial, '111111', '20260301080000', 1);
      const staged = prepareDevice(serial, { [name]: randomBytes(64 * 1024) });
      const device = path.join(dock, serial);
      const fd = openSync(path.join(staged, 'DCIM', name), 'a');
      renameSync(staged, device);
      // The file keeps growing for a while after the volume appears (a copy still in progress).
      const chunks: Buffer[] = [readFileSync(path.join(device, 'DCIM', name))];
      for (let i = 0; i < 20; i++) {
        await sleep(30);
        const c = randomBytes(32 * 1024);
        writeSync(fd, c);
        chunks.push(c);
      }
      closeSync(fd);
      const settledAt = station.events.length;
      expect(station.imported()).toEqual([]);
      await waitFor('the import', () => station.imported().length === 1);
      expect(settledAt).toBe(0);
      const whole = Buffer.concat(chunks);
      const [r] = station.imported()[0]!.result.files;
      expect(r).toMatchObject({ status: 'imported', size: whole.length, sha256: sha256(whole) });
      expect(r!.flags).not.toContain('source_modified_after_copy');
    } finally {
      await station.watcher.stop();
      await t.close();
    }
  });
  it('keeps watching a mount that is still empty and imports its files once they appear', async () => {
    const t = await openTestApp();
    const dock = path.join(tmp.dir, 'dock-4');
    mkdirSync(dock);
    const station = await startStation(t, dock, false);
    try {
      const serial = 'E555666';
      mkdirSync(path.join(dock, serial, 'DCIM'), { recursive: true });
      await sleep(500); // several polls over an empty, stable volume
      expect(station.imported()).toEqual([]);
      const name = recorderName(serial, '222222', '20260302080000', 1);
      writeFileSync(path.join(dock, serial, 'DCIM', name), clipA);
      await waitFor('the import', () => station.imported().length === 1);
      expect(station.imported()[0]!.result.files).toMatchObject([{ status: 'imported', sha256: sha256(clipA) }]);
    } finally {
      await station.watcher.stop();
      await t.close();
    }
  });
});

describe('custodia ingest: exit codes', () => {
  let tmp: { dir: string; cleanup(): Promise<void> };
  beforeAll(async () => {
    tmp = await tempDir();
  });
  afterAll(async () => {
    await tmp?.cleanup();
  });

  function cli(args: string[], opts: { stopAfter?: (stdout: string) => boolean } = {}): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [...CLI, ...args], { env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'silent', CUSTODIA_RUN_JOBS: 'false' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      let stopping = false;
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString('utf8');
        if (!stopping && opts.stopAfter?.(stdout)) {
          stopping = true;
          child.kill('SIGTERM');
        }
      });
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
      child.on('error', reject);
      child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    });
  }

  it('2 for bad usage, 0 for --help, 1 when a file failed, 0 when all imported', async () => {
    const data = path.join(tmp.dir, 'data');
    const good = path.join(tmp.dir, 'good');
    mkdirSync(good);
    await makeVideo(path.join(good, 'clip.mp4'), { seconds: 1 });
    const bad = path.join(tmp.dir, 'bad');
    mkdirSync(bad);
    writeFileSync(path.join(bad, 'empty.mp4'), '');
    // Separate data folders: processes opening the same new site at once race on its creation.
    const [noFolder, missing, unknownFlag, help, ingestHelp] = await Promise.all([
      cli(['ingest', '--data', `${data}-1`]),
      cli(['ingest', path.join(tmp.dir, 'does-not-exist'), '--data', `${data}-2`]),
      cli(['ingest', good, '--data', data, '--no-such-flag']),
      cli(['--help']),
      cli(['ingest', '--help']),
    ]);
    expect(noFolder.code, noFolder.stderr).toBe(2);
    expect(noFolder.stderr).toMatch(/at least one folder/);
    expect(missing.code, missing.stderr).toBe(2);
    expect(missing.stderr).toMatch(/no such folder/);
    expect(unknownFlag.code).toBe(2);
    expect(unknownFlag.stderr).toMatch(/no-such-flag/);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage: custodia/);
    expect(ingestHelp.code).toBe(0);

    const ok = await cli(['ingest', good, '--data', data, '--json']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ imported: 1, failed: 0 });
    const failed = await cli(['ingest', bad, '--data', data, '--json']);
    expect(failed.code, failed.stderr).toBe(1);
    expect(JSON.parse(failed.stdout)).toMatchObject({ imported: 0, failed: 1 });
  });

  it('--watch imports a docked recorder, prints one JSON line for it, and exits 0 on SIGTERM', async () => {
    const data = path.join(tmp.dir, 'data-watch');
    const dock = path.join(tmp.dir, 'dock');
    const staged = path.join(tmp.dir, 'E555666');
    mkdirSync(path.join(staged, 'DCIM'), { recursive: true });
    mkdirSync(dock);
    await makeVideo(path.join(staged, 'DCIM', recorderName('E555666', '222222', '20260401100000', 1)), { seconds: 1 });
    const docking = (async () => {
      await sleep(1500);
      renameSync(staged, path.join(dock, 'E555666'));
    })();
    const r = await cli(['ingest', '--watch', dock, '--poll-ms', '100', '--wipe-source', '--data', data, '--json'], { stopAfter: (out) => out.includes('"event":"imported"') });
    await docking;
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { event: string; device: string; imported: number; wiped: boolean });
    expect(lines.length).toBe(1);
    expect(lines[0]).toMatchObject({ event: 'imported', device: 'E555666', imported: 1, wiped: true });
    expect(listFiles(path.join(dock, 'E555666'))).toEqual([]);
  });
});
