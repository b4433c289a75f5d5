import { parseArgs } from 'node:util';
import { auditCommand } from './cli/audit.js';
import { tokenCommand, unitAddCommand, userAddCommand } from './cli/admin.js';
import { openForCli, type GlobalFlags } from './cli/context.js';
import { demoCommand } from './cli/demo.js';
import { deviceCommand } from './cli/devices.js';
import { ingestCommand } from './cli/ingest.js';
import { PROFILE_HELP, profileCommand, retentionCommand } from './cli/retention.js';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError } from './cli/output.js';
import { serveCommand } from './cli/serve.js';
import { verifyCommand } from './cli/verify.js';
import { ConfigError } from './config.js';

const HELP = `Custodia — evidence platform for body-worn recorder audio and video

Usage: custodia <command> [options]

  serve [--port N] [--host H]          serve the API (default http://127.0.0.1:8080)
  ingest <folder>... [--device SERIAL] [--officer BADGE] [--unit CODE]
         [--collector USERNAME] [--station NAME] [--wipe-source]
                                        import folders (docked recorders or any folder)
  ingest --watch <dock-root> [--wipe-source] [--poll-ms N]
                                        collection station: import each recorder docked there
  verify                                re-hash every original and ledger entry, check signed heads
  audit head | export | prove <seq> [treeSize] | consistency <from> <to>
  user add --username U --password-stdin --role ROLE[,ROLE] [--unit CODE] [--badge B]
  unit add --code C --name N [--parent CODE]
  token create|list|revoke --username U [--name N] [--id ID]
  device add --code C [--kind K] [--serial S] [--model M] [--asset A] [--unit CODE]
         [--keeper USERNAME] [--maintenance-days N] --as USERNAME
  device list [--unit CODE] [--status S] [--overdue | --maintenance-due] --as USERNAME
  device issue <code> (--officer BADGE | --to USERNAME) (--due TIME | --hours N)
         [--battery N] [--device-time TIME] [--notes T] --as USERNAME
  device return <code> [--device-time TIME | --offset-ms=N] [--battery N] [--storage S]
         [--damage T] [--unusable CAUSE] [--notes T] --as USERNAME
  device history <code> --as USERNAME   the device desk (领用/归还/校时), acting as --as
  profile list [--all] | show <id> [--version N] | use <id> --unit CODE [--version N]
                                        regulation profiles and which one a unit tree follows
                                        (JSON shapes: custodia profile --help)
  retention run [--dry-run]             what has expired (per unit, bytes to free); without
                                        --dry-run also propose deletion batches and execute
                                        approved ones whose recovery window has passed
  jobs run                              run queued derivative jobs now, then exit
  demo [--data DIR] [--recordings N] [--skip-thumbnails]
                                        load the demo site (fictitious people and recordings) into
                                        a new folder, default ./data-demo; then: serve --data ./data-demo

Global options:
  --data DIR     data folder (default ./data, or CUSTODIA_DATA)
  --json         machine-readable output
  -h, --help     this help

Exit codes: 0 success, 1 a check or an import failed, 2 bad usage.
`;

