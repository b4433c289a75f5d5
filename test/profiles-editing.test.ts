import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import { decodeLeaf } from '../src/audit/leaf.js';
import type { Actor } from '../src/identity/index.js';
import type { Profile } from '../src/retention/profile-schema.js';
import { dialects, fixedClock, makeVideo, openTestApp, postgresSkipNote, tempDir, type TestApp } from './support/app.js';
import { actorOf } from './support/grants.js';
import { listen, type Listening, okJson, tokenApi } from './support/http.js';

/**
 * Editing regulation profiles and assigning them (issue 4 item 1, R-PROFILE): an agency edits a
 * copy of a shipped profile, never the shipped one; every edit is a new version, audited, and a
 * stale edit is refused; a unit tree follows the profile assigned to it or to its nearest
 * ancestor; each recording keeps the version that governed it when it was imported.
 */

const PASSWORD = 'profiles-editing-password';
const DAY = 86_400_000;
/** Recordings made on 2025-01-10, 10:00 Shanghai time. */
const MADE = Date.parse('2025-01-10T02:00:00Z');
const META = { ip: '127.0.0.1' };
/** The end (24:00 Shanghai) of a calendar day: where a retention counted in months ends. */
const endOf = (y: number, m: number, d: number) => Date.parse(`${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}T16:00:00Z`);

postgresSkipNote();

async function importAt(app: App, dir: string, name: string, unitId: string, at: number): Promise<string> {
  const folder = path.join(dir, name);
  await mkdir(folder, { recursive: true });
  await makeVideo(path.join(folder, name), { seconds: 1, size: '32x24', creationTime: new Date(at).toISOString(), audio: false, title: name });
  const r = await app.ingest.importSource(folder, { sourceKind: 'folder', unitId, station: 't', actor: null, meta: { ip: null } });
  expect(r.files[0]!.status).toBe('imported');
  return r.files[0]!.recordingId!;
}

/** The same profile with another minimum retention (months). */
function withMinimum(p: Profile, months: number): Profile {
  return { ...p, retention: { ...p.retention, minimum: { ...p.retention.minimum, period: { months } } } };
}

