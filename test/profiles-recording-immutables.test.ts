import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { sql, type RawBuilder } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, fixedClock, makeVideo, openTestApp, postgresSkipNote, tempDir, type TestApp } from './support/app.js';

/**
 * Migration 009 (issue 4 review, R-PROFILE, 统一编码): the database refuses to change a
 * recording's unified code, profile id or profile version once set — by any UPDATE, services or
 * plain SQL — and still lets a NULL one be given its value once (rows from before codes and
 * profiles existed: `assignMissingCodes`).
 */

const MADE = Date.parse('2025-03-04T02:00:00Z');
const REFUSED = /set once and never changed/;

postgresSkipNote();

describe.each(dialects())('a recording’s code and profile version are set once (%s)', (dialect) => {
  let t: TestApp;
  let media: { dir: string; cleanup(): Promise<void> };
  let unitId = '';
  let imported = { id: '', code: '', profileId: '', profileVersion: 0 };
  const clock = fixedClock(MADE + 3600_000);

  const run = (q: RawBuilder<unknown>) => q.execute(t.app.db.kysely);
  const row = async (id: string) => (await t.app.recordingsRepo.byId(id))!;

  /** A recording row as an older version wrote it: no code, no profile (plain SQL, its blob row first). */
  async function legacyRow(n: number): Promise<string> {
    const id = `00000000-0000-7000-8000-${String(n).padStart(12, '0')}`;
    const sha = String(n).padStart(64, '0');
    await run(sql`INSERT INTO blobs (sha256, size, created_at) VALUES (${sha}, 1000, ${MADE})`);
    await run(sql`INSERT INTO recordings (id, blob_sha256, size, original_name, source_path, source_kind, unit_id, device_serial, collected_at, station, clock_offset_ms, started_at, ended_at, time_source, media_probed, playable, damaged, created_at, updated_at, sensitivity)
      VALUES (${id}, ${sha}, 1000, 'old.mp4', ${`/old/${n}.mp4`}, 'dock', ${unitId}, 'A123456', ${MADE}, 'old', 0, ${MADE + n * 1000}, ${MADE + n * 1000 + 60_000}, 'file_name', 1, 1, 0, ${MADE}, ${MADE}, 0)`);
    return id;
  }

  beforeAll(async () => {
    t = await openTestApp({ dialect, clock });
    media = await tempDir('custodia-immutables-');
    unitId = (await t.app.identity.addUnit({ code: 'traffic', name: '交警大队' }, null)).id;
    await t.app.profiles.assign(null, unitId, 'traffic-police', undefined, null, { ip: null });
    const folder = path.join(media.dir, 'dock');
    await mkdir(folder, { recursive: true });
    await makeVideo(path.join(folder, 'a.mp4'), { seconds: 1, size: '32x24', creationTime: new Date(MADE).toISOString(), audio: false });
    const r = await t.app.ingest.importSource(folder, { sourceKind: 'folder', unitId, station: 't', deviceSerial: 'A123456', actor: null, meta: { ip: null } });
    const rec = await row(r.files[0]!.recordingId!);
    imported = { id: rec.id, code: rec.code!, profileId: rec.profile_id!, profileVersion: rec.profile_version! };
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    await media?.cleanup();
  });

  it('an import sets all three in its INSERT', () => {
    expect(imported.code).toBe('traffic-A123456-20250304-0001');
    expect(imported.profileId).toBe('traffic-police');
    expect(imported.profileVersion).toBe(1);
  });

  it('once set, an UPDATE of the code, the profile id or the profile version is refused — to another value or back to NULL', async () => {
    const id = imported.id;
    const attempts = [
      sql`UPDATE recordings SET code = ${'traffic-A123456-20250304-0099'} WHERE id = ${id}`,
      sql`UPDATE recordings SET code = NULL WHERE id = ${id}`,
      sql`UPDATE recordings SET profile_id = ${'zibo-tobacco'} WHERE id = ${id}`,
      sql`UPDATE recordings SET profile_id = NULL WHERE id = ${id}`,
      sql`UPDATE recordings SET profile_version = ${2} WHERE id = ${id}`,
      sql`UPDATE recordings SET profile_version = NULL WHERE id = ${id}`,
      sql`UPDATE recordings SET profile_id = ${'zibo-tobacco'}, profile_version = ${1} WHERE id = ${id}`,
      // Hidden among permitted changes, and across every row at once.
      sql`UPDATE recordings SET title = ${'a title'}, code = ${'x'} WHERE id = ${id}`,
      sql`UPDATE recordings SET profile_version = profile_version + 1`,
    ];
    for (const q of attempts) await expect(run(q), q.compile(t.app.db.kysely).sql).rejects.toThrow(REFUSED);
    // Through the recordings repository (what a service would call) as well.
    await expect(t.app.db.transact((trx) => t.app.recordingsRepo.update(trx, id, { code: 'another' }))).rejects.toThrow(REFUSED);
    expect(await row(id)).toMatchObject({ code: imported.code, profile_id: imported.profileId, profile_version: imported.profileVersion, title: null });
  });

  it('writing the same value again, and changing other columns, is no change and passes', async () => {
    const id = imported.id;
    await run(sql`UPDATE recordings SET code = ${imported.code}, profile_id = ${imported.profileId}, profile_version = ${imported.profileVersion} WHERE id = ${id}`);
    await run(sql`UPDATE recordings SET title = ${'kept'} WHERE id = ${id}`);
    expect(await row(id)).toMatchObject({ code: imported.code, profile_id: imported.profileId, profile_version: imported.profileVersion, title: 'kept' });
  });

  it('a NULL code or profile is given its value once; after that it is fixed too', async () => {
    const a = await legacyRow(1);
    await run(sql`UPDATE recordings SET code = ${'traffic-A123456-20250304-0500'} WHERE id = ${a}`);
    await run(sql`UPDATE recordings SET profile_id = ${'traffic-police'}, profile_version = ${1} WHERE id = ${a}`);
    expect(await row(a)).toMatchObject({ code: 'traffic-A123456-20250304-0500', profile_id: 'traffic-police', profile_version: 1 });
    await expect(run(sql`UPDATE recordings SET code = ${'traffic-A123456-20250304-0501'} WHERE id = ${a}`)).rejects.toThrow(REFUSED);
    await expect(run(sql`UPDATE recordings SET profile_id = ${'zibo-tobacco'} WHERE id = ${a}`)).rejects.toThrow(REFUSED);
    // One column at a time: the version may follow the id in a later statement, then neither moves.
    const b = await legacyRow(2);
    await run(sql`UPDATE recordings SET profile_id = ${'traffic-police'} WHERE id = ${b}`);
    await run(sql`UPDATE recordings SET profile_version = ${1} WHERE id = ${b}`);
    await expect(run(sql`UPDATE recordings SET profile_version = ${2} WHERE id = ${b}`)).rejects.toThrow(REFUSED);
  });

  it('assignMissingCodes still gives old rows their code, and only once', async () => {
    const c = await legacyRow(3);
    const d = await legacyRow(4);
    // Rows 3 and 4, and row 2 of the test above (its profile was set by hand, its code was not).
    expect(await t.app.recordings.assignMissingCodes()).toBe(3);
    const b = `00000000-0000-7000-8000-${String(2).padStart(12, '0')}`;
    const codes = [(await row(b)).code, (await row(c)).code, (await row(d)).code];
    // By start time, the day's sequence continuing after the import's 0001 (row 1's code was written by hand).
    expect(codes).toEqual(['traffic-A123456-20250304-0002', 'traffic-A123456-20250304-0003', 'traffic-A123456-20250304-0004']);
    expect(await t.app.recordings.assignMissingCodes()).toBe(0);
    await expect(run(sql`UPDATE recordings SET code = NULL WHERE id = ${c}`)).rejects.toThrow(REFUSED);
    expect([(await row(b)).code, (await row(c)).code, (await row(d)).code]).toEqual(codes);
  });
});
