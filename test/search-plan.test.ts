import { createHash } from 'node:crypto';
import { CompiledQuery } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import type { RecordingTable } from '../src/platform/db/schema.js';
import { newId } from '../src/platform/ids.js';
import type { RecordingQuery } from '../src/recordings/repo.js';
import { openTestApp, type TestApp } from './support/app.js';

/**
 * Every filter combination the catalogue search accepts is answered through an index, never by a
 * table scan: unit subtree (one unit, a bureau's several units, the whole site), officer, device,
 * time range (both ends, one end), combinations of them, first pages and cursor pages, both orders.
 * The rows are inserted directly into `blobs` and `recordings` (bypassing import and ledger on
 * purpose: this is about query plans only). PostgreSQL runs the same combinations with EXPLAIN on
 * 100k rows after ANALYZE when TEST_DATABASE_URL is set.
 */

const YEAR_START = Date.UTC(2025, 0, 1);
const DAY = 86_400_000;

interface Site {
  all: string[];
  bureau: string[];
  leaf: string;
  officers: string[];
  devices: string[];
  /** A time shared by many rows (ties broken by id). */
  tieAt: number;
}

async function buildSite(app: App, rows: number): Promise<Site> {
  for (let b = 1; b <= 3; b++) {
    await app.identity.addUnit({ code: `bureau-${b}`, name: `Bureau ${b}` }, null);
    for (let s = 1; s <= 3; s++) await app.identity.addUnit({ code: `station-${b}-${s}`, name: `Station ${b}.${s}`, parentCode: `bureau-${b}` }, null);
  }
  const root = await app.identity.resolveUnit(undefined);
  const all = await app.identity.subtreeIds(root.id);
  const bureau = await app.identity.subtreeIds((await app.identity.unitByCode('bureau-2'))!.id);
  const leaf = (await app.identity.unitByCode('station-1-1'))!.id;
  const stations = (await Promise.all([1, 2, 3].flatMap((b) => [1, 2, 3].map((s) => app.identity.unitByCode(`station-${b}-${s}`))))).map((u) => u!.id);
  const officers = Array.from({ length: 60 }, (_, i) => String(10_000 + i));
  const devices = Array.from({ length: 30 }, (_, i) => `DSJ-${String(i).padStart(3, '0')}`);
  const tieAt = YEAR_START + 100 * DAY;
  const now = Date.now();
  const recordings: RecordingTable[] = [];
  const blobs: Array<{ sha256: string; size: number; created_at: number }> = [];
  for (let i = 0; i < rows; i++) {
    const sha256 = createHash('sha256').update(`plan-${i}`).digest('hex');
    const o = i % officers.length;
    const unit = stations[o % stations.length]!;
    const started = i % 50 === 0 ? tieAt : YEAR_START + ((i * 7919) % 365) * DAY + ((i * 104_729) % DAY);
    blobs.push({ sha256, size: 1000 + i, created_at: now });
    recordings.push({
      id: newId(), blob_sha256: sha256, size: 1000 + i, original_name: `${devices[o % devices.length]}_${officers[o]}_${i}.MP4`, source_path: `/dock/${i}.MP4`, source_kind: 'dock',
      batch_id: null, unit_id: unit, device_serial: devices[o % devices.length]!, officer_badge: officers[o]!, collected_by: null, collected_at: now, station: 'plan',
      file_name_pattern: null, device_started_at: started, device_ended_at: started + 60_000, clock_offset_ms: 0, started_at: started, ended_at: started + 60_000,
      time_source: 'file_name', duration_ms: 60_000, import_delay_ms: 0, media_probed: 1, media: null, container: 'mp4', video_codec: 'h264', audio_codec: 'aac',
      width: 1280, height: 720, latitude: null, longitude: null, playable: 1, damaged: i % 97 === 0 ? 1 : 0, damage_reason: null, title: null, description: null, created_at: now, updated_at: now, sensitivity: 0, officer_id: null, profile_id: null, profile_version: null, upload_deadline_at: null, late_import: null, code: null, deleted_at: null, deletion_batch_id: null,
    });
  }
  await app.db.transact(async (trx) => {
    for (let i = 0; i < rows; i += 250) {
      await trx.insertInto('blobs').values(blobs.slice(i, i + 250)).execute();
      await trx.insertInto('recordings').values(recordings.slice(i, i + 250)).execute();
    }
  });
  return { all, bureau, leaf, officers, devices, tieAt };
}