describe.each(dialects())('editing profiles and assigning them (%s)', (dialect) => {
  let t: TestApp;
  let http: Listening;
  let media: { dir: string; cleanup(): Promise<void> };
  let admin: Actor;
  let shipped: Profile;
  let copy: Profile;
  const clock = fixedClock(MADE + DAY);
  const token: Record<string, string> = {};
  const unit: Record<string, string> = {};

  const api = tokenApi(() => http.base, token);
  const ok = okJson;
  const ledger = async (action: string) => (await t.app.auditRepo.entriesPage(0, 1_000_000)).map((e) => decodeLeaf(e.leaf)).filter((l) => l.action === action);
  const versionsOf = async (id: string) => (await t.app.profiles.list(null, META)).filter((p) => p.id === id).map((p) => ({ version: p.version, latest: p.latest, hash: p.hash }));
  const detail = (id: string) => api('disp', 'GET', `/api/recordings/${id}`).then((r) => ok<{ profileVersion: string | null; retainUntil: number | null; retentionBasis: string[] }>(r));

  beforeAll(async () => {
    t = await openTestApp({ dialect, clock });
    media = await tempDir('custodia-profiles-editing-');
    unit.city = (await t.app.identity.addUnit({ code: 'city', name: '市交警支队' }, null)).id;
    unit.district = (await t.app.identity.addUnit({ code: 'district', name: '区交警大队', parentCode: 'city' }, null)).id;
    unit.post = (await t.app.identity.addUnit({ code: 'post', name: '中队', parentCode: 'district' }, null)).id;
    unit.river = (await t.app.identity.addUnit({ code: 'river', name: '水上派出所' }, null)).id;
    for (const p of [
      { username: 'admin1', roles: ['admin' as const] },
      { username: 'disp', roles: ['dispatcher' as const] },
    ]) {
      await t.app.identity.addUser({ ...p, password: PASSWORD }, null);
      token[p.username] = (await t.app.sessions.createToken(p.username, 'test', null)).secret;
    }
    admin = await actorOf(t.app, 'admin1');
    http = await listen(t);
    shipped = await t.app.profiles.profile('traffic-police');
    copy = { ...shipped, id: 'city-traffic', version: 1, name: { zh: '市交警支队（本局修订）', en: 'City traffic police (local edit)' } };
  }, 120_000);

  afterAll(async () => {
    await http?.server.close();
    await t?.close();
    await media?.cleanup();
  });

  it('an edited copy of a shipped profile is saved as a new profile, version 1, audited as profile.save; each further edit is the next version', async () => {
    const shippedBefore = await versionsOf('traffic-police');
    const v1 = await t.app.profiles.saveEdited(admin, copy, 'traffic-police@1', '本局补充规定', META);
    expect(v1).toMatchObject({ id: 'city-traffic', version: 1, origin: 'custom', basedOn: 'traffic-police@1', latest: true, minimumRetention: { months: 3 }, name: copy.name });
    // The next edit, through the API: version 2, a year's minimum.
    const v2 = await ok<{ id: string; version: number; hash: string; minimumRetention: unknown }>(
      await api('admin1', 'POST', '/api/profiles', { profile: withMinimum({ ...copy, version: 2 }, 12), basedOn: 'city-traffic@1', reason: '延长至一年' }),
      201,
    );
    expect(v2).toMatchObject({ id: 'city-traffic', version: 2, minimumRetention: { months: 12 } });

    const adminId = (await t.app.identity.userByUsername('admin1'))!.id;
    expect((await ledger('profile.save')).map((l) => ({ actor: l.actor?.id, subject: l.subject, reason: l.reason, details: l.details }))).toEqual([
      { actor: adminId, subject: { type: 'profile', id: 'city-traffic@1' }, reason: '本局补充规定', details: { hash: v1.hash, basedOn: 'traffic-police@1', previous: null } },
      { actor: adminId, subject: { type: 'profile', id: 'city-traffic@2' }, reason: '延长至一年', details: { hash: v2.hash, basedOn: 'city-traffic@1', previous: 'city-traffic@1' } },
    ]);
    // Every version is kept; the latest is the one a new assignment takes.
    expect((await versionsOf('city-traffic')).map(({ version, latest }) => ({ version, latest }))).toEqual([
      { version: 1, latest: false },
      { version: 2, latest: true },
    ]);
    expect((await t.app.profiles.profile('city-traffic')).version).toBe(2);
    expect((await t.app.profiles.profile('city-traffic', 1)).retention.minimum.period).toEqual({ months: 3 });
    // The shipped profile it was copied from is untouched.
    expect(await versionsOf('traffic-police')).toEqual(shippedBefore);
  });

  it('a shipped profile is never edited in place: refused with a conflict, nothing stored, nothing audited', async () => {
    const before = await versionsOf('traffic-police');
    const saves = (await ledger('profile.save')).length;
    for (const attempt of [{ ...shipped, version: 2 }, withMinimum(shipped, 1), withMinimum({ ...shipped, version: 2 }, 1)]) {
      await expect(t.app.profiles.saveEdited(admin, attempt, 'traffic-police@1', null, META)).rejects.toMatchObject({ kind: 'conflict', code: 'profile_id_shipped' });
    }
    const res = await api('admin1', 'POST', '/api/profiles', { profile: withMinimum({ ...shipped, version: 2 }, 1), reason: 'shorter' });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: string }).error).toBe('profile_id_shipped');
    expect(await versionsOf('traffic-police')).toEqual(before);
    expect((await ledger('profile.save')).length).toBe(saves);
  });

  it('a stale version is refused with a conflict (optimistic concurrency): two editors of version 2, one wins', async () => {
    // Both read version 2 and save "version 3" at the same moment: exactly one is stored.
    const latest = await t.app.profiles.profile('city-traffic');
    const [a, b] = await Promise.allSettled([
      t.app.profiles.saveEdited(admin, withMinimum({ ...latest, version: 3 }, 18), 'city-traffic@2', 'editor A', META),
      t.app.profiles.saveEdited(admin, withMinimum({ ...latest, version: 3 }, 24), 'city-traffic@2', 'editor B', META),
    ]);
    expect([a.status, b.status].sort()).toEqual(['fulfilled', 'rejected']);
    const lost = (a.status === 'rejected' ? a : b) as PromiseRejectedResult;
    expect(lost.reason).toMatchObject({ kind: 'conflict', code: 'profile_version_conflict' });
    const won = a.status === 'fulfilled' ? 'editor A' : 'editor B';
    expect((await ledger('profile.save')).filter((l) => l.subject?.id === 'city-traffic@3').map((l) => l.reason)).toEqual([won]);
    expect((await t.app.profiles.profile('city-traffic', 3)).retention.minimum.period).toEqual({ months: won === 'editor A' ? 18 : 24 });

    // Re-saving an existing version, or skipping one, is refused the same way, over HTTP a 409.
    for (const version of [1, 2, 3, 5]) {
      await expect(t.app.profiles.saveEdited(admin, { ...latest, version }, 'city-traffic@2', null, META)).rejects.toMatchObject({ kind: 'conflict', code: 'profile_version_conflict' });
    }
    const res = await api('admin1', 'POST', '/api/profiles', { profile: { ...latest, version: 3 }, basedOn: 'city-traffic@2' });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: string }).error).toBe('profile_version_conflict');
    expect((await versionsOf('city-traffic')).map((v) => v.version)).toEqual([1, 2, 3]);
  });

  it('assigning a profile to a unit writes profile.assign; units below it inherit the nearest ancestor’s assignment (forUnit)', async () => {
    const d = await t.app.profiles.profile('default');
    expect(await t.app.profiles.forUnit(unit.post!)).toEqual({ unitId: unit.post, assignedAt: null, profileId: 'default', profileVersion: d.version });

    const assigned = await t.app.profiles.assign(admin, unit.city!, 'city-traffic', 1, '本局执行修订版', META);
    expect(assigned).toEqual({ unitId: unit.city, assignedAt: unit.city, profileId: 'city-traffic', profileVersion: 1 });
    const entries = await ledger('profile.assign');
    expect(entries.map((l) => ({ actor: l.actor?.name, subject: l.subject, reason: l.reason, details: l.details }))).toEqual([
      { actor: 'admin1', subject: { type: 'unit', id: unit.city }, reason: '本局执行修订版', details: { before: `default@${d.version}`, after: 'city-traffic@1' } },
    ]);
    // The child and the grandchild follow the city's assignment.
    for (const u of [unit.district!, unit.post!]) expect(await t.app.profiles.forUnit(u)).toEqual({ unitId: u, assignedAt: unit.city, profileId: 'city-traffic', profileVersion: 1 });
    // A unit of another tree does not.
    expect(await t.app.profiles.forUnit(unit.river!)).toMatchObject({ assignedAt: null, profileId: 'default' });

    // The district's own assignment (through the API) takes over below it, not above it.
    await ok(await api('admin1', 'PUT', `/api/units/${unit.district}/profile`, { profileId: 'zibo-tobacco', reason: '区局自定' }));
    expect(await t.app.profiles.forUnit(unit.post!)).toEqual({ unitId: unit.post, assignedAt: unit.district, profileId: 'zibo-tobacco', profileVersion: 1 });
    expect(await t.app.profiles.forUnit(unit.city!)).toMatchObject({ assignedAt: unit.city, profileId: 'city-traffic', profileVersion: 1 });
    expect(await ok(await api('admin1', 'GET', `/api/units/${unit.post}/profile`))).toEqual({ unitId: unit.post, assignedAt: unit.district, profileId: 'zibo-tobacco', profileVersion: 1 });
    expect((await t.app.profiles.forUnits([unit.post!, unit.district!, unit.city!, unit.river!])).map((u) => u.assignedAt)).toEqual([unit.district, unit.district, unit.city, null]);
    expect((await ledger('profile.assign')).at(-1)).toMatchObject({ subject: { type: 'unit', id: unit.district }, reason: '区局自定', details: { before: 'city-traffic@1', after: 'zibo-tobacco@1' } });
  });

  it('after a unit is reassigned, recordings imported before keep their profile version and retainUntil; those imported after follow the new one', async () => {
    await t.app.profiles.assign(admin, unit.river!, 'city-traffic', 1, null, META);
    const a = await importAt(t.app, media.dir, 'a.mp4', unit.river!, MADE);
    const beforeA = await detail(a);
    expect(beforeA).toMatchObject({ profileVersion: 'city-traffic@1', retainUntil: endOf(2025, 4, 10), retentionBasis: ['profile_minimum'] });

    // A new version of the same profile: a year.
    await t.app.profiles.assign(admin, unit.river!, 'city-traffic', 2, 'one year now', META);
    const b = await importAt(t.app, media.dir, 'b.mp4', unit.river!, MADE + 60_000);
    expect(await detail(b)).toMatchObject({ profileVersion: 'city-traffic@2', retainUntil: endOf(2026, 1, 10) });

    // Another profile altogether (its latest version when none is named).
    await t.app.profiles.assign(admin, unit.river!, 'public-security-2016', undefined, 'national rule', META);
    const c = await importAt(t.app, media.dir, 'c.mp4', unit.river!, MADE + 120_000);
    const ps = await t.app.profiles.profile('public-security-2016');
    expect(await detail(c)).toMatchObject({ profileVersion: `public-security-2016@${ps.version}`, retainUntil: endOf(2025, 7, 10) });

    // The earlier recordings are exactly as they were.
    expect(await detail(a)).toEqual(beforeA);
    expect(await detail(b)).toMatchObject({ profileVersion: 'city-traffic@2', retainUntil: endOf(2026, 1, 10) });
    const rows = await Promise.all([a, b, c].map(async (id) => (await t.app.recordingsRepo.byId(id))!));
    expect(rows.map((r) => `${r.profile_id}@${r.profile_version}`)).toEqual(['city-traffic@1', 'city-traffic@2', `public-security-2016@${ps.version}`]);
    expect((await ledger('profile.assign')).filter((l) => l.subject?.id === unit.river).map((l) => l.details)).toEqual([
      { before: `default@${(await t.app.profiles.profile('default')).version}`, after: 'city-traffic@1' },
      { before: 'city-traffic@1', after: 'city-traffic@2' },
      { before: 'city-traffic@2', after: `public-security-2016@${ps.version}` },
    ]);
  });
});
