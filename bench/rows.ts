/**
 * A large recordings catalogue generated straight into SQLite (not through the import pipeline): ~30 units in a 3-level tree, ~320 officers (users with badges) and
 * ~170 devices belonging to units, start times over one year with a day/night rhythm, each row
 * with its unified code (统一编码), officer, unit and profile version. Used by `bench:search` and
 * by the first-load browser test (test/e2e/first-load.e2e.ts).
 *
 * The rows carry no ledger entries and no blob files: this is a catalogue for searching, not a
 * site that `custodia verify` would accept.
 */
import SqliteDatabase from 'better-sqlite3';
import type { App } from '../src/app.js';
import { newId } from '../src/platform/ids.js';

export interface CatalogueUnit {
  id: string;
  code: string;
  level: number;
  subtree: string[];
}

export interface CatalogueOfficer {
  badge: string;
  unit: CatalogueUnit;
  devices: string[];
  /** The officer's user id (set when the rows are written). */
  userId?: string;
}

export interface Catalogue {
  units: CatalogueUnit[];
  officers: CatalogueOfficer[];
  devices: string[];
}

/** Unified codes use the local date; the catalogue's zone is Asia/Shanghai (UTC+8, no daylight saving). */
const ZONE_OFFSET_MS = 8 * 3_600_000;

/** ~30 units in a 3-level tree: the root, 5 bureaus, 24 stations (through the directory service). */
export async function buildUnits(app: App): Promise<CatalogueUnit[]> {
  const rootUnit = await app.identity.resolveUnit(undefined);
  const codes: Array<{ code: string; parent?: string }> = [];
  for (let b = 1; b <= 5; b++) {
    codes.push({ code: `bureau-${b}` });
    for (let s = 1; s <= (b === 5 ? 4 : 5); s++) codes.push({ code: `station-${b}-${s}`, parent: `bureau-${b}` });
  }
  for (const c of codes) await app.identity.addUnit({ code: c.code, name: c.code, parentCode: c.parent }, null);
  const all = [rootUnit, ...(await Promise.all(codes.map(async (c) => (await app.identity.unitByCode(c.code))!)))];
  return Promise.all(all.map(async (u) => ({ id: u.id, code: u.code, level: u.code === 'root' ? 0 : u.code.startsWith('bureau') ? 1 : 2, subtree: await app.identity.subtreeIds(u.id) })));
}

/** ~150 devices (~6 per station) and ~300 officers (~12 per station) sharing them; a few at bureau level. */
export function buildPeople(units: CatalogueUnit[]): Catalogue {
  const stations = units.filter((u) => u.level === 2);
  const officers: CatalogueOfficer[] = [];
  const devices: string[] = [];
  stations.forEach((unit, si) => {
    const own = Array.from({ length: 6 + (si % 2) }, (_, i) => `DSJ-${String(si + 1).padStart(2, '0')}${String(i + 1).padStart(2, '0')}`);
    devices.push(...own);
    for (let i = 0; i < 12 + (si % 3); i++) officers.push({ badge: String(100000 + officers.length * 7), unit, devices: own });
  });
  for (const unit of units.filter((u) => u.level === 1)) {
    const own = [`DSJ-B${unit.code.slice(-1)}01`, `DSJ-B${unit.code.slice(-1)}02`];
    devices.push(...own);
    for (let i = 0; i < 2; i++) officers.push({ badge: String(100000 + officers.length * 7), unit, devices: own });
  }
  return { units, officers, devices };
}

export interface RowOptions {
  /** How many recordings (at most 2^24). */
  n: number;
  /** Seed of the rows' draws: the same seed gives the same rows. */
  seed: number;
  /** First instant of the year the recordings span (UTC epoch ms). */
  yearStart: number;
  /** A password hash (argon2id) for the officers' accounts (one hash for all: hashing 300 would take seconds). */
  passwordHash: string;
  onProgress?: ((phase: string) => void) | undefined;
  /**
   * The profile version each unit's rows are written under (null: none, as rows older than
   * profiles); units not named get `default@1`. Written at insert: the database refuses to change
   * a recording's profile afterwards (migration 009).
   */
  profiles?: ReadonlyMap<string, { id: string; version: number } | null> | undefined;
}

