import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  BUILT_IN_PATTERNS,
  compilePatterns,
  parseRecorderFileName,
  zonedTimeToEpochMs,
  type ParsedFileName,
  type WallClockParts,
} from './file-names.js';

const SH = { timeZone: 'Asia/Shanghai' } as const;
const HOUR = 3_600_000;
/** Asia/Shanghai has been a fixed +08:00 since 1992 (China observed DST 1986-1991). */
const shanghai = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0): number => Date.UTC(y, mo - 1, d, h, mi, s) - 8 * HOUR;
const parse = (name: string): ParsedFileName | undefined => parseRecorderFileName(name, SH);

describe('built-in patterns', () => {
  it('ship uniquely named, anchored, case-insensitive, non-stateful regexes', () => {
    const names = BUILT_IN_PATTERNS.map((p) => p.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(['ga-t947', 'dsj-prefixed', 'timestamp-only']);
    for (const p of BUILT_IN_PATTERNS) {
      expect(p.regex.source.startsWith('^') && p.regex.source.endsWith('$')).toBe(true);
      expect(p.regex.flags).toBe('i');
      expect(p.description).toBeTruthy();
    }
    expect(Object.isFrozen(BUILT_IN_PATTERNS)).toBe(true);
  });

  const cases: [string, ParsedFileName][] = [
    // ga-t947
    ['A123456_012345_20231015093000_0001.MP4', { pattern: 'ga-t947', deviceSerial: 'A123456', officerBadge: '012345', deviceStartedAt: Date.UTC(2023, 9, 15, 1, 30, 0), sequence: 1, important: false }],
    ['A123456_012345_20231015093000_0001.mp4', { pattern: 'ga-t947', deviceSerial: 'A123456', officerBadge: '012345', deviceStartedAt: shanghai(2023, 10, 15, 9, 30), sequence: 1, important: false }],
    ['A123456_012345_20231015093000_0002_IMP.MP4', { pattern: 'ga-t947', deviceSerial: 'A123456', officerBadge: '012345', deviceStartedAt: shanghai(2023, 10, 15, 9, 30), sequence: 2, important: true }],
    ['A123456_012345_20231015093000_0003_imp.mov', { pattern: 'ga-t947', deviceSerial: 'A123456', officerBadge: '012345', deviceStartedAt: shanghai(2023, 10, 15, 9, 30), sequence: 3, important: true }],
    ['1234567_000001_20240229235959_12_I.WAV', { pattern: 'ga-t947', deviceSerial: '1234567', officerBadge: '000001', deviceStartedAt: shanghai(2024, 2, 29, 23, 59, 59), sequence: 12, important: true }],
    ['ZFY0001_100200_20000101000000_0001.jpg', { pattern: 'ga-t947', deviceSerial: 'ZFY0001', officerBadge: '100200', deviceStartedAt: shanghai(2000, 1, 1), sequence: 1, important: false }],
    ['A123456_012345_20231015093000_0001', { pattern: 'ga-t947', deviceSerial: 'A123456', officerBadge: '012345', deviceStartedAt: shanghai(2023, 10, 15, 9, 30), sequence: 1, important: false }],
    ['A123456_012345_20231015093000.AVI', { pattern: 'ga-t947', deviceSerial: 'A123456', officerBadge: '012345', deviceStartedAt: shanghai(2023, 10, 15, 9, 30), important: false }],
    // dsj-prefixed
    ['DSJ_36NCC009910_000000_20260619_100324_SOS_enc.mp4', { pattern: 'dsj-prefixed', deviceSerial: '36NCC009910', officerBadge: '000000', deviceStartedAt: shanghai(2026, 6, 19, 10, 3, 24), important: true }],
    ['DCAM_CAM001_000001_20260804_100000_IMP.mp4', { pattern: 'dsj-prefixed', deviceSerial: 'CAM001', officerBadge: '000001', deviceStartedAt: shanghai(2026, 8, 4, 10), important: true }],
    ['DCAM_CAM001_000001_20260804_100001.m4a', { pattern: 'dsj-prefixed', deviceSerial: 'CAM001', officerBadge: '000001', deviceStartedAt: shanghai(2026, 8, 4, 10, 0, 1), important: false }],
    ['dsj_cam001_000001_20260804_100002.JPG', { pattern: 'dsj-prefixed', deviceSerial: 'cam001', officerBadge: '000001', deviceStartedAt: shanghai(2026, 8, 4, 10, 0, 2), important: false }],
    // timestamp-only
    ['20231015_093000.mp4', { pattern: 'timestamp-only', deviceStartedAt: shanghai(2023, 10, 15, 9, 30) }],
    ['20231015093000.MP4', { pattern: 'timestamp-only', deviceStartedAt: shanghai(2023, 10, 15, 9, 30) }],
    ['20231015_093000_0002.Mov', { pattern: 'timestamp-only', deviceStartedAt: shanghai(2023, 10, 15, 9, 30), sequence: 2 }],
    ['19991231235959', { pattern: 'timestamp-only', deviceStartedAt: shanghai(1999, 12, 31, 23, 59, 59) }],
  ];
  it.each(cases)('%s', (name, expected) => {
    expect(parse(name)).toEqual(expected);
  });

  it('interprets the stamp in the configured zone', () => {
    const name = 'A123456_012345_20230701120000_0001.MP4';
    expect(parseRecorderFileName(name, { timeZone: 'UTC' })?.deviceStartedAt).toBe(Date.UTC(2023, 6, 1, 12));
    expect(parseRecorderFileName(name, { timeZone: 'Europe/Berlin' })?.deviceStartedAt).toBe(Date.UTC(2023, 6, 1, 10));
    expect(parseRecorderFileName(name, { timeZone: 'Asia/Kolkata' })?.deviceStartedAt).toBe(Date.UTC(2023, 6, 1, 6, 30));
  });

  it.each([
    'DJI_0001.MP4',
    'DJI_20230101120000_0001_D.MP4',
    'DJI_20230101_120000_0001.MP4',
    'GOPR0001.MP4',
    'GX010123.MP4',
    'GH019876.MP4',
    'VID_20250215_162340.mp4',
    'IMG_20250115_142530.jpg',
    'MOV_0001.MOV',
    'A12345_012345_20231015093000_0001.MP4', // 6-char serial
    'A1234567_012345_20231015093000_0001.MP4', // 8-char serial
    'A123456_01234_20231015093000_0001.MP4', // 5-digit badge
    'A123456_012345_2023101509300_0001.MP4', // 13-digit stamp
    'A123456_012345_20231015093000_0001_IMPORTANT.MP4',
    'A123456-012345-20231015093000-0001.MP4', // no dash variant shipped
    'A123456_012345_20231015093000_0001.MP4.part',
    'XYZ_CAM001_000001_20260804_100000.mp4',
    '2023-10-15 09.30.00.mp4',
    'notes.txt',
  ])('does not match %s', (name) => {
    expect(parse(name)).toBeUndefined();
  });

  it.each([
    ['month 13', 'A123456_012345_20231315093000_0001.MP4'],
    ['month 00', 'A123456_012345_20230015093000_0001.MP4'],
    ['day 00', 'A123456_012345_20231000093000_0001.MP4'],
    ['Feb 30', 'A123456_012345_20240230093000_0001.MP4'],
    ['Feb 29 in a common year', 'A123456_012345_20230229093000_0001.MP4'],
    ['Feb 29 in 1900', 'A123456_012345_19000229093000_0001.MP4'],
    ['Apr 31', 'A123456_012345_20230431093000_0001.MP4'],
    ['hour 24', 'A123456_012345_20231015240000_0001.MP4'],
    ['minute 60', 'A123456_012345_20231015096000_0001.MP4'],
    ['second 60 (leap second)', 'A123456_012345_20161231235960_0001.MP4'],
    ['zeroed clock', 'A123456_012345_00000000000000_0001.MP4'],
    ['year before 1900', 'A123456_012345_18991231235959_0001.MP4'],
    ['split stamp, Feb 30', 'DSJ_CAM001_000001_20240230_100000.mp4'],
    ['split stamp, hour 25', 'DSJ_CAM001_000001_20240210_250000.mp4'],
    ['plain stamp, month 13', '20231315_093000.mp4'],
  ])('rejects an impossible time: %s', (_label, name) => {
    expect(parse(name)).toBeUndefined();
  });

  it('accepts Feb 29 in 2000 (divisible by 400)', () => {
    expect(parse('A123456_012345_20000229120000_0001.MP4')?.deviceStartedAt).toBe(shanghai(2000, 2, 29, 12));
  });
});

describe('hostile names', () => {
  it.each([
    ['empty', ''],
    ['parent dir', '../A123456_012345_20231015093000_0001.MP4'],
    ['posix path', 'DCIM/A123456_012345_20231015093000_0001.MP4'],
    ['windows path', 'E:\\DCIM\\A123456_012345_20231015093000_0001.MP4'],
    ['NUL inside', 'A123456_012345_20231015\u0000093000_0001.MP4'],
    ['NUL suffix', 'A123456_012345_20231015093000_0001.MP4\u0000'],
    ['trailing newline', 'A123456_012345_20231015093000_0001.MP4\n'],
    ['leading newline', '\nA123456_012345_20231015093000_0001.MP4'],
    ['trailing space', 'A123456_012345_20231015093000_0001.MP4 '],
    ['full-width digits', 'A123456_０１２３４５_20231015093000_0001.MP4'],
    ['arabic-indic digits', '٢٠٢٣١٠١٥٠٩٣٠٠٠.mp4'],
    ['lone surrogate', 'A123456_012345_20231015093000_0001\uD800.MP4'],
    ['right-to-left override', '\u202EA123456_012345_20231015093000_0001.MP4'],
    ['255-byte CJK name', `A123456_012345_20231015093000_0001_${'中'.repeat(72)}.MP4`],
    ['dots only', '..'],
  ])('returns undefined without throwing: %s', (_label, name) => {
    expect(() => parse(name)).not.toThrow();
    expect(parse(name)).toBeUndefined();
  });

  it('returns quickly for 10,000-character names', () => {
    const names = [
      'A'.repeat(10_000),
      '1'.repeat(10_000),
      '_'.repeat(10_000),
      `A123456_012345_${'2'.repeat(9_985)}`,
      `${'20231015_093000'.repeat(666)}.mp4`,
      `DSJ_${'A'.repeat(9_996)}`,
      `A123456_012345_20231015093000_0001${'_IMP'.repeat(2_490)}`,
    ];
    const started = performance.now();
    for (const name of names) expect(parse(name)).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(100);
  });

  it('built-in regexes run in linear time even past the length cap', () => {
    const n = 200_000;
    const inputs = [
      `A123456_012345_${'1'.repeat(n)}!`,
      `DSJ_${'A'.repeat(n)}_000001_20260804_100000!`,
      `DSJ_${'1'.repeat(n)}!`,
      `${'1'.repeat(n)}_!`,
      `20231015_093000_${'1'.repeat(n)}.`,
      `A123456_012345_20231015093000_0001.${'A'.repeat(n)}`,
    ];
    const started = performance.now();
    for (const p of BUILT_IN_PATTERNS) for (const input of inputs) expect(p.regex.test(input)).toBe(false);
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('skips malformed pattern objects instead of throwing', () => {
    const broken = [{ name: 'broken', regex: {} as RegExp }];
    expect(parseRecorderFileName('20231015_093000.mp4', { ...SH, patterns: broken })?.pattern).toBe('timestamp-only');
  });

  it('throws a RangeError for an invalid time zone (configuration error)', () => {
    expect(() => parseRecorderFileName('20231015_093000.mp4', { timeZone: 'Mars/Olympus_Mons' })).toThrow(RangeError);
    expect(() => parseRecorderFileName('', { timeZone: '' })).toThrow(RangeError);
  });
});

describe('compilePatterns', () => {
  const atVariant = { name: 'at-separated', regex: String.raw`^(?<serial>[0-9A-Z]{7})@(?<badge>\d{6})@(?<time>\d{14})(?:@(?<seq>\d{1,6}))?(?:\.[0-9A-Za-z]{1,8})?$` };

  it('compiles settings patterns and tries them before built-ins', () => {
    const patterns = compilePatterns([atVariant, { name: 'ga-override', regex: '/^(?<serial>[0-9A-Z]{7})_(?<badge>\\d{6})_/i' }]);
    expect(patterns.map((p) => p.name)).toEqual(['at-separated', 'ga-override']);
    expect(parseRecorderFileName('A123456@012345@20231015093000@0007.MP4', { ...SH, patterns })).toEqual({
      pattern: 'at-separated', deviceSerial: 'A123456', officerBadge: '012345', deviceStartedAt: shanghai(2023, 10, 15, 9, 30), sequence: 7,
    });
    expect(parseRecorderFileName('a123456_012345_20231015093000_0001.MP4', { ...SH, patterns })).toEqual({
      pattern: 'ga-override', deviceSerial: 'a123456', officerBadge: '012345',
    });
    expect(parseRecorderFileName('20231015_093000.mp4', { ...SH, patterns })?.pattern).toBe('timestamp-only');
  });

  it('falls through to the next pattern when a user pattern yields an impossible time', () => {
    const [loose] = compilePatterns([{ name: 'loose', regex: String.raw`^(?<date>\d{8})_?(?<clock>\d{6})` }]);
    expect(parseRecorderFileName('20231315_093000.mp4', { ...SH, patterns: [loose!] })).toBeUndefined();
    expect(parseRecorderFileName('20231015_093000.mp4', { ...SH, patterns: [loose!] })?.pattern).toBe('loose');
  });

  it.each([
    ['invalid regex', { name: 'bad-one', regex: '^(?<serial>[A-Z' }, /"bad-one".*invalid regular expression/],
    ['no known group', { name: 'no-groups', regex: String.raw`^(?<device>\w+)_(\d{6})$` }, /"no-groups".*none of the named groups/],
    ['unnamed groups only', { name: 'plain', regex: String.raw`^(\d{8})_(\d{6})$` }, /"plain".*none of the named groups/],
    ['date without clock', { name: 'half-stamp', regex: String.raw`^(?<date>\d{8})$` }, /"half-stamp".*"date" and "clock"/],
    ['global flag', { name: 'stateful', regex: '/^(?<serial>\\w{7})/g' }, /"stateful".*flags/],
    ['built-in name', { name: 'ga-t947', regex: '^(?<serial>\\w{7})' }, /"ga-t947".*duplicate/],
    ['empty regex', { name: 'empty', regex: '' }, /"empty".*non-empty/],
  ])('throws naming the pattern: %s', (_label, source, message) => {
    expect(() => compilePatterns([source])).toThrow(message);
  });

  it('rejects an empty name and duplicate names', () => {
    expect(() => compilePatterns([{ name: ' ', regex: '^(?<serial>\\w{7})' }])).toThrow(/#1.*name/);
    expect(() => compilePatterns([atVariant, atVariant])).toThrow(/"at-separated".*duplicate/);
  });
});

describe('zonedTimeToEpochMs', () => {
  const at = (year: number, month: number, day: number, hour = 0, minute = 0, second = 0): WallClockParts => ({ year, month, day, hour, minute, second });

  it.each([
    ['Asia/Shanghai', at(2023, 10, 15, 9, 30), Date.UTC(2023, 9, 15, 1, 30)],
    ['Asia/Shanghai', at(1988, 7, 1, 12), Date.UTC(1988, 6, 1, 3)], // China DST 1986-1991: +09:00
    ['UTC', at(2023, 10, 15, 9, 30), Date.UTC(2023, 9, 15, 9, 30)],
    ['Asia/Kathmandu', at(2023, 1, 1), Date.UTC(2022, 11, 31, 18, 15)],
    ['America/New_York', at(2023, 1, 15, 12), Date.UTC(2023, 0, 15, 17)],
    ['America/New_York', at(2023, 7, 1, 12), Date.UTC(2023, 6, 1, 16)],
    ['America/New_York', at(2023, 3, 12, 1, 59, 59), Date.UTC(2023, 2, 12, 6, 59, 59)], // last second of EST
    ['America/New_York', at(2023, 3, 12, 3), Date.UTC(2023, 2, 12, 7)], // first second of EDT
    ['America/New_York', at(2023, 3, 12, 2, 30), Date.UTC(2023, 2, 12, 7, 30)], // gap: moved forward to 03:30 EDT
    ['America/New_York', at(2023, 11, 5, 1, 30), Date.UTC(2023, 10, 5, 5, 30)], // repeated: earlier (EDT)
    ['America/New_York', at(2023, 11, 5, 2, 0), Date.UTC(2023, 10, 5, 7)],
    ['Europe/Berlin', at(2023, 7, 1, 12), Date.UTC(2023, 6, 1, 10)],
    ['Europe/Berlin', at(2023, 12, 1, 12), Date.UTC(2023, 11, 1, 11)],
    ['Europe/Berlin', at(2023, 10, 29, 2, 30), Date.UTC(2023, 9, 29, 0, 30)], // repeated: earlier (CEST)
    ['Australia/Sydney', at(2023, 1, 10, 12), Date.UTC(2023, 0, 10, 1)], // southern-hemisphere summer, +11
    ['Australia/Lord_Howe', at(2023, 10, 1, 2, 15), Date.UTC(2023, 8, 30, 15, 45)], // 30-minute gap
  ])('%s %o', (zone, parts, expected) => {
    expect(zonedTimeToEpochMs(parts, zone)).toBe(expected);
  });

  it('throws RangeError for invalid parts or zones', () => {
    expect(() => zonedTimeToEpochMs(at(2023, 2, 29), 'UTC')).toThrow(RangeError);
    expect(() => zonedTimeToEpochMs(at(2023, 1, 1, 24), 'UTC')).toThrow(RangeError);
    expect(() => zonedTimeToEpochMs(at(2023, 1, 1, 0, 0, 0.5), 'UTC')).toThrow(RangeError);
    expect(() => zonedTimeToEpochMs(at(10_000, 1, 1), 'UTC')).toThrow(RangeError);
    expect(() => zonedTimeToEpochMs(at(2023, 1, 1), 'Not/AZone')).toThrow(RangeError);
  });
});

// ---------------------------------------------------------------------------------------------
// Property tests

const ALNUM = [...'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'];
const pad = (n: number, width: number): string => String(n).padStart(width, '0');
const daysIn = (y: number, m: number): number => new Date(Date.UTC(y, m, 0)).getUTCDate();

interface Fields {
  serial: string;
  badge: string;
  wall: WallClockParts;
  seq: number | undefined;
  important: boolean;
  variant: number;
  ext: string;
}

const wallArb = (minYear: number, maxYear: number): fc.Arbitrary<WallClockParts> =>
  fc
    .record({ year: fc.integer({ min: minYear, max: maxYear }), month: fc.integer({ min: 1, max: 12 }) })
    .chain(({ year, month }) =>
      fc.record({
        year: fc.constant(year),
        month: fc.constant(month),
        day: fc.integer({ min: 1, max: daysIn(year, month) }),
        hour: fc.integer({ min: 0, max: 23 }),
        minute: fc.integer({ min: 0, max: 59 }),
        second: fc.integer({ min: 0, max: 59 }),
      }),
    );

const fieldsArb = (serialMin: number, serialMax: number): fc.Arbitrary<Fields> =>
  fc.record({
    serial: fc.string({ unit: fc.constantFrom(...ALNUM), minLength: serialMin, maxLength: serialMax }),
    badge: fc.integer({ min: 0, max: 999_999 }).map((n) => pad(n, 6)),
    wall: wallArb(1992, 2099),
    seq: fc.option(fc.integer({ min: 0, max: 999_999 }), { nil: undefined }),
    important: fc.boolean(),
    variant: fc.integer({ min: 0, max: 1 }),
    ext: fc.constantFrom('', '.MP4', '.mp4', '.Mov', '.WAV', '.jpg', '.avi', '.m4a'),
  });

const date8 = (w: WallClockParts): string => `${pad(w.year, 4)}${pad(w.month, 2)}${pad(w.day, 2)}`;
const clock6 = (w: WallClockParts): string => `${pad(w.hour, 2)}${pad(w.minute, 2)}${pad(w.second, 2)}`;

/** How each built-in pattern's names are produced, and which fields it carries. */
const FORMATS: Record<string, { fields: fc.Arbitrary<Fields>; format: (f: Fields) => string; expected: (f: Fields) => Omit<ParsedFileName, 'pattern' | 'deviceStartedAt'> }> = {
  'ga-t947': {
    fields: fieldsArb(7, 7),
    format: (f) =>
      `${f.serial}_${f.badge}_${date8(f.wall)}${clock6(f.wall)}${f.seq === undefined ? '' : `_${pad(f.seq, 4)}`}${f.important ? (f.variant === 0 ? '_IMP' : '_I') : ''}${f.ext}`,
    expected: (f) => ({ deviceSerial: f.serial, officerBadge: f.badge, important: f.important, ...(f.seq === undefined ? {} : { sequence: f.seq }) }),
  },
  'dsj-prefixed': {
    fields: fieldsArb(1, 32),
    format: (f) =>
      `${f.variant === 0 ? 'DSJ' : 'DCAM'}_${f.serial}_${f.badge}_${date8(f.wall)}_${clock6(f.wall)}${f.important ? (f.variant === 0 ? '_IMP' : '_SOS') : ''}${f.seq !== undefined && f.seq % 2 === 0 ? '_enc' : ''}${f.ext}`,
    expected: (f) => ({ deviceSerial: f.serial, officerBadge: f.badge, important: f.important }),
  },
  'timestamp-only': {
    fields: fieldsArb(1, 1),
    format: (f) => `${date8(f.wall)}${f.variant === 0 ? '_' : ''}${clock6(f.wall)}${f.seq === undefined ? '' : `_${pad(f.seq, 4)}`}${f.ext}`,
    expected: (f) => (f.seq === undefined ? {} : { sequence: f.seq }),
  },
};

describe('properties', () => {
  const names = new Set(BUILT_IN_PATTERNS.map((p) => p.name));

  const checkResult = (result: ParsedFileName | undefined): void => {
    if (result === undefined) return;
    expect(names.has(result.pattern)).toBe(true);
    if (result.deviceStartedAt !== undefined) expect(Number.isSafeInteger(result.deviceStartedAt)).toBe(true);
    if (result.sequence !== undefined) expect(Number.isSafeInteger(result.sequence)).toBe(true);
  };

  it('(a) never throws on arbitrary strings and only reports known pattern names', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (name) => {
        checkResult(parse(name));
      }),
      { numRuns: 2_000 },
    );
  });

  it('(a) never throws on near-miss names built from recorder-name fragments', () => {
    const fragment = fc.constantFrom(
      'A123456', '012345', '20231015093000', '20231015', '093000', '0001', '_', '@', '-', '.', 'MP4', 'IMP', 'I', 'SOS',
      'DSJ', 'DCAM', 'enc', '9', '0', '13', '99', '/', '..', '\u0000', '\n', '中', '\uD800', '２',
    );
    fc.assert(
      fc.property(fc.array(fragment, { maxLength: 24 }).map((parts) => parts.join('')), (name) => {
        checkResult(parse(name));
      }),
      { numRuns: 3_000 },
    );
  });

  it('every built-in pattern has a round-trip format', () => {
    expect(Object.keys(FORMATS).sort()).toEqual([...names].sort());
  });

  for (const [patternName, spec] of Object.entries(FORMATS)) {
    it(`(b) round-trips names formatted as ${patternName}`, () => {
      fc.assert(
        fc.property(spec.fields, (f) => {
          const name = spec.format(f);
          const w = f.wall;
          expect(parse(name)).toEqual({
            pattern: patternName,
            deviceStartedAt: shanghai(w.year, w.month, w.day, w.hour, w.minute, w.second),
            ...spec.expected(f),
          });
          expect(parseRecorderFileName(name, { timeZone: 'UTC' })?.deviceStartedAt).toBe(
            Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second),
          );
        }),
        { numRuns: 500 },
      );
    });
  }

  it('(c) agrees with the fixed +08:00 offset for Asia/Shanghai (1992 onwards)', () => {
    fc.assert(
      fc.property(wallArb(1992, 9999), (w) => {
        expect(zonedTimeToEpochMs(w, 'Asia/Shanghai')).toBe(shanghai(w.year, w.month, w.day, w.hour, w.minute, w.second));
      }),
      { numRuns: 1_000 },
    );
  });

  it('(c) agrees with UTC for the UTC zone, years 1-9999', () => {
    fc.assert(
      fc.property(wallArb(1, 9999), (w) => {
        const d = new Date(0);
        d.setUTCFullYear(w.year, w.month - 1, w.day);
        d.setUTCHours(w.hour, w.minute, w.second, 0);
        expect(zonedTimeToEpochMs(w, 'UTC')).toBe(d.getTime());
      }),
      { numRuns: 1_000 },
    );
  });

  it('inverts Intl formatting in DST zones (earlier instant for repeated wall times)', () => {
    const wallIn = (zone: string, instant: number): WallClockParts => {
      const parts = new Intl.DateTimeFormat('en-US', {
        timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
      }).formatToParts(new Date(instant));
      const get = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value);
      return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour'), minute: get('minute'), second: get('second') };
    };
    const zones = ['America/New_York', 'Europe/Berlin', 'Australia/Sydney', 'Australia/Lord_Howe', 'America/Santiago'];
    fc.assert(
      fc.property(fc.constantFrom(...zones), fc.integer({ min: Date.UTC(1995, 0, 1) / 1000, max: Date.UTC(2035, 0, 1) / 1000 }), (zone, seconds) => {
        const instant = seconds * 1000;
        const wall = wallIn(zone, instant);
        const back = zonedTimeToEpochMs(wall, zone);
        expect(wallIn(zone, back)).toEqual(wall);
        expect(back).toBeLessThanOrEqual(instant);
        expect(instant - back).toBeLessThanOrEqual(HOUR);
      }),
      { numRuns: 2_000 },
    );
  });
});
