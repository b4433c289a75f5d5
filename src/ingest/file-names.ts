/**
 * Recorder file-name parsing for body-worn recorders (执法记录仪).
 *
 * At import the device serial, the officer badge (警号) and the device-clock start time are read
 * from the file name when it follows a known naming pattern. Every pattern is a plain `RegExp`
 * with named groups:
 *
 * - `serial`    device / product serial (产品序号)
 * - `badge`     officer number (警号), kept as a string so leading zeros survive
 * - `time`      14-digit `YYYYMMDDhhmmss` stamp, or `date` (`YYYYMMDD`) + `clock` (`hhmmss`)
 * - `seq`       file sequence number
 * - `important` importance marker (重点/重要文件); its presence means "important"
 *
 * Stamps are the recorder's local wall clock; they are converted to UTC with the configured IANA
 * zone. File names come from possibly corrupted devices, so parsing never throws on any name and
 * every built-in regex is anchored, bounded and free of nested quantifiers (linear time).
 */

/** A named file-name pattern; `regex` uses the named groups listed in the module comment. */
export interface FileNamePattern {
  name: string;
  regex: RegExp;
  description?: string;
}

/** Fields recovered from a recorder file name; a field is absent when the pattern does not carry it. */
export interface ParsedFileName {
  /** Name of the pattern that matched. */
  pattern: string;
  deviceSerial?: string;
  officerBadge?: string;
  /** device-clock start as UTC epoch ms, interpreting the stamped local time in the given IANA time zone */
  deviceStartedAt?: number;
  sequence?: number;
  /** Set (true or false) only when the pattern has an `important` group. */
  important?: boolean;
}

/** Local wall-clock parts; `month` is 1-12. */
export interface WallClockParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const KNOWN_GROUPS = ['serial', 'badge', 'time', 'date', 'clock', 'seq', 'important'] as const;

/**
 * Longest name worth matching. FAT32/exFAT/NTFS cap a name at 255 UTF-16 units and ext4 at 255
 * bytes, so anything longer did not come from a real directory entry. The cap also bounds the
 * cost of user-supplied patterns.
 */
const MAX_NAME_LENGTH = 255;

/** Stamps before this year are treated as junk (zeroed or corrupted RTC), not as real times. */
const MIN_PLAUSIBLE_YEAR = 1900;

const DAY_MS = 86_400_000;

/**
 * GA/T 947 style: `<serial7>_<badge6>_<YYYYMMDDhhmmss>[_<seq>][_IMP|_I][.ext]`,
 * e.g. `A123456_012345_20231015093000_0001.MP4`.
 *
 * Rationale: recorders built to the Ministry of Public Security standard GA/T 947 identify
 * themselves to the collection station (采集站) by a 7-character product serial (产品序号) and the
 * wearer's 6-digit officer number (警号), and report device time as local `YYYYMMDDhhmmss`. The
 * vendor SDK interface used by collection stations shows exactly these field widths (`cSerial`
 * 7 chars + NUL, `userNo` 6 chars + NUL, device time "YYYYMMDDhhmmss, 14 bytes, local time";
 * github.com/Edward125/H6, `subfun.cs`, ZFY_INFO / BC_GetDevTime). The `_IMP` marker for files
 * flagged important (重点标记, a GA/T 947.2 function) also appears in public body-cam code (see
 * the next pattern). The standard text itself was not available to check the exact order of the
 * trailing parts, so the sequence and the marker are both optional and the marker is accepted
 * after the sequence. The short `I` form is accepted as the project requires; no public sample
 * of it was found.
 */
const GA_T947: FileNamePattern = {
  name: 'ga-t947',
  regex: /^(?<serial>[0-9A-Z]{7})_(?<badge>\d{6})_(?<time>\d{14})(?:_(?<seq>\d{1,6}))?(?:_(?<important>IMP|I))?(?:\.[0-9A-Z]{1,8})?$/i,
  description: 'GA/T 947 recorder: <serial7>_<badge6>_<YYYYMMDDhhmmss>[_<seq>][_IMP|_I][.ext]',
};

