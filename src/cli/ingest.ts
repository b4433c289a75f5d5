import { hostname, userInfo } from 'node:os';
import type { App } from '../app.js';
import type { Actor } from '../identity/index.js';
import { toActor } from '../identity/index.js';
import { DockWatcher, MassStorageDriver, type BatchResult } from '../ingest/index.js';
import { byteProgress, EXIT_FAILED, EXIT_OK, humanBytes, printable, table, UsageError } from './output.js';
import type { GlobalFlags } from './context.js';

export interface IngestFlags extends GlobalFlags {
  sources: string[];
  device?: string | undefined;
  officer?: string | undefined;
  unit?: string | undefined;
  collector?: string | undefined;
  station?: string | undefined;
  wipeSource: boolean;
  watch: boolean;
  pollMs: number;
}

async function collectorActor(app: App, username: string | undefined): Promise<Actor | null> {
  if (!username) return null;
  const u = await app.identity.userByUsername(username);
  if (!u) throw new UsageError(`no user ${username}`);
  return toActor(u, { kind: 'cli', id: 'cli' });
}

function resultTable(r: BatchResult): string {
  const rows = [['STATUS', 'SIZE', 'SHA-256', 'RECORDING', 'FILE', 'NOTES']];
  for (const f of r.files) {
    rows.push([f.status, f.size === null ? '-' : humanBytes(f.size), f.sha256 ? f.sha256.slice(0, 16) : '-', f.recordingId ?? '-', printable(f.path), printable([f.error ?? '', ...f.flags].filter(Boolean).join('; '))]);
  }
  const summary = `${r.imported} imported, ${r.duplicates} already stored, ${r.failed} failed, ${humanBytes(r.bytes)}` + (r.wipeRefusedReason ? ` — source NOT wiped: ${r.wipeRefusedReason}` : r.wiped ? ' — source wiped after verification' : '');
  return `${table(rows)}\n${summary}`;
}

/** `custodia ingest <folder>... | --watch <dock-root>` */
export async function ingestCommand(app: App, flags: IngestFlags): Promise<number> {
  if (flags.sources.length === 0) throw new UsageError('ingest needs at least one folder (or --watch <dock-root>)');
  const actor = await collectorActor(app, flags.collector);
  const unit = await app.identity.resolveUnit(flags.unit).catch((e: Error) => {
    throw new UsageError(e.message);
  });
  const station = flags.station ?? hostname();
  await app.blobs.sweepTempLeftovers();
  const meta = { ip: null, userAgent: `custodia-cli (${userInfo().username}@${hostname()})` };

  if (flags.watch) {
    if (flags.sources.length !== 1) throw new UsageError('--watch takes exactly one dock folder');
    const watcher = new DockWatcher(flags.sources[0]!, new MassStorageDriver(), app.ingest, app.clock, app.log, {
      unitId: unit.id,
      station,
      actor,
      meta,
      deviceSerial: flags.device,
      officerBadge: flags.officer,
      wipeSource: flags.wipeSource,
      pollMs: flags.pollMs,
      onEvent: (e) => {
        if (e.kind === 'imported') {
          process.stdout.write(flags.json ? `${JSON.stringify({ event: 'imported', device: e.device.key, ...e.result })}\n` : `\n[${new Date().toISOString()}] device ${e.device.key}\n${resultTable(e.result)}\n`);
          void app.ledger.signHead();
        } else if (e.kind === 'docked') {
          if (!flags.json) process.stdout.write(`[${new Date().toISOString()}] docked ${e.device.key} serial=${e.identity.serial ?? '?'} free=${e.status.freeBytes === undefined ? '?' : humanBytes(e.status.freeBytes)}\n`);
        } else if (e.kind === 'failed') process.stdout.write(flags.json ? `${JSON.stringify({ event: 'failed', device: e.device.key, error: e.error })}\n` : `device ${e.device.key} failed: ${e.error}\n`);
        else if (!flags.json) process.stdout.write(`[${new Date().toISOString()}] undocked ${e.device.key}\n`);
      },
    });
    if (!flags.json) process.stdout.write(`watching ${flags.sources[0]} for docked recorders (Ctrl-C to stop)\n`);
    watcher.start();
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await watcher.stop();
    await app.ledger.signHead();
    return EXIT_OK;
  }

  let failed = 0;
  const results: BatchResult[] = [];
  for (const source of flags.sources) {
    const bar = byteProgress(!flags.json);
    let result: BatchResult;
    try {
      result = await app.ingest.importSource(source, {
        sourceKind: 'folder',
        unitId: unit.id,
        deviceSerial: flags.device,
        officerBadge: flags.officer,
        station,
        actor,
        meta,
        wipe: flags.wipeSource ? (files) => new MassStorageDriver().freeStorage({ key: source, root: source }, files) : undefined,
        onProgress: (p) => bar.update(p),
      });
    } catch (e) {
      bar.stop();
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new UsageError(`no such folder: ${source}`);
      throw e;
    }
    bar.stop();
    results.push(result);
    failed += result.failed;
    if (!flags.json) process.stdout.write(`${printable(result.source)}\n${resultTable(result)}\n`);
  }
  await app.ledger.signHead();
  if (flags.json) process.stdout.write(`${JSON.stringify(results.length === 1 ? results[0] : results)}\n`);
  return failed > 0 ? EXIT_FAILED : EXIT_OK;
}