interface Combination {
  name: string;
  query: RecordingQuery;
  /** True when something other than free text narrows the rows (so a range/equality SEARCH is expected). */
  narrowed: boolean;
}

/** unit scope × person × time × cursor × order: every shape the service can hand the repository. */
function combinations(site: Site): Combination[] {
  const units: Array<[string, string[] | undefined]> = [['no-unit', undefined], ['one-unit', [site.leaf]], ['bureau-subtree', site.bureau], ['site-subtree', site.all]];
  const people: Array<[string, Partial<RecordingQuery>]> = [['', {}], ['officer', { officerBadge: site.officers[3]! }], ['device', { deviceSerial: site.devices[5]! }], ['officer+device', { officerBadge: site.officers[5]!, deviceSerial: site.devices[5]! }]];
  const times: Array<[string, Partial<RecordingQuery>]> = [['', {}], ['from-to', { from: YEAR_START + 30 * DAY, to: YEAR_START + 60 * DAY }], ['from', { from: YEAR_START + 200 * DAY }], ['to', { to: YEAR_START + 20 * DAY }]];
  const extras: Array<[string, Partial<RecordingQuery>]> = [['', {}], ['damaged', { damaged: true }], ['text', { text: 'DSJ-00' }]];
  const out: Combination[] = [];
  for (const [un, unitIds] of units)
    for (const [pn, person] of people)
      for (const [tn, time] of times)
        for (const [xn, extra] of extras)
          for (const cursor of [false, true])
            for (const order of ['asc', 'desc'] as const) {
              if (xn !== '' && (pn !== '' || tn === 'from')) continue; // extras on a representative subset
              const query: RecordingQuery = { unitIds, ...person, ...time, ...extra, order, limit: 51, ...(cursor ? { after: { startedAt: site.tieAt, id: '01900000-0000-7000-8000-000000000000' } } : {}) };
              const name = [un, pn, tn, xn, cursor ? 'cursor' : 'first-page', order].filter((s) => s !== '').join(' ');
              out.push({ name, query, narrowed: unitIds !== undefined || pn !== '' || tn !== '' });
            }
  return out;
}

