import { z } from 'zod';
import type { AuditLedger } from '../audit/index.js';
import type { Clock } from '../platform/clock.js';
import type { Database, Executor, Trx } from '../platform/db/database.js';
import { Conflict } from '../platform/errors.js';

/**
 * What kind of site this is, kept in the `settings` row `site` beside the authority settings
 * (identity/site-settings.ts). A demo site says so in that row, written in the same run that loads
 * the demo, before any demo data: it is never removed, so a demo stays a demo. A real site has no
 * such row.
 */
export const SITE_MODE_KEY = 'site';

export const SiteModeSchema = z.object({
  demo: z.boolean(),
  /** When the demo was loaded (UTC epoch ms, the real time of the run). */
  loadedAt: z.number().int().optional(),
  /** The interval its simulated history covers (its ledger entries carry those times). */
  simulatedFrom: z.number().int().optional(),
  simulatedTo: z.number().int().optional(),
  /** When the load finished; absent while loading or when the load failed (the folder is then spoiled). */
  completedAt: z.number().int().optional(),
});
export type SiteMode = z.infer<typeof SiteModeSchema>;

const REAL_SITE: SiteMode = { demo: false };

export async function readSiteMode(ex: Executor): Promise<SiteMode> {
  const row = await ex.selectFrom('settings').select('value').where('key', '=', SITE_MODE_KEY).executeTakeFirst();
  if (!row) return REAL_SITE;
  const parsed = SiteModeSchema.safeParse(JSON.parse(row.value));
  // A row that doesn't parse still came from a demo load: only the demo writes it.
  return parsed.success ? parsed.data : { demo: true };
}

/** What `GET /api/health` tells the web app: a demo (show the banner), an empty site (offer the demo). */
export async function siteStatus(db: Database): Promise<{ demo: boolean; empty: boolean }> {
  const [mode, any] = await Promise.all([readSiteMode(db.kysely), db.kysely.selectFrom('recordings').select('id').limit(1).executeTakeFirst()]);
  return { demo: mode.demo, empty: any === undefined };
}

/**
 * Why this site may not become a demo, or null when it may: only a new site — no recordings, no
 * import batches, no devices, no cases, no units below the top one, and nobody but the bootstrap
 * `admin` — so demo data never mixes with real data.
 */
export async function demoRefusal(ex: Executor): Promise<string | null> {
  if ((await readSiteMode(ex)).demo) return 'this site is already a demo site';
  const count = async (table: 'recordings' | 'import_batches' | 'devices' | 'cases') => Number((await ex.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  const recordings = await count('recordings');
  if (recordings > 0) return `the site holds ${recordings} recording(s)`;
  if ((await count('import_batches')) > 0) return 'the site has imports';
  if ((await count('devices')) > 0) return 'the site has devices';
  if ((await count('cases')) > 0) return 'the site has cases';
  const units = await ex.selectFrom('units').select(['code', 'parent_id']).execute();
  if (units.some((u) => u.parent_id !== null)) return 'the site has units below its top unit';
  const users = await ex.selectFrom('users').select(['username', 'roles']).execute();
  const others = users.filter((u) => !(u.username === 'admin' && u.roles === JSON.stringify(['admin'])));
  if (others.length > 0) return `the site has accounts besides the bootstrap administrator (${others.map((u) => u.username).slice(0, 3).join(', ')}${others.length > 3 ? ', …' : ''})`;
  return null;
}

/**
 * Marks the site a demo, in one transaction with the check that it is new and its ledger entry
 * (`settings.update` of `site`). Throws `demo_refused` (409) with the reason otherwise; a second
 * run racing this one finds the row and is refused too.
 */
export async function markDemoSite(db: Database, ledger: AuditLedger, clock: Clock, mode: Omit<SiteMode, 'demo'>): Promise<SiteMode> {
  const value: SiteMode = { demo: true, ...mode };
  await db.transact(async (trx: Trx) => {
    const refusal = await demoRefusal(trx);
    if (refusal) throw Conflict('demo_refused', `the demo loads only into a new site, and ${refusal}. A demo goes into its own data folder: custodia demo --data ./data-demo`);
    await trx.insertInto('settings').values({ key: SITE_MODE_KEY, value: JSON.stringify(value), updated_at: clock.now(), updated_by: null }).execute();
    await ledger.append(trx, { actor: null, action: 'settings.update', subject: { type: 'settings', id: SITE_MODE_KEY }, ip: null, reason: 'demo site: every record that follows is fictitious', details: { before: null, after: value } });
  });
  return value;
}

/** Records that the demo finished loading (a second `settings.update` of `site`). */
export async function completeDemoSite(db: Database, ledger: AuditLedger, clock: Clock): Promise<SiteMode> {
  return db.transact(async (trx: Trx) => {
    const before = await readSiteMode(trx);
    const after: SiteMode = { ...before, demo: true, completedAt: clock.now() };
    await trx.updateTable('settings').set({ value: JSON.stringify(after), updated_at: clock.now() }).where('key', '=', SITE_MODE_KEY).execute();
    await ledger.append(trx, { actor: null, action: 'settings.update', subject: { type: 'settings', id: SITE_MODE_KEY }, ip: null, reason: 'demo site loaded', details: { before, after } });
    return after;
  });
}