export async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        data: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
        port: { type: 'string' },
        host: { type: 'string' },
        device: { type: 'string' },
        officer: { type: 'string' },
        unit: { type: 'string' },
        collector: { type: 'string' },
        station: { type: 'string' },
        'wipe-source': { type: 'boolean', default: false },
        watch: { type: 'boolean', default: false },
        'poll-ms': { type: 'string' },
        username: { type: 'string' },
        'password-stdin': { type: 'boolean', default: false },
        role: { type: 'string' },
        badge: { type: 'string' },
        'display-name': { type: 'string' },
        code: { type: 'string' },
        name: { type: 'string' },
        parent: { type: 'string' },
        id: { type: 'string' },
        as: { type: 'string' },
        kind: { type: 'string' },
        serial: { type: 'string' },
        model: { type: 'string' },
        asset: { type: 'string' },
        keeper: { type: 'string' },
        'maintenance-days': { type: 'string' },
        status: { type: 'string' },
        overdue: { type: 'boolean', default: false },
        'maintenance-due': { type: 'boolean', default: false },
        to: { type: 'string' },
        due: { type: 'string' },
        hours: { type: 'string' },
        battery: { type: 'string' },
        storage: { type: 'string' },
        damage: { type: 'string' },
        unusable: { type: 'string' },
        'device-time': { type: 'string' },
        'offset-ms': { type: 'string' },
        notes: { type: 'string' },
        version: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        recordings: { type: 'string' },
        'skip-thumbnails': { type: 'boolean', default: false },
        all: { type: 'boolean', default: false },
      },
    });
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n\n${HELP}`);
    return EXIT_USAGE;
  }
  const { values: v, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (v.help && command === 'profile') {
    process.stdout.write(PROFILE_HELP);
    return EXIT_OK;
  }
  if (v.help || !command) {
    process.stdout.write(HELP);
    return v.help ? EXIT_OK : EXIT_USAGE;
  }
  const flags: GlobalFlags = { data: v.data, json: v.json };
  const known = ['serve', 'ingest', 'verify', 'audit', 'user', 'unit', 'token', 'jobs', 'device', 'profile', 'retention', 'demo'];
  if (!known.includes(command)) {
    process.stderr.write(`unknown command "${command}"\n\n${HELP}`);
    return EXIT_USAGE;
  }
  const num = (s: string | undefined, name: string): number | undefined => {
    if (s === undefined) return undefined;
    if (!/^\d+$/.test(s)) throw new UsageError(`${name} must be a number`);
    return Number(s);
  };

  // The demo opens its own site (its own folder, its own clock), never the configured one.
  if (command === 'demo') return demoCommand(env, { ...flags, recordings: v.recordings, thumbnails: !v['skip-thumbnails'] });

  let app;
  try {
    app = await openForCli(env, flags, { port: num(v.port, '--port'), host: v.host });
  } catch (e) {
    if (e instanceof UsageError || e instanceof ConfigError) {
      process.stderr.write(`custodia: ${e.message}\n`);
      return EXIT_USAGE;
    }
    throw e;
  }
  try {
    switch (command) {
      case 'serve':
        return await serveCommand(app);
      case 'ingest':
        return await ingestCommand(app, {
          ...flags,
          sources: rest,
          device: v.device,
          officer: v.officer,
          unit: v.unit,
          collector: v.collector,
          station: v.station,
          wipeSource: v['wipe-source'],
          watch: v.watch,
          pollMs: num(v['poll-ms'], '--poll-ms') ?? 2000,
        });
      case 'verify':
        return await verifyCommand(app, flags);
      case 'audit':
        return await auditCommand(app, rest);
      case 'user':
        if (rest[0] !== 'add') throw new UsageError('user needs: add');
        return await userAddCommand(app, { ...flags, username: v.username, passwordStdin: v['password-stdin'], role: v.role, unit: v.unit, badge: v.badge, displayName: v['display-name'] });
      case 'unit':
        if (rest[0] !== 'add') throw new UsageError('unit needs: add');
        return await unitAddCommand(app, { ...flags, code: v.code, name: v.name, parent: v.parent });
      case 'token':
        return await tokenCommand(app, rest[0], { ...flags, username: v.username, name: v.name, id: v.id });
      case 'profile':
        return await profileCommand(app, rest, { ...flags, unit: v.unit, version: num(v.version, '--version'), all: v.all });
      case 'retention':
        return await retentionCommand(app, rest, { ...flags, dryRun: v['dry-run'] });
      case 'device':
        return await deviceCommand(app, rest[0], rest.slice(1), {
          ...flags,
          as: v.as,
          code: v.code,
          kind: v.kind,
          serial: v.serial,
          model: v.model,
          asset: v.asset,
          unit: v.unit,
          keeper: v.keeper,
          maintenanceDays: v['maintenance-days'],
          status: v.status,
          overdue: v.overdue,
          maintenanceDue: v['maintenance-due'],
          officer: v.officer,
          to: v.to,
          due: v.due,
          hours: v.hours,
          battery: v.battery,
          storage: v.storage,
          damage: v.damage,
          unusable: v.unusable,
          deviceTime: v['device-time'],
          offsetMs: v['offset-ms'],
          notes: v.notes,
        });
      case 'jobs': {
        if (rest[0] !== 'run') throw new UsageError('jobs needs: run');
        const n = await app.jobs.runUntilIdle();
        await app.ledger.signHead();
        process.stdout.write(flags.json ? `${JSON.stringify({ ran: n, counts: await app.jobs.counts() })}\n` : `ran ${n} job(s)\n`);
        return EXIT_OK;
      }
      default:
        return EXIT_USAGE;
    }
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`custodia: ${e.message}\n`);
      return EXIT_USAGE;
    }
    app.log.error({ err: e }, 'command failed');
    process.stderr.write(`custodia: ${(e as Error).message}\n`);
    return EXIT_FAILED;
  } finally {
    await app.close();
  }
}
