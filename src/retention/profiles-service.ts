import type { AuditLedger } from '../audit/index.js';
import { auditActor, type Actor, type Authorizer, type RequestMeta, type UnitTree } from '../identity/index.js';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db/database.js';
import type { ProfileTable } from '../platform/db/schema.js';
import { Conflict, Invalid, NotFound } from '../platform/errors.js';
import type { GoverningRules, ImportRules } from '../recordings/index.js';
import { profileHash } from './profile-hash.js';
import { ProfileSchema, type Profile } from './profile-schema.js';
import { DEFAULT_PROFILE_ID, SHIPPED_PROFILES } from './shipped-profiles.js';
import { uploadDeadline } from './upload-deadline.js';

export interface ProfileSummary {
  id: string;
  version: number;
  name: { zh: string; en: string };
  kind: Profile['kind'];
  origin: 'shipped' | 'custom';
  basedOn: string | null;
  hash: string;
  createdAt: number;
  /** The key numbers at a glance. */
  minimumRetention: Profile['retention']['minimum']['period'];
  latest: boolean;
}

export interface UnitProfile {
  unitId: string;
  /** Where the assignment comes from: this unit, or the nearest ancestor that has one (or the site default). */
  assignedAt: string | null;
  profileId: string;
  profileVersion: number;
}