/** A 32-bit hash of (row, stream, seed): murmur3's finalizer over a mix of the three. */
function hash32(i: number, stream: number, seed: number): number {
  let h = (Math.imul(i, 0x9e3779b1) ^ Math.imul(stream + 1, 0x85ebca6b) ^ Math.imul(seed, 0xc2b2ae35)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Writes the officers' accounts and `n` recordings (with their blob rows and unified-code
 * counters) into the SQLite file of a site whose units exist. The rows are drawn and written by
 * SQLite itself in one statement (a recursive CTE; every draw a slice of a 32-bit hash of the row
 * number and the seed). Returns the row count.
 *
 * Cost on the 2-core development machine, 1,000,000 rows: ≈75 s of one core, nearly all of it
 * B-tree inserts into the table and its 11 indexes. What was measured on the way: binding rows of
 * 45 parameters from JavaScript ≈100 s (named parameters cost more than the insert); the same
 * statement without the start-time order ≈150 s (random inserts into every time index); dropping
 * the indexes and building them again afterwards ≈45 s more than keeping them.
 */
export function insertRecordingRows(file: string, site: Catalogue, opts: RowOptions): number {
  const { n } = opts;
  if (!Number.isInteger(n) || n < 1 || n > 2 ** 24) throw new RangeError('n: 1 … 2^24 rows');
  const db = new SqliteDatabase(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('cache_size = -524288');
  db.pragma('temp_store = MEMORY');
  const now = Date.now();

  // The officers (users with the officer role and a badge, in their unit) and their devices, and
  // the same in two temp tables the generator draws from.
  opts.onProgress?.('officers');
  db.exec(`CREATE TEMP TABLE gen_officer (k INTEGER PRIMARY KEY, badge TEXT, unit_id TEXT, unit_code TEXT, user_id TEXT, dev_base INTEGER, ndev INTEGER);
           CREATE TEMP TABLE gen_device (k INTEGER PRIMARY KEY, serial TEXT, code_part TEXT);
           CREATE TEMP TABLE gen_unit_profile (unit_id TEXT PRIMARY KEY, profile_id TEXT, profile_version INTEGER);`);
  const insProfile = db.prepare('INSERT INTO gen_unit_profile VALUES (?, ?, ?)');
  for (const [unitId, p] of opts.profiles ?? []) insProfile.run(unitId, p?.id ?? null, p?.version ?? null);
  const insUser = db.prepare(
    `INSERT INTO users (id, username, display_name, password_hash, badge, unit_id, roles, active, password_changed_at, created_at, clearance, must_change_password)
     VALUES (?, ?, ?, ?, ?, ?, '["officer"]', 1, ?, ?, 0, 0)`,
  );
  const insOfficer = db.prepare('INSERT INTO gen_officer VALUES (?, ?, ?, ?, ?, ?, ?)');
  const insDevice = db.prepare('INSERT INTO gen_device VALUES (?, ?, ?)');
  db.transaction(() => {
    const deviceIndex = new Map<string, number>();
    for (const d of site.devices) {
      deviceIndex.set(d, deviceIndex.size);
      insDevice.run(deviceIndex.get(d), d, d.replace(/[^A-Za-z0-9]/g, ''));
    }
    site.officers.forEach((o, k) => {
      o.userId = newId(now);
      insUser.run(o.userId, `officer.${o.badge}`, `Officer ${o.badge}`, opts.passwordHash, o.badge, o.unit.id, now, now);
      // An officer's devices are consecutive in the device list (their station's recorders).
      insOfficer.run(k, o.badge, o.unit.id, o.unit.code, o.userId, deviceIndex.get(o.devices[0]!)!, o.devices.length);
    });
  })();

  // Every draw is a slice of four 32-bit hashes of (row number, seed).
  const local = (ms: string, fmt: string) => `strftime('${fmt}', (${ms} + ${ZONE_OFFSET_MS}) / 1000, 'unixepoch')`;
  const seed = opts.seed % 1_000_003;
  db.function('h32', { deterministic: true }, (i: unknown, stream: unknown) => hash32(Number(i), Number(stream), seed));
  const officers = site.officers.length;
  // One statement draws the rows and writes them in start-time order (as imports arrive), each
  // with its sequence number under its unified-code prefix; the fake SHA-256s and ids grow in the
  // same order, so every B-tree of the load grows at its end. Foreign keys are off on this
  // connection for the load: the blob rows follow from the recordings, and every unit, officer
  // and device was taken from the site.
  db.pragma('foreign_keys = OFF');
  opts.onProgress?.('recordings');
  db.transaction(() => {
    db.exec(`INSERT INTO recordings (
        id, blob_sha256, size, original_name, source_path, source_kind, batch_id, unit_id, device_serial, officer_badge,
        collected_by, collected_at, station, file_name_pattern, device_started_at, device_ended_at, clock_offset_ms, started_at,
        ended_at, time_source, duration_ms, import_delay_ms, media_probed, media, container, video_codec, audio_codec,
        width, height, latitude, longitude, playable, damaged, damage_reason, title, description, created_at, updated_at,
        sensitivity, officer_id, profile_id, profile_version, upload_deadline_at, late_import, code)
      WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i < ${n - 1}),
      h AS (SELECT i, h32(i, 0) AS a, h32(i, 1) AS b, h32(i, 2) AS c, h32(i, 3) AS d FROM seq),
      drawn AS (
        SELECT i, a, b, c, d,
          -- a few busy officers, a long tail (patrol vs desk duty)
          CAST(pow((a & 16777215) / 16777216.0, 1.6) * ${officers} AS INTEGER) AS k,
          -- a day of the year; 80% by day (07:00–21:00 local time), the rest at any hour
          ${opts.yearStart - ZONE_OFFSET_MS} + (b % 365) * 86400000
            + CAST(CASE WHEN (b / 365) % 100 < 80 THEN 7 + 14 * ((c & 65535) / 65536.0) ELSE 24 * ((c & 65535) / 65536.0) END * 3600000 AS INTEGER) AS dev_start,
          CAST(((d & 1023) / 1024.0 - 0.5) * 20000 AS INTEGER) AS offset_ms,
          30000 + (d >> 10) % 1800000 AS duration,
          ((a >> 24) * 65536 + (c & 65535)) % 108000000 AS delay
        FROM h),
      row AS (
        SELECT r.i, r.dev_start, r.offset_ms, r.dev_start - r.offset_ms AS started, r.duration,
          r.dev_start - r.offset_ms + r.duration + r.delay AS collected,
          CAST(r.duration * 1000 * (0.8 + (r.b >> 24) / 256.0 * 0.4) AS INTEGER) AS size,
          CASE WHEN (r.c >> 16) & 511 = 0 THEN 1 ELSE 0 END AS damaged,
          o.badge, o.unit_id, o.user_id, dv.serial,
          dv.serial || '_' || o.badge || '_' || ${local('r.dev_start', '%Y%m%d%H%M%S')} || '_' || printf('%04d', r.i % 10000) || '.MP4' AS name,
          o.unit_code || '-' || dv.code_part || '-' || ${local('r.dev_start - r.offset_ms', '%Y%m%d')} || '-' AS prefix
        FROM drawn r JOIN gen_officer o ON o.k = r.k JOIN gen_device dv ON dv.k = o.dev_base + (r.c >> 16) % o.ndev)
      SELECT
        -- UUIDv7-shaped: the start time's milliseconds, then the row number (unique)
        printf('%08x-%04x-7%03x-%04x-%012x', started >> 16, started & 65535, i >> 30 & 4095, 32768 | (i >> 16 & 16383), i & 65535),
        printf('%016x%016x%032x', started, i, ${seed}), size, name, '/media/dock/' || name, 'dock', NULL, row.unit_id, serial, badge,
        NULL, collected, 'generated', 'dsj', dev_start, dev_start + duration, offset_ms, started,
        started + duration, 'file_name', duration, collected - (started + duration), 1, NULL, 'mov,mp4,m4a,3gp,3g2,mj2', 'h264', 'aac',
        1920, 1080, NULL, NULL, 1, damaged, NULL, NULL, NULL, collected, collected,
        0, user_id, CASE WHEN up.unit_id IS NULL THEN 'default' ELSE up.profile_id END, CASE WHEN up.unit_id IS NULL THEN 1 ELSE up.profile_version END,
        NULL, NULL, prefix || printf('%04d', row_number() OVER (PARTITION BY prefix ORDER BY started, i))
      FROM row LEFT JOIN gen_unit_profile up ON up.unit_id = row.unit_id
      ORDER BY started, i`);
    opts.onProgress?.('blobs');
    db.exec(`INSERT INTO blobs (sha256, size, created_at) SELECT blob_sha256, size, collected_at FROM recordings WHERE station = 'generated' ORDER BY rowid`);
    opts.onProgress?.('sequences');
    // The unified-code counters, so the next import under a prefix continues its sequence (a
    // prefix, one device's day, holds far fewer than 10,000 recordings: four digits).
    db.exec(`INSERT INTO code_sequences (prefix, last) SELECT substr(code, 1, length(code) - 4), count(*) FROM recordings WHERE station = 'generated' GROUP BY 1`);
  })();
  db.exec('DROP TABLE gen_officer; DROP TABLE gen_device; DROP TABLE gen_unit_profile;');
  const count = (db.prepare('SELECT count(*) AS n FROM recordings').get() as { n: number }).n;
  db.close();
  return count;
}
