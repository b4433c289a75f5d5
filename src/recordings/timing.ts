/**
 * Time rules of a recording (DESIGN invariant 5, R-24H, R-DEV-CHECK). Pure.
 * The device's own start time is kept; the corrected time subtracts the device clock offset
 * (device time − true time) measured at the last calibration.
 */
export type TimeSource = 'file_name' | 'container' | 'file_mtime' | 'import';

export interface TimeEvidence {
  fileNameStart?: number | undefined;
  containerCreation?: number | null | undefined;
  fileMtime?: number | undefined;
  importedAt: number;
}

/** Picks the best available device start time: file name stamp > container creation time > file mtime > import time. */
export function deviceStartTime(e: TimeEvidence): { at: number; source: TimeSource } {
  if (e.fileNameStart !== undefined) return { at: e.fileNameStart, source: 'file_name' };
  if (e.containerCreation !== undefined && e.containerCreation !== null && e.containerCreation > 0) return { at: e.containerCreation, source: 'container' };
  if (e.fileMtime !== undefined && e.fileMtime > 0) return { at: e.fileMtime, source: 'file_mtime' };
  return { at: e.importedAt, source: 'import' };
}

export interface RecordingTimes {
  deviceStartedAt: number;
  deviceEndedAt: number | null;
  startedAt: number;
  endedAt: number | null;
  /** Import time minus the corrected end (or start, when the duration is unknown). */
  importDelayMs: number;
}

export function recordingTimes(deviceStart: number, durationMs: number | null, clockOffsetMs: number, importedAt: number): RecordingTimes {
  const deviceEnd = durationMs === null ? null : deviceStart + durationMs;
  const startedAt = deviceStart - clockOffsetMs;
  const endedAt = deviceEnd === null ? null : deviceEnd - clockOffsetMs;
  return { deviceStartedAt: deviceStart, deviceEndedAt: deviceEnd, startedAt, endedAt, importDelayMs: importedAt - (endedAt ?? startedAt) };
}

/** R-24H: an import is late when its delay exceeds the deadline. */
export function isLateImport(importDelayMs: number | null, deadlineHours: number): boolean {
  return importDelayMs !== null && importDelayMs > deadlineHours * 3600_000;
}