describe('search query plans (SQLite)', () => {
  let t: TestApp;
  let site: Site;
  const ROWS = 4000;

  const explain = async (q: RecordingQuery): Promise<string[]> => {
    const c = t.app.recordingsRepo.searchQuery(q).selectAll().limit(51).compile();
    const r = await t.app.db.kysely.executeQuery<{ detail: string }>(CompiledQuery.raw(`EXPLAIN QUERY PLAN ${c.sql}`, [...c.parameters]));
    return r.rows.map((row) => row.detail);
  };

  beforeAll(async () => {
    t = await openTestApp();
    site = await buildSite(t.app, ROWS);
  });
  afterAll(async () => {
    await t?.close();
  });

  it(`has ${ROWS} recordings to plan against`, async () => {
    expect(await t.app.recordingsRepo.count()).toBe(ROWS);
    expect(site.all.length).toBe(13);
    expect(site.bureau.length).toBe(4);
  });

  it('answers every filter combination through an index, never a table scan', async () => {
    const combos = combinations(site);
    expect(combos.length).toBeGreaterThan(250);
    const bad: string[] = [];
    const indexesUsed = new Set<string>();
    for (const c of combos) {
      const plan = await explain(c.query);
      const onRecordings = plan.filter((l) => /\brecordings\b/.test(l));
      const text = plan.join(' | ');
      for (const m of text.matchAll(/USING (?:COVERING )?INDEX (\w+)/g)) indexesUsed.add(m[1]!);
      const problems: string[] = [];
      if (onRecordings.length === 0) problems.push('no access to recordings in the plan');
      if (onRecordings.some((l) => !/^(SEARCH|SCAN) recordings USING (COVERING )?INDEX \w+/.test(l))) problems.push('reads recordings without an index');
      if (text.includes('MULTI-INDEX OR')) problems.push('keyset condition split into an OR of index scans');
      // Anything that narrows the rows must seek in the index (SEARCH), not walk all of it (SCAN).
      if (c.narrowed && onRecordings.some((l) => l.startsWith('SCAN'))) problems.push('full index scan although the query is narrowed');
      // A single equality on an indexed column gives the sort order for free.
      const singleKey = (c.query.unitIds?.length === 1 && !c.query.officerBadge && !c.query.deviceSerial) || (!c.query.unitIds && (c.query.officerBadge || c.query.deviceSerial));
      if (singleKey && text.includes('TEMP B-TREE FOR ORDER BY')) problems.push('sorts although an index gives the order');
      // A cursor page seeks straight to its position.
      if (c.query.after && !c.query.from && !c.query.to && !/\(started_at,id\)[<>]\(\?,\?\)/.test(text)) problems.push('cursor is not an index range');
      if (problems.length > 0) bad.push(`${c.name}: ${problems.join('; ')}\n    ${text}`);
    }
    expect(bad, bad.join('\n')).toEqual([]);
    // The four search indexes all earn their keep.
    expect([...indexesUsed].sort()).toEqual(expect.arrayContaining(['recordings_device_time', 'recordings_officer_time', 'recordings_time', 'recordings_unit_time']));
  });

  it('keyset pages cover every row of a subtree exactly once in both orders, ties on the start time included', async () => {
    const base = { unitIds: site.bureau, from: undefined, to: undefined };
    const expected = await t.app.db.kysely.selectFrom('recordings').select(['id', 'started_at']).where('unit_id', 'in', site.bureau).execute();
    expect(expected.filter((r) => r.started_at === site.tieAt).length).toBeGreaterThan(5);
    for (const order of ['asc', 'desc'] as const) {
      const seen: Array<{ id: string; started_at: number }> = [];
      let after: RecordingQuery['after'];
      for (;;) {
        const page = await t.app.recordingsRepo.search({ ...base, order, limit: 37, after });
        seen.push(...page);
        if (page.length < 37) break;
        const last = page[page.length - 1]!;
        after = { startedAt: last.started_at, id: last.id };
      }
      expect(seen.length).toBe(expected.length);
      expect(new Set(seen.map((r) => r.id)).size).toBe(expected.length);
      const sorted = [...expected].sort((a, b) => a.started_at - b.started_at || (a.id < b.id ? -1 : 1));
      if (order === 'desc') sorted.reverse();
      expect(seen.map((r) => r.id)).toEqual(sorted.map((r) => r.id));
    }
  });
});

if (!process.env.TEST_DATABASE_URL) console.warn('TEST_DATABASE_URL is not set: the PostgreSQL EXPLAIN of the search (100k rows, after ANALYZE) is skipped');

describe.skipIf(!process.env.TEST_DATABASE_URL)('search query plans (PostgreSQL)', () => {
  let t: TestApp;
  let site: Site;
  const ROWS = 100_000;

  beforeAll(async () => {
    t = await openTestApp({ dialect: 'postgres' });
    site = await buildSite(t.app, ROWS);
    await t.app.db.kysely.executeQuery(CompiledQuery.raw('ANALYZE recordings'));
  }, 300_000);
  afterAll(async () => {
    await t?.close();
  });

  it('answers every narrowed combination with an index or bitmap scan, never a sequential scan of recordings', async () => {
    const bad: string[] = [];
    let checked = 0;
    for (const c of combinations(site)) {
      if (!c.narrowed) continue;
      const q = t.app.recordingsRepo.searchQuery(c.query).selectAll().limit(51).compile();
      const r = await t.app.db.kysely.executeQuery<{ 'QUERY PLAN': string }>(CompiledQuery.raw(`EXPLAIN ${q.sql}`, [...q.parameters]));
      const text = r.rows.map((row) => row['QUERY PLAN']).join('\n');
      checked += 1;
      if (/Seq Scan on recordings/.test(text) || !/(Index Scan|Index Only Scan|Bitmap Index Scan)/.test(text)) bad.push(`${c.name}:\n${text}`);
    }
    expect(checked).toBeGreaterThan(200);
    expect(bad, bad.join('\n\n')).toEqual([]);
  });
});