/** A duplicate primary key or unique value, on either dialect. */
function isKeyViolation(e: unknown): boolean {
  const code = (e as { code?: unknown }).code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

function summary(row: ProfileTable, latest: boolean): ProfileSummary {
  const body = JSON.parse(row.body) as Profile;
  return {
    id: row.id,
    version: row.version,
    name: { zh: row.name_zh, en: row.name_en },
    kind: row.kind,
    origin: row.origin,
    basedOn: row.based_on,
    hash: row.hash,
    createdAt: row.created_at,
    minimumRetention: body.retention.minimum.period,
    latest,
  };
}

/**
 * Regulation profiles in the database (R-PROFILE): the shipped ones, seeded on start, and an
 * agency's edited copies; every version is kept (the table is append-only) and a recording keeps
 * the `id@version` that governed it. An administrator assigns a profile to a unit tree; a unit
 * without its own assignment follows its nearest ancestor, and the site root the default.
 */
export class ProfilesService implements ImportRules {
  private cache = new Map<string, Profile>();

  constructor(
    private readonly db: Database,
    private readonly ledger: AuditLedger,
    private readonly authz: Authorizer,
    private readonly units: UnitTree,
    private readonly clock: Clock,
    private readonly timeZone: string,
  ) {}

  /** Puts every shipped profile version the database lacks into it (idempotent; run on start). */
  async seedShipped(): Promise<number> {
    let added = 0;
    for (const p of SHIPPED_PROFILES) {
      const exists = await this.db.kysely.selectFrom('profiles').select('id').where('id', '=', p.id).where('version', '=', p.version).executeTakeFirst();
      if (exists) continue;
      await this.db.transact(async (trx) => {
        const again = await trx.selectFrom('profiles').select('id').where('id', '=', p.id).where('version', '=', p.version).executeTakeFirst();
        if (again) return;
        await trx.insertInto('profiles').values(this.row(p, 'shipped', null, null)).execute();
        await this.ledger.append(trx, { actor: null, action: 'profile.install', subject: { type: 'profile', id: `${p.id}@${p.version}` }, details: { hash: profileHash(p), origin: 'shipped' } });
      });
      added += 1;
    }
    return added;
  }

  async list(actor: Actor | null, meta: RequestMeta): Promise<ProfileSummary[]> {
    if (actor) await this.authz.require(actor, 'retention.read', null, meta);
    const rows = await this.db.kysely.selectFrom('profiles').selectAll().orderBy('id').orderBy('version').execute();
    const latest = new Map<string, number>();
    for (const r of rows) latest.set(r.id, Math.max(latest.get(r.id) ?? 0, r.version));
    return rows.map((r) => summary(r, latest.get(r.id) === r.version));
  }

  /** A profile version (the latest when `version` is omitted). */
  async profile(id: string, version?: number): Promise<Profile> {
    const key = version === undefined ? undefined : `${id}@${version}`;
    if (key && this.cache.has(key)) return this.cache.get(key)!;
    let q = this.db.kysely.selectFrom('profiles').select(['body', 'version']).where('id', '=', id);
    q = version === undefined ? q.orderBy('version', 'desc') : q.where('version', '=', version);
    const row = await q.limit(1).executeTakeFirst();
    if (!row) throw NotFound('profile_not_found', `no profile ${id}${version === undefined ? '' : `@${version}`}`);
    const p = ProfileSchema.parse(JSON.parse(row.body));
    this.cache.set(`${id}@${row.version}`, p);
    return p;
  }

  async get(actor: Actor, id: string, version: number | undefined, meta: RequestMeta): Promise<Profile & { hash: string }> {
    await this.authz.require(actor, 'retention.read', null, meta);
    const p = await this.profile(id, version);
    return { ...p, hash: profileHash(p) };
  }

  /**
   * Saves an agency's edit as a new version: of its own copy, or — editing a shipped profile — of a
   * copy under a new id. Validated, hashed, audited; nothing ever changes in place.
   */
  async saveEdited(actor: Actor | null, input: unknown, basedOn: string | null, reason: string | null, meta: RequestMeta): Promise<ProfileSummary> {
    if (actor) await this.authz.require(actor, 'profile.manage', null, meta);
    const parsed = ProfileSchema.safeParse(input);
    if (!parsed.success) throw Invalid('profile_invalid', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    const p = parsed.data;
    if (SHIPPED_PROFILES.some((s) => s.id === p.id)) throw Conflict('profile_id_shipped', `${p.id} is a shipped profile: save your edit under a new id (e.g. ${p.id}-local)`);
    const row = this.row(p, 'custom', basedOn, actor?.id ?? null);
    // Optimistic concurrency: an edit names the version it creates, the one after the latest. The
    // check is made in the saving transaction, and two saves of the same next version that race
    // past it meet the primary key (id, version): the loser is refused the same way, never a 500.
    const stale = (latest: number) => Conflict('profile_version_conflict', `the next version of ${p.id} is ${latest + 1}`, { latest });
    await this.db.transact(async (trx) => {
      const current = await trx.selectFrom('profiles').select('version').where('id', '=', p.id).orderBy('version', 'desc').limit(1).executeTakeFirst();
      const latest = current?.version ?? 0;
      if (p.version !== latest + 1) throw stale(latest);
      try {
        await trx.insertInto('profiles').values(row).execute();
      } catch (e) {
        if (isKeyViolation(e)) throw stale(p.version);
        throw e;
      }
      await this.ledger.append(trx, { actor: auditActor(actor), action: 'profile.save', subject: { type: 'profile', id: `${p.id}@${p.version}` }, ip: meta.ip, reason, details: { hash: row.hash, basedOn, previous: current ? `${p.id}@${current.version}` : null } });
    });
    return summary(row, true);
  }

  /** Assigns a profile version to a unit and everything below it that has no assignment of its own. */
  async assign(actor: Actor | null, unitId: string, profileId: string, version: number | undefined, reason: string | null, meta: RequestMeta): Promise<UnitProfile> {
    if (actor) await this.authz.require(actor, 'profile.manage', { type: 'unit', id: unitId, unitId }, meta);
    const p = await this.profile(profileId, version);
    const before = await this.forUnit(unitId);
    const now = this.clock.now();
    await this.db.transact(async (trx) => {
      const exists = await trx.selectFrom('unit_profiles').select('unit_id').where('unit_id', '=', unitId).executeTakeFirst();
      const values = { profile_id: p.id, profile_version: p.version, assigned_at: now, assigned_by: actor?.id ?? null };
      if (exists) await trx.updateTable('unit_profiles').set(values).where('unit_id', '=', unitId).execute();
      else await trx.insertInto('unit_profiles').values({ unit_id: unitId, ...values }).execute();
      await this.ledger.append(trx, {
        actor: auditActor(actor),
        action: 'profile.assign',
        subject: { type: 'unit', id: unitId },
        ip: meta.ip,
        reason,
        details: { before: `${before.profileId}@${before.profileVersion}`, after: `${p.id}@${p.version}` },
      });
    });
    return { unitId, assignedAt: unitId, profileId: p.id, profileVersion: p.version };
  }

  /** The profile version governing a unit now: its own assignment, its nearest ancestor's, or the default. */
  async forUnit(unitId: string): Promise<UnitProfile> {
    const path = await this.units.path(unitId);
    if (path.length > 0) {
      const rows = await this.db.kysely.selectFrom('unit_profiles').selectAll().where('unit_id', 'in', path).execute();
      for (const id of [...path].reverse()) {
        const r = rows.find((x) => x.unit_id === id);
        if (r) return { unitId, assignedAt: id, profileId: r.profile_id, profileVersion: r.profile_version };
      }
    }
    const d = await this.profile(DEFAULT_PROFILE_ID);
    return { unitId, assignedAt: null, profileId: d.id, profileVersion: d.version };
  }

  /** `forUnit` for many units at once: one read of the assignments, the unit tree from its cache. */
  async forUnits(unitIds: readonly string[]): Promise<UnitProfile[]> {
    const assigned = new Map((await this.db.kysely.selectFrom('unit_profiles').selectAll().execute()).map((r) => [r.unit_id, r]));
    let fallback: UnitProfile | null = null;
    const out: UnitProfile[] = [];
    for (const unitId of unitIds) {
      const path = await this.units.path(unitId);
      const at = [...path].reverse().find((id) => assigned.has(id));
      if (at !== undefined) {
        const r = assigned.get(at)!;
        out.push({ unitId, assignedAt: at, profileId: r.profile_id, profileVersion: r.profile_version });
        continue;
      }
      if (!fallback) {
        const d = await this.profile(DEFAULT_PROFILE_ID);
        fallback = { unitId: '', assignedAt: null, profileId: d.id, profileVersion: d.version };
      }
      out.push({ ...fallback, unitId });
    }
    return out;
  }

  /** ImportRules: what governs a new recording of a unit, and its upload deadline (R-24H). */
  async governing(unitId: string, times: { startedAt: number; endedAt: number | null }): Promise<GoverningRules> {
    const u = await this.forUnit(unitId);
    const p = await this.profile(u.profileId, u.profileVersion);
    const end = times.endedAt ?? times.startedAt;
    const d = uploadDeadline(p.upload, { recordingEnd: end, activityEnd: end, dutyEnd: end }, this.timeZone);
    return { profileId: p.id, profileVersion: p.version, uploadDeadlineAt: d.kind === 'deadline' ? d.at : null };
  }

  private row(p: Profile, origin: 'shipped' | 'custom', basedOn: string | null, by: string | null): ProfileTable {
    return {
      id: p.id,
      version: p.version,
      kind: p.kind,
      name_zh: p.name.zh,
      name_en: p.name.en,
      hash: profileHash(p),
      body: JSON.stringify(p),
      origin,
      based_on: basedOn,
      created_at: this.clock.now(),
      created_by: by,
    };
  }
}