/**
 * `DSJ_`-prefixed split-stamp style:
 * `DSJ_<device>_<badge6>_<YYYYMMDD>_<hhmmss>[_IMP|_SOS][_enc][.ext]` (also with a `DCAM_` prefix),
 * e.g. `DSJ_36NCC009910_000000_20260619_100324_SOS_enc.mp4`.
 *
 * Source: the public Android body-worn camera app `com.dvid.dcam` (class `DcamFileName`) builds
 * exactly these names: a device id of variable length, a 6-digit police user id, date and time
 * as separate fields, an `IMP` (important) or `SOS` (emergency) marker and an `_enc` suffix for
 * encrypted files; later versions switched the prefix from `DSJ` to `DCAM`. `DSJ` is the type code
 * that Chinese 执法记录仪 models carry (e.g. DSJ-L9). SOS recordings are treated as important.
 */
const DSJ_PREFIXED: FileNamePattern = {
  name: 'dsj-prefixed',
  regex: /^(?:DSJ|DCAM)_(?<serial>[0-9A-Z]{1,32})_(?<badge>\d{6})_(?<date>\d{8})_(?<clock>\d{6})(?:_(?<important>IMP|SOS))?(?:_ENC)?(?:\.[0-9A-Z]{1,8})?$/i,
  description: 'DSJ/DCAM body-cam app: DSJ_<device>_<badge6>_<YYYYMMDD>_<hhmmss>[_IMP|_SOS][_enc][.ext]',
};

/**
 * Plain camera stamp: `YYYYMMDD_hhmmss[_<seq>][.ext]` or `YYYYMMDDhhmmss[_<seq>][.ext]`,
 * e.g. `20231015_093000.mp4`. Yields only the start time.
 *
 * Rationale: the widespread camera/phone style (e.g. `20241225_183045.jpg`) that simple recorders
 * without an officer binding use. Only the bare stamp is accepted: vendor-prefixed generic names
 * (`DJI_20230101120000_0001_D.MP4`, `GOPR0001.MP4`, `VID_20250215_162340.mp4`) carry no recorder
 * identity and are deliberately not matched.
 */
const TIMESTAMP_ONLY: FileNamePattern = {
  name: 'timestamp-only',
  regex: /^(?<date>\d{8})_?(?<clock>\d{6})(?:_(?<seq>\d{1,6}))?(?:\.[0-9A-Z]{1,8})?$/i,
  description: 'Plain stamp: YYYYMMDD[_]hhmmss[_<seq>][.ext]',
};

/** Built-in recorder naming patterns, most specific first. */
export const BUILT_IN_PATTERNS: readonly FileNamePattern[] = Object.freeze(
  [GA_T947, DSJ_PREFIXED, TIMESTAMP_ONLY].map((p) => Object.freeze(p)),
);

/**
 * Compile user-supplied patterns from settings (strings with JS named groups).
 *
 * `regex` is either a pattern body (`^(?<serial>...)...$`, no flags) or a slash literal with flags
 * from `imsuv` (`/^...$/i`). Stateful flags (`g`, `y`) are refused. Throws an Error whose message
 * names the bad pattern if a name is empty or duplicated (also against built-ins), the regex is
 * invalid, it has none of the known groups, or it has only one of `date`/`clock`.
 * User patterns are not checked for catastrophic backtracking; inputs are capped at 255 chars.
 */
