import type { App } from '../app.js';
import { parseRoles } from '../identity/index.js';
import { AppError } from '../platform/errors.js';
import type { GlobalFlags } from './context.js';
import { EXIT_OK, table, UsageError } from './output.js';

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new UsageError('--password-stdin reads the password from standard input: pipe it in (e.g. `printf %s "$PW" | custodia user add …`)');
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

const usage = (e: unknown): never => {
  if (e instanceof AppError && (e.kind === 'invalid' || e.kind === 'conflict' || e.kind === 'not_found')) throw new UsageError(e.message);
  throw e;
};

export interface UserAddFlags extends GlobalFlags {
  username?: string | undefined;
  passwordStdin: boolean;
  role?: string | undefined;
  unit?: string | undefined;
  badge?: string | undefined;
  displayName?: string | undefined;
}

/** `custodia user add --username U --password-stdin --role R[,R] [--unit CODE] [--badge B]` */
export async function userAddCommand(app: App, f: UserAddFlags): Promise<number> {
  if (!f.username) throw new UsageError('--username is required');
  if (!f.passwordStdin) throw new UsageError('--password-stdin is required (passwords are never taken as arguments)');
  if (!f.role) throw new UsageError('--role is required (one or more of officer, custodian, collector, dispatcher, approver, supervisor, admin)');
  let roles;
  try {
    roles = parseRoles(f.role);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const password = await readStdin();
  const user = await app.identity.addUser({ username: f.username, password, roles, unitCode: f.unit, badge: f.badge, displayName: f.displayName }, null).catch(usage);
  await app.ledger.signHead();
  const out = { id: user.id, username: user.username, roles, unitId: user.unit_id, badge: user.badge };
  process.stdout.write(f.json ? `${JSON.stringify(out)}\n` : `created user ${user.username} (${roles.join(', ')})\n`);
  return EXIT_OK;
}

/** `custodia unit add --code C --name N [--parent P]` */
export async function unitAddCommand(app: App, f: GlobalFlags & { code?: string | undefined; name?: string | undefined; parent?: string | undefined }): Promise<number> {
  if (!f.code || !f.name) throw new UsageError('--code and --name are required');
  const unit = await app.identity.addUnit({ code: f.code, name: f.name, parentCode: f.parent }, null).catch(usage);
  await app.ledger.signHead();
  process.stdout.write(f.json ? `${JSON.stringify(unit)}\n` : `created unit ${unit.code} (${unit.name})\n`);
  return EXIT_OK;
}

/** `custodia token create --username U [--name N] | revoke --username U --id ID | list --username U` */
export async function tokenCommand(app: App, sub: string | undefined, f: GlobalFlags & { username?: string | undefined; name?: string | undefined; id?: string | undefined }): Promise<number> {
  if (!f.username) throw new UsageError('--username is required');
  switch (sub) {
    case 'create': {
      const t = await app.sessions.createToken(f.username, f.name ?? 'cli', null).catch(usage);
      await app.ledger.signHead();
      process.stdout.write(f.json ? `${JSON.stringify({ id: t.id, token: t.secret, username: t.user.username })}\n` : `${t.secret}\n`);
      if (!f.json) process.stderr.write(`token ${t.id} for ${t.user.username}: send it as "Authorization: Bearer <token>"; it is shown only once\n`);
      return EXIT_OK;
    }
    case 'revoke': {
      if (!f.id) throw new UsageError('--id is required');
      await app.sessions.revokeToken(f.username, f.id, null).catch(usage);
      await app.ledger.signHead();
      process.stdout.write(f.json ? `${JSON.stringify({ revoked: f.id })}\n` : `revoked token ${f.id}\n`);
      return EXIT_OK;
    }
    case 'list': {
      const list = await app.sessions.tokens(f.username).catch(usage);
      const fmt = (t: number | null) => (t === null ? '-' : new Date(t).toISOString());
      process.stdout.write(f.json ? `${JSON.stringify(list)}\n` : `${table([['ID', 'NAME', 'CREATED', 'LAST USED', 'REVOKED'], ...list.map((t) => [t.id, t.name ?? '', fmt(t.createdAt), fmt(t.lastUsedAt), fmt(t.revokedAt)])])}\n`);
      return EXIT_OK;
    }
    default:
      throw new UsageError('token needs one of: create, revoke, list');
  }
}
