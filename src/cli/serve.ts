import { randomBytes } from 'node:crypto';
import type { App } from '../app.js';
import { DEMO_PASSWORD, readSiteMode } from '../demo/index.js';
import { buildServer } from '../http/server.js';
import { EXIT_OK } from './output.js';

/**
 * `custodia serve`: the API and, in the embedded shape, the job worker and the tree-head signer in
 * one process. On a new site it creates the first administrator and prints the one-time password.
 */
export async function serveCommand(app: App): Promise<number> {
  const { config, log } = app;
  if ((await app.identity.countUsers()) === 0) {
    const password = randomBytes(12).toString('base64url');
    await app.identity.addUser({ username: 'admin', password, roles: ['admin'], displayName: 'Administrator' }, null);
    process.stdout.write(
      [
        '',
        '  New Custodia site: created the administrator account.',
        '    username: admin',
        `    password: ${password}`,
        '  It is shown only this once. The administrator manages users and settings and cannot view recordings;',
        '  add a collector with:  printf %s "$PW" | npx custodia user add --username NAME --password-stdin --role collector',
        '',
        '  Just looking? Stop this server (Ctrl-C) and try the demo site instead: fictitious people and recordings,',
        '  in a folder of its own (./data-demo), never this one:',
        '    npx custodia demo && npx custodia serve --data ./data-demo',
        '',
      ].join('\n') + '\n',
    );
  }
  const swept = await app.blobs.sweepTempLeftovers();
  if (swept.length > 0) log.info({ files: swept.length }, 'removed partial copies left by interrupted imports');
  if (app.siteKeyCreated) log.info({ keyDir: `${config.dataDir}/keys` }, 'created the site signing key (Ed25519): back it up with the data folder');
  await app.ledger.signHead();
  // Commits append to the WAL; copying it back into the database file happens on a worker thread.
  app.db.startBackgroundCheckpoints((message) => log.error({ err: message }, 'WAL checkpoint failed'));
  const server = await buildServer(app);
  if (config.runJobs) app.jobs.start(config.jobPollMs);
  const signer = setInterval(() => {
    app.ledger.signHead().catch((e: unknown) => log.error({ err: e }, 'signing a tree head failed'));
  }, config.treeHeadIntervalMs);
  // The daily retention run: finish interrupted deletions, list what expired, propose batches for
  // approval, execute approved batches whose recovery window has passed. First run a minute after start.
  const retentionRun = () =>
    app.retention
      .run({ dryRun: false })
      .then((r) => log.info({ expired: r.expired, bytes: r.bytes, proposed: r.proposed.length, executed: r.executed, swept: r.swept }, 'retention run'))
      .catch((e: unknown) => log.error({ err: e }, 'retention run failed'));
  const retentionFirst = config.runJobs ? setTimeout(() => void retentionRun(), 60_000) : undefined;
  const retentionDaily = config.runJobs ? setInterval(() => void retentionRun(), 24 * 3600_000) : undefined;
  await server.listen({ host: config.host, port: config.port });
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  process.stdout.write(`Custodia is serving at http://${config.host}:${port} (data: ${config.dataDir}, database: ${app.db.dialect})\n`);
  if ((await readSiteMode(app.db.kysely)).demo) process.stdout.write(`  This is a DEMO site: every person and record in it is fictitious. Demo accounts' password: ${DEMO_PASSWORD}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  log.info('shutting down');
  clearInterval(signer);
  clearTimeout(retentionFirst);
  clearInterval(retentionDaily);
  await server.close();
  await app.jobs.stop();
  await app.ledger.signHead();
  return EXIT_OK;
}