export function compilePatterns(sources: readonly { name: string; regex: string }[]): FileNamePattern[] {
  const taken = new Set(BUILT_IN_PATTERNS.map((p) => p.name));
  return sources.map((source, index) => {
    const name: unknown = source?.name;
    if (typeof name !== 'string' || name.trim() === '') {
      throw new Error(`File-name pattern #${index + 1}: name must be a non-empty string`);
    }
    const label = `File-name pattern "${name}"`;
    if (taken.has(name)) throw new Error(`${label}: duplicate pattern name`);
    taken.add(name);

    const text: unknown = source.regex;
    if (typeof text !== 'string' || text === '') throw new Error(`${label}: regex must be a non-empty string`);
    const { body, flags } = splitRegexLiteral(text);
    if (/[^imsuv]/.test(flags)) throw new Error(`${label}: unsupported regex flags "${flags}" (allowed: imsuv)`);

    let regex: RegExp;
    let groups: Set<string>;
    try {
      regex = new RegExp(body, flags);
      groups = namedGroups(body, flags);
    } catch (err) {
      throw new Error(`${label}: invalid regular expression: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (!KNOWN_GROUPS.some((g) => groups.has(g))) {
      throw new Error(`${label}: regex has none of the named groups ${KNOWN_GROUPS.join(', ')}`);
    }
    if (groups.has('date') !== groups.has('clock')) {
      throw new Error(`${label}: named groups "date" and "clock" must be used together`);
    }
    return { name, regex, description: 'user-defined' };
  });
}

/**
 * Parse a base file name (no directories). Extra patterns are tried before built-ins; the first
 * pattern that matches with a valid time (or without a time group) wins. Returns undefined when
 * nothing matches or when the time is not a real calendar time (e.g. month 13, Feb 30, hour 24).
 * Never throws for any `fileName`; throws a RangeError only if `options.timeZone` is not a valid
 * IANA zone (a configuration error).
 */
export function parseRecorderFileName(
  fileName: string,
  options: { timeZone: string; patterns?: readonly FileNamePattern[] },
): ParsedFileName | undefined {
  const formatter = zoneFormatter(options.timeZone);
  if (typeof fileName !== 'string' || fileName.length === 0 || fileName.length > MAX_NAME_LENGTH) return undefined;
  const patterns = options.patterns === undefined ? BUILT_IN_PATTERNS : [...options.patterns, ...BUILT_IN_PATTERNS];
  for (const pattern of patterns) {
    const parsed = tryPattern(pattern, fileName, formatter);
    if (parsed !== undefined) return parsed;
  }
  return undefined;
}

/**
 * Convert local wall-clock parts in an IANA zone (e.g. 'Asia/Shanghai') to UTC epoch ms, using
 * Intl only. Exact for every time that exists once; a repeated time (DST fall-back) resolves to the
 * earlier instant and a skipped time (spring-forward gap) is moved forward by the gap, like
 * Temporal's "compatible" disambiguation. Throws a RangeError for invalid parts (years 1-9999,
 * real calendar dates, hour 0-23, minute/second 0-59) or an unknown time zone.
 */
export function zonedTimeToEpochMs(parts: WallClockParts, timeZone: string): number {
  if (!isValidWallClock(parts, 1)) throw new RangeError('Invalid wall-clock time');
  return wallClockToEpochMs(parts, zoneFormatter(timeZone));
}

function tryPattern(pattern: FileNamePattern, fileName: string, formatter: Intl.DateTimeFormat): ParsedFileName | undefined {
  let groups: Partial<Record<string, string>>;
  let name: string;
  try {
    const { regex } = pattern;
    name = pattern.name;
    if (regex.global || regex.sticky) regex.lastIndex = 0;
    const match = regex.exec(fileName);
    if (match === null || typeof name !== 'string') return undefined;
    groups = match.groups ?? {};
  } catch {
    // A malformed pattern object or a regex engine failure (e.g. stack overflow) is a non-match.
    return undefined;
  }

  const result: ParsedFileName = { pattern: name };
  const stamp = stampOf(groups);
  if (stamp !== undefined) {
    if (stamp === null) return undefined;
    result.deviceStartedAt = wallClockToEpochMs(stamp, formatter);
  }
  const serial = groups['serial'];
  if (serial !== undefined && serial !== '') result.deviceSerial = serial;
  const badge = groups['badge'];
  if (badge !== undefined && badge !== '') result.officerBadge = badge;
  const seq = groups['seq'];
  if (seq !== undefined && /^\d{1,15}$/.test(seq)) result.sequence = Number(seq);
  if ('important' in groups) {
    const marker = groups['important'];
    result.important = marker !== undefined && marker !== '';
  }
  return result;
}

/** The stamped wall clock: undefined when the match carries no time, null when it is not a real time. */
function stampOf(groups: Partial<Record<string, string>>): WallClockParts | null | undefined {
  const time = groups['time'];
  if (time !== undefined) return /^\d{14}$/.test(time) ? digitsToWallClock(time) : null;
  const date = groups['date'];
  const clock = groups['clock'];
  if (date === undefined || clock === undefined) return undefined;
  return /^\d{8}$/.test(date) && /^\d{6}$/.test(clock) ? digitsToWallClock(date + clock) : null;
}

function digitsToWallClock(digits: string): WallClockParts | null {
  const n = (from: number, to: number): number => Number(digits.slice(from, to));
  const parts = { year: n(0, 4), month: n(4, 6), day: n(6, 8), hour: n(8, 10), minute: n(10, 12), second: n(12, 14) };
  return isValidWallClock(parts, MIN_PLAUSIBLE_YEAR) ? parts : null;
}

function isValidWallClock(p: WallClockParts, minYear: number): boolean {
  if (typeof p !== 'object' || p === null) return false;
  const { year, month, day, hour, minute, second } = p;
  if (![year, month, day, hour, minute, second].every((v) => Number.isInteger(v))) return false;
  return (
    year >= minYear && year <= 9999 &&
    month >= 1 && month <= 12 &&
    day >= 1 && day <= daysInMonth(year, month) &&
    hour >= 0 && hour <= 23 &&
    minute >= 0 && minute <= 59 &&
    second >= 0 && second <= 59
  );
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Wall-clock parts read as if they were UTC (works for years 0-99 too, unlike Date.UTC). */
function partsAsUtcMs(p: WallClockParts): number {
  const d = new Date(0);
  d.setUTCFullYear(p.year, p.month - 1, p.day);
  d.setUTCHours(p.hour, p.minute, p.second, 0);
  return d.getTime();
}

function wallClockToEpochMs(parts: WallClockParts, formatter: Intl.DateTimeFormat): number {
  const local = partsAsUtcMs(parts);
  const before = offsetAt(formatter, local - DAY_MS);
  const candidates = new Set([before, offsetAt(formatter, local), offsetAt(formatter, local + DAY_MS)]);
  let best: number | undefined;
  for (const offset of candidates) {
    const instant = local - offset;
    if (offsetAt(formatter, instant) === offset && (best === undefined || instant < best)) best = instant;
  }
  // No offset reproduces the wall time: it lies in a DST gap, so keep the pre-transition offset,
  // which lands the same distance past the transition.
  return best ?? local - before;
}

/** Zone offset (local minus UTC, ms) in effect at `instant`. */
function offsetAt(formatter: Intl.DateTimeFormat, instant: number): number {
  const p: WallClockParts = { year: 0, month: 1, day: 1, hour: 0, minute: 0, second: 0 };
  let bc = false;
  for (const part of formatter.formatToParts(new Date(instant))) {
    switch (part.type) {
      case 'era': bc = part.value === 'BC'; break;
      case 'year': p.year = Number(part.value); break;
      case 'month': p.month = Number(part.value); break;
      case 'day': p.day = Number(part.value); break;
      case 'hour': p.hour = Number(part.value) % 24; break;
      case 'minute': p.minute = Number(part.value); break;
      case 'second': p.second = Number(part.value); break;
      default: break;
    }
  }
  if (bc) p.year = 1 - p.year;
  return partsAsUtcMs(p) - Math.floor(instant / 1000) * 1000;
}

const formatterCache = new Map<string, Intl.DateTimeFormat>();

function zoneFormatter(timeZone: string): Intl.DateTimeFormat {
  if (typeof timeZone !== 'string' || timeZone === '') throw new RangeError('Invalid time zone');
  let formatter = formatterCache.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    if (formatterCache.size >= 64) formatterCache.clear();
    formatterCache.set(timeZone, formatter);
  }
  return formatter;
}

/** `/body/flags` → parts; anything else is a bare body without flags. */
function splitRegexLiteral(text: string): { body: string; flags: string } {
  const close = text.lastIndexOf('/');
  if (text.startsWith('/') && close > 0 && /^[a-z]*$/.test(text.slice(close + 1))) {
    return { body: text.slice(1, close), flags: text.slice(close + 1) };
  }
  return { body: text, flags: '' };
}

/** Names of all named groups in a regex body: an empty alternative makes every group undefined. */
function namedGroups(body: string, flags: string): Set<string> {
  const groups = new RegExp(`(?:${body})|`, flags).exec('')?.groups;
  return new Set(groups === undefined ? [] : Object.keys(groups));
}
