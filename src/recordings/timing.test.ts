import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { deviceStartTime, isLateImport, recordingTimes } from './timing.js';

describe('recording time rules', () => {
  it('prefers the file-name stamp, then container, then mtime, then import time', () => {
    expect(deviceStartTime({ fileNameStart: 1, containerCreation: 2, fileMtime: 3, importedAt: 4 })).toEqual({ at: 1, source: 'file_name' });
    expect(deviceStartTime({ containerCreation: 2, fileMtime: 3, importedAt: 4 })).toEqual({ at: 2, source: 'container' });
    expect(deviceStartTime({ containerCreation: null, fileMtime: 3, importedAt: 4 })).toEqual({ at: 3, source: 'file_mtime' });
    expect(deviceStartTime({ importedAt: 4 })).toEqual({ at: 4, source: 'import' });
  });

  it('a device clock 7 minutes fast gives corrected times 7 minutes earlier', () => {
    const t = recordingTimes(Date.UTC(2026, 0, 1, 8, 7), 60_000, 7 * 60_000, Date.UTC(2026, 0, 1, 12));
    expect(t.startedAt).toBe(Date.UTC(2026, 0, 1, 8, 0));
    expect(t.endedAt).toBe(Date.UTC(2026, 0, 1, 8, 1));
    expect(t.deviceStartedAt - t.startedAt).toBe(7 * 60_000);
    expect(t.importDelayMs).toBe(Date.UTC(2026, 0, 1, 12) - Date.UTC(2026, 0, 1, 8, 1));
  });

  it('keeps device and corrected times exactly one offset apart, and delay measured from the corrected end', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 42 }), fc.option(fc.integer({ min: 0, max: 10 ** 8 })), fc.integer({ min: -(10 ** 7), max: 10 ** 7 }), fc.integer({ min: 0, max: 2 ** 42 }), (start, dur, off, imported) => {
        const t = recordingTimes(start, dur, off, imported);
        expect(t.deviceStartedAt - t.startedAt).toBe(off);
        if (dur !== null) expect(t.endedAt! - t.startedAt).toBe(dur);
        expect(t.importDelayMs).toBe(imported - (t.endedAt ?? t.startedAt));
      }),
    );
  });

  it('flags imports later than the deadline', () => {
    expect(isLateImport(24 * 3600_000, 24)).toBe(false);
    expect(isLateImport(24 * 3600_000 + 1, 24)).toBe(true);
    expect(isLateImport(null, 24)).toBe(false);
  });
});
