import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoleId } from '../src/identity/index.js';
import { NO_EXPIRY, RetentionRepo, type ExpiryScan } from '../src/retention/index.js';
import { dialects, fixedClock, openTestApp, postgresSkipNote, type TestApp } from './support/app.js';
import { actorOf } from './support/grants.js';
import { listen, type Listening } from './support/http.js';

/**
 * The expiry scan at scale (issue 4 review): with more expired recordings than SQLite (32,766)
 * or PostgreSQL (65,535 over all statements' ids) would take as bound parameters in one IN list,
 * the dry run and the proposal still work, agree with each other, keep out what is protected, and
 * split proposals into batches an approver can review. Rows are written straight in SQL.
 */

const DAY = 86_400_000;
const MADE = Date.parse('2024-06-01T02:00:00Z');
const NOW = Date.parse('2026-03-01T02:00:00Z');
const META = { ip: null };
/** Expired recordings of the big unit with an end time, and without one. */
const DATED = 33_000;
const UNDATED = 1_200;
/** The other unit: expired, and recent (not expired). */
const OTHER_EXPIRED = 200;
const OTHER_RECENT = 100;

postgresSkipNote();

describe.each(dialects())('expiry at scale: more than 33,000 expired recordings (%s)', (dialect) => {
  let t: TestApp;
  let http: Listening;
  const clock = fixedClock(NOW);
  const token: Record<string, string> = {};
  const unit: Record<string, string> = {};
  const kept: Record<string, string> = {};
  let earlyBatch: string[] = [];

  /** Writes `n` recordings (and their blob rows) numbered from `first`, in one statement each. */
  async function bulk(n: number, first: number, unitId: string, startedAt: number, opts: { undated?: boolean; profile: { id: string; version: number } | null }): Promise<void> {
    const k = t.app.db.kysely;
    const series = dialect === 'sqlite' ? sql`(WITH RECURSIVE s(i) AS (SELECT CAST(${first} AS integer) UNION ALL SELECT i + 1 FROM s WHERE i < ${first + n - 1}) SELECT i FROM s) AS seq` : sql`generate_series(${first}::int, ${first + n - 1}::int) AS seq(i)`;
    const sha = dialect === 'sqlite' ? sql`printf('%064d', seq.i)` : sql`lpad(seq.i::text, 64, '0')`;
    const id = dialect === 'sqlite' ? sql`printf('00000000-0000-7000-8000-%012d', seq.i)` : sql`'00000000-0000-7000-8000-' || lpad(seq.i::text, 12, '0')`;
    // Typed parameters: PostgreSQL infers nothing from the target columns of an INSERT … SELECT.
    const ms = (v: number) => sql`CAST(${v} AS bigint)`;
    const started = sql`(${ms(startedAt)} + seq.i * 1000)`;
    await sql`INSERT INTO blobs (sha256, size, created_at) SELECT ${sha}, 1000 + seq.i, ${ms(NOW)} FROM ${series}`.execute(k);
    await sql`INSERT INTO recordings (id, blob_sha256, size, original_name, source_path, source_kind, unit_id, collected_at, station, clock_offset_ms, started_at, ended_at, time_source, media_probed, playable, damaged, created_at, updated_at, sensitivity, profile_id, profile_version)
      SELECT ${id}, ${sha}, 1000 + seq.i, 'bulk.mp4', '/bulk/' || ${id}, 'dock', CAST(${unitId} AS text), ${ms(NOW)}, 'bulk', 0, ${started}, ${opts.undated ? sql`NULL` : sql`${started} + 60000`}, 'file_name', 1, 1, 0, ${ms(NOW)}, ${ms(NOW)}, 0,
        CAST(${opts.profile?.id ?? null} AS text), CAST(${opts.profile?.version ?? null} AS integer)
      FROM ${series}`.execute(k);
  }
  const idOf = (i: number) => `00000000-0000-7000-8000-${String(i).padStart(12, '0')}`;

  beforeAll(async () => {
    t = await openTestApp({ dialect, clock });
    unit.big = (await t.app.identity.addUnit({ code: 'big', name: '大队' }, null)).id;
    unit.other = (await t.app.identity.addUnit({ code: 'other', name: '中队' }, null)).id;
    const people: Array<{ username: string; roles: RoleId[] }> = [
      { username: 'disp', roles: ['dispatcher'] },
      { username: 'boss', roles: ['approver'] },
      { username: 'legal', roles: ['supervisor'] },
    ];
    for (const p of people) {
      await t.app.identity.addUser({ ...p, password: 'retention-scale-password' }, null);
      token[p.username] = (await t.app.sessions.createToken(p.username, 'test', null)).secret;
    }
    http = await listen(t);
    const d = await t.app.profiles.profile('default');
    // Dated rows name the default profile's version; undated and the other unit's rows name none (they follow their unit's: the default).
    await bulk(DATED, 1, unit.big, MADE, { profile: { id: d.id, version: d.version } });
    await bulk(UNDATED, DATED + 1, unit.big, MADE, { undated: true, profile: null });
    await bulk(OTHER_EXPIRED, 100_001, unit.other, MADE, { profile: null });
    await bulk(OTHER_RECENT, 200_001, unit.other, NOW - 10 * DAY, { profile: null });
    // Protected among the expired: a hold, a long-term mark, an open case, a closed case kept longer;
    // and a closed case whose file may go (that one has expired: the rule asks, and says so).
    const legal = await actorOf(t.app, 'legal');
    kept.hold = idOf(11);
    kept.mark = idOf(DATED + 12);
    kept.open = idOf(13);
    kept.closedLonger = idOf(100_014);
    const closedPast = idOf(15);
    await t.app.retention.placeHold(legal, kept.hold, 'court preservation order', null, META);
    await t.app.retention.markLongTerm(await actorOf(t.app, 'disp'), kept.mark, 'obstruction', null, META);
    const open = await t.app.cases.create(legal, { number: 'S-1', kind: 'case', title: 'open', unitId: unit.big }, META);
    await t.app.cases.link(legal, open.id, [kept.open], null, META);
    for (const [n, id, until] of [['S-2', kept.closedLonger, NOW + 365 * DAY], ['S-3', closedPast, NOW - DAY]] as const) {
      const c = await t.app.cases.create(legal, { number: n, kind: 'case', title: 'closed', unitId: unit.big }, META);
      await t.app.cases.link(legal, c.id, [id], null, META);
      await t.app.cases.update(legal, c.id, { status: 'closed', fileRetentionUntil: until }, 'closed', META);
    }
    // Ten already in an open (early-deletion) batch.
    earlyBatch = Array.from({ length: 10 }, (_, i) => idOf(1000 + i));
    await t.app.retention.proposeNonWork(await actorOf(t.app, 'disp'), earlyBatch, 'test', META);
  }, 300_000);

  afterAll(async () => {
    await http?.server.close();
    await t?.close();
  });

  const EXPECTED_BIG = DATED + UNDATED - 3;
  const EXPECTED = EXPECTED_BIG + OTHER_EXPIRED - 1;

  it('the dry run counts every expired recording and no protected one, over HTTP and in the daily run', async () => {
    const bytes = async (unitId: string) => {
      const r = await sql<{ b: number | string }>`SELECT CAST(sum(size) AS bigint) AS b FROM recordings WHERE unit_id = ${unitId} AND started_at < ${NOW - 100 * DAY} AND id NOT IN (${sql.join(Object.values(kept))})`.execute(t.app.db.kysely);
      return Number(r.rows[0]!.b);
    };
    const report = await t.app.retention.run({ dryRun: true });
    expect(report).toMatchObject({ expired: EXPECTED, inBatches: 10, dryRun: true });
    expect(report.byUnit).toEqual(
      [
        { unitId: unit.big!, recordings: EXPECTED_BIG, bytes: await bytes(unit.big!) },
        { unitId: unit.other!, recordings: OTHER_EXPIRED - 1, bytes: await bytes(unit.other!) },
      ].sort((a, b) => a.unitId.localeCompare(b.unitId)),
    );
    expect(report.bytes).toBe(report.byUnit.reduce((s, u) => s + u.bytes, 0));

    const res = await fetch(`${http.base}/api/retention/expired`, { headers: { authorization: `Bearer ${token.disp}` } });
    expect(res.status).toBe(200);
    const dry = (await res.json()) as { expired: number; bytes: number; inBatches: number; recordings: Array<{ id: string }> };
    expect({ expired: dry.expired, bytes: dry.bytes, inBatches: dry.inBatches }).toEqual({ expired: EXPECTED, bytes: report.bytes, inBatches: 10 });
    expect(dry.recordings.length).toBe(500);
    const one = await fetch(`${http.base}/api/retention/expired?unit=${unit.big}`, { headers: { authorization: `Bearer ${token.disp}` } });
    expect(((await one.json()) as { expired: number }).expired).toBe(EXPECTED_BIG);
  }, 120_000);

  it('walking every expired recording agrees with the totals, one by one', async () => {
    const walk = await t.app.retention.dryRun(null, META);
    expect(walk.expired).toBe(EXPECTED);
    expect(walk.recordings.length).toBe(EXPECTED);
    const ids = new Set(walk.recordings.map((r) => r.id));
    expect(ids.size).toBe(EXPECTED);
    for (const id of Object.values(kept)) expect(ids.has(id), id).toBe(false);
    expect(ids.has(idOf(15))).toBe(true);
    expect(ids.has(idOf(DATED + UNDATED))).toBe(true);
    expect(ids.has(idOf(200_001))).toBe(false);
  }, 120_000);

  it('proposing splits them into batches of at most 5,000 per unit, each recording once; nothing twice', async () => {
    const batchIds = await t.app.retention.proposeExpired(await actorOf(t.app, 'disp'), META);
    expect(batchIds.length).toBe(Math.ceil((EXPECTED_BIG - 10) / 5000) + 1);
    const batches = await t.app.db.kysely.selectFrom('deletion_batches').select(['id', 'unit_id', 'recordings']).where('id', 'in', batchIds).execute();
    expect(Math.max(...batches.map((b) => b.recordings))).toBeLessThanOrEqual(5000);
    expect(batches.reduce((s, b) => s + b.recordings, 0)).toBe(EXPECTED - 10);
    const items = await t.app.db.kysely.selectFrom('deletion_batch_items').select('recording_id').where('batch_id', 'in', batchIds).execute();
    const ids = new Set(items.map((i) => i.recording_id));
    expect(ids.size).toBe(EXPECTED - 10);
    for (const id of [...Object.values(kept), ...earlyBatch]) expect(ids.has(id), id).toBe(false);
    // Everything expired is now in a batch: a second proposal finds nothing; the dry run says so.
    expect(await t.app.retention.proposeExpired(await actorOf(t.app, 'disp'), META)).toEqual([]);
    expect(await t.app.retention.run({ dryRun: true })).toMatchObject({ expired: EXPECTED, inBatches: EXPECTED });
    // A batch of 5,000 can be approved (its recordings are read in chunks, not one IN list).
    const big = batches.find((b) => b.recordings === 5000)!;
    expect((await t.app.retention.approve(await actorOf(t.app, 'boss'), big.id, null, META)).status).toBe('approved');
  }, 300_000);

  it.runIf(dialect === 'sqlite')('SQLite reads the scan along recordings_expiry, never a unit index, and sorts no page', async () => {
    const repo = new RetentionRepo(t.app.db);
    const scan: ExpiryScan = {
      unitIds: null,
      recordedBy: NOW - 300 * DAY,
      profileBounds: [{ profileId: 'default', version: 1, recordedBy: NOW - 366 * DAY }],
      unitBounds: [{ unitIds: [unit.big!, unit.other!], recordedBy: NOW - 366 * DAY }],
      otherRecordedBy: NO_EXPIRY,
      maxSensitivity: 0,
      officerId: null,
    };
    const plan = async (c: { sql: string; parameters: readonly unknown[] }) => (t.app.db.sqlite!.prepare(`EXPLAIN QUERY PLAN ${c.sql}`).all(...(c.parameters as unknown[])) as Array<{ detail: string }>).map((r) => r.detail);
    for (const s of [scan, { ...scan, unitIds: [unit.big!] }]) {
      for (const q of [repo.expiryWalkQuery(s, { phase: 'dated', after: null }, 1000), repo.expiryWalkQuery(s, { phase: 'dated', after: { endedAt: MADE, id: idOf(5) } }, 1000), repo.expiryWalkQuery(s, { phase: 'undated', afterId: idOf(5) }, 1000)]) {
        const p = await plan(q.compile());
        expect(p[0], p.join(' | ')).toMatch(/^SEARCH r USING INDEX recordings_expiry \(/);
        expect(p.join(' | ')).not.toMatch(/TEMP B-TREE|recordings_unit_time/);
      }
      const totals = await plan(repo.expiryTotalsQuery(s, 'dated').compile());
      expect(totals[0], totals.join(' | ')).toMatch(/^SEARCH r USING INDEX recordings_expiry \(/);
      expect(totals.join(' | ')).not.toMatch(/recordings_unit_time|TEMP B-TREE FOR ORDER BY/);
    }
  });
});
