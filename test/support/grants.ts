import type { App } from '../../src/app.js';
import type { RequestAction } from '../../src/access/index.js';
import { toActor, type Actor } from '../../src/identity/index.js';

const APPROVER = 'test-approver';

/** The actor of an existing user, as the HTTP layer would see them (a browser session). */
export async function actorOf(app: App, username: string): Promise<Actor> {
  const u = await app.identity.userByUsername(username);
  if (!u) throw new Error(`no user ${username}`);
  return toActor(u, { kind: 'session', id: `test-${username}` });
}

/**
 * Gives `username` an approved grant through the real access path: they ask, an approver at the
 * site's root unit (created on first use) approves. Returns the request id.
 */
export async function grantAccess(app: App, username: string, recordingIds: string[], action: RequestAction): Promise<string> {
  if (!(await app.identity.userByUsername(APPROVER))) {
    await app.identity.addUser({ username: APPROVER, password: 'approver password 1', roles: ['approver'], clearance: 3 }, null);
  }
  const meta = { ip: '127.0.0.1' };
  const req = await app.access.request(await actorOf(app, username), { recordingIds, action, reason: 'quality_assessment' }, meta);
  await app.access.approve(await actorOf(app, APPROVER), req.id, {}, meta);
  return req.id;
}

/** The same, on a site's data folder that no process has open (CLI and child-server tests). */
export async function grantAccessIn(dataDir: string, username: string, recordingIds: string[], action: RequestAction): Promise<string> {
  const { openApp } = await import('../../src/app.js');
  const { loadConfig } = await import('../../src/config.js');
  const { createLogger } = await import('../../src/platform/log.js');
  const app = await openApp(loadConfig({ CUSTODIA_DATA: dataDir, LOG_LEVEL: 'silent' }), createLogger('silent'), { PATH: process.env.PATH });
  try {
    return await grantAccess(app, username, recordingIds, action);
  } finally {
    await app.ledger.signHead();
    await app.close();
  }
}
