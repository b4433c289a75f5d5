import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/platform/log.js';
import { parseCliTime } from '../src/cli/devices.js';
import { runCli, tempDir, type CliRun } from './support/app.js';

// Each CLI process compiles the sources with tsx (seconds each on a busy 2-core machine): generous timeouts.

/**
 * `custodia device …` from the shell, as separate processes on one SQLite site: non-interactive,
 * `--json`, exit 0 done / 1 refused / 2 bad usage — and four desks issuing the same device at the
 * same moment from four processes: exactly one wins.
 */

type Run = CliRun;

describe('custodia device (CLI)', () => {
  let tmp: { dir: string; cleanup(): Promise<void> };
  let data: string;

  const cli = (args: string[]): Promise<Run> => runCli([...args, '--data', data]);
  const json = (r: Run) => JSON.parse(r.stdout) as Record<string, unknown>;

  beforeAll(async () => {
    tmp = await tempDir('custodia-devices-cli-');
    data = path.join(tmp.dir, 'data');
    const app = await openApp(loadConfig({ CUSTODIA_DATA: data, LOG_LEVEL: 'silent', CUSTODIA_RUN_JOBS: 'false' }), createLogger('silent'), { PATH: process.env.PATH });
    try {
      await app.identity.addUnit({ code: 'north', name: 'North station' }, null);
      await app.identity.addUser({ username: 'cust', password: 'cli test password', roles: ['custodian'], unitCode: 'north' }, null);
      await app.identity.addUser({ username: 'wang', password: 'cli test password', roles: ['officer'], unitCode: 'north', badge: '012345' }, null);
      await app.identity.addUser({ username: 'li', password: 'cli test password', roles: ['officer'], unitCode: 'north', badge: '054321' }, null);
    } finally {
      await app.close();
    }
  });
  afterAll(async () => {
    await tmp?.cleanup();
  });

  it('adds, issues (one winner among four processes), returns with a calibration, lists and shows history', async () => {
    const add = await cli(['device', 'add', '--code', 'N-1', '--serial', 'A123456', '--model', 'DSJ-A5S', '--unit', 'north', '--as', 'cust', '--json']);
    expect(add.code, add.stderr).toBe(0);
    expect(json(add)).toMatchObject({ code: 'N-1', serial: 'A123456', kind: 'body_worn', status: 'in_store' });

    const racers = await Promise.all([
      cli(['device', 'issue', 'N-1', '--officer', '012345', '--hours', '8', '--as', 'cust', '--json']),
      cli(['device', 'issue', 'N-1', '--officer', '054321', '--hours', '8', '--as', 'cust', '--json']),
      cli(['device', 'issue', 'N-1', '--to', 'wang', '--hours', '4', '--as', 'cust', '--json']),
      cli(['device', 'issue', 'N-1', '--to', 'li', '--hours', '4', '--battery', '90', '--as', 'cust', '--json']),
    ]);
    const winners = racers.filter((r) => r.code === 0);
    expect(winners, racers.map((r) => r.stderr).join('\n')).toHaveLength(1);
    for (const r of racers.filter((x) => x.code !== 0)) {
      expect(r.code, r.stderr).toBe(1);
      expect(json(r)).toMatchObject({ error: 'device_already_issued' });
    }
    expect(json(winners[0]!)).toMatchObject({ status: 'issued', loan: { overdue: false } });

    const back = await cli(['device', 'return', 'N-1', '--offset-ms=420000', '--battery', '35', '--storage', 'ok', '--as', 'cust', '--json']);
    expect(back.code, back.stderr).toBe(0);
    expect(json(back)).toMatchObject({ status: 'in_store', clockOffsetMs: 420000, loan: null });
    const twice = await cli(['device', 'return', 'N-1', '--as', 'cust', '--json']);
    expect(twice.code).toBe(1);
    expect(json(twice)).toMatchObject({ error: 'device_not_issued' });

    const list = await cli(['device', 'list', '--as', 'cust', '--json']);
    expect(list.code, list.stderr).toBe(0);
    expect((json(list).items as Array<Record<string, unknown>>).map((d) => d.code)).toEqual(['N-1']);

    const history = await cli(['device', 'history', 'N-1', '--as', 'cust', '--json']);
    expect(history.code, history.stderr).toBe(0);
    const h = json(history) as { events: Array<{ event: string }>; calibrations: Array<{ clockOffsetMs: number; source: string }> };
    expect(h.events.map((e) => e.event)).toEqual(['return', 'issue', 'register']);
    expect(h.calibrations).toMatchObject([{ clockOffsetMs: 420000, source: 'return' }]);
    const human = await cli(['device', 'history', 'N-1', '--as', 'cust']);
    expect(human.stdout).toMatch(/CALIBRATIONS[\s\S]*\+420\.0 s/);
  }, 300_000);

  it('2 for bad usage or unknown things, 1 when the rule refuses', async () => {
    const [noActor, noDevice, badKind, byOfficer] = await Promise.all([
      cli(['device', 'list']),
      cli(['device', 'issue', 'NOPE', '--officer', '012345', '--hours', '1', '--as', 'cust']),
      cli(['device', 'add', '--code', 'N-2', '--kind', 'toaster', '--as', 'cust']),
      cli(['device', 'add', '--code', 'N-3', '--as', 'wang', '--json']),
    ]);
    expect(noActor.code).toBe(2);
    expect(noActor.stderr).toMatch(/--as USERNAME is required/);
    expect(noDevice.code).toBe(2);
    expect(noDevice.stderr).toMatch(/device_not_found/);
    expect(badKind.code).toBe(2);
    expect(badKind.stderr).toMatch(/--kind: one of body_worn/);
    expect(byOfficer.code).toBe(1);
    expect(json(byOfficer)).toMatchObject({ error: 'role_not_permitted' });
  }, 180_000);

  it('reads times as ISO with a zone or as local wall time in the site zone', () => {
    expect(parseCliTime('2024-03-01T18:00:00+08:00', 'Asia/Shanghai', '--due')).toBe(Date.UTC(2024, 2, 1, 10, 0, 0));
    expect(parseCliTime('2024-03-01 18:00', 'Asia/Shanghai', '--due')).toBe(Date.UTC(2024, 2, 1, 10, 0, 0));
    expect(parseCliTime('2024-03-01 18:07:30', 'Asia/Shanghai', '--device-time')).toBe(Date.UTC(2024, 2, 1, 10, 7, 30));
    expect(() => parseCliTime('2024-02-30 10:00', 'Asia/Shanghai', '--due')).toThrow(/not a real time/);
    expect(parseCliTime('2024-03-01T18:00:00', 'Asia/Shanghai', '--due')).toBe(Date.UTC(2024, 2, 1, 10, 0, 0));
    expect(parseCliTime('2024-03-01T10:00:00.500Z', 'Asia/Shanghai', '--due')).toBe(Date.UTC(2024, 2, 1, 10, 0, 0, 500));
    expect(() => parseCliTime('tomorrow', 'Asia/Shanghai', '--due')).toThrow(/ISO time with its zone/);
  });
});
