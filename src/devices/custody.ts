import { calibrationFor } from './clock-calibration.js';
import type { DevicesRepo } from './repo.js';
import type { PersonDirectory } from './reads.js';

/** What the desk knows about a registered device at the moment one of its recordings was made. */
export interface DeviceCustodyFacts {
  deviceId: string;
  code: string;
  unitId: string;
  /** The offset to correct the recording with (device − true, ms). */
  clockOffsetMs: number;
  /** `dock`: measured when the device was docked for this import; `calibration`: the desk's calibration that applies; `none`: never calibrated (0). */
  offsetSource: 'dock' | 'calibration' | 'none';
  /** When the applied calibration was measured (null for dock and none). */
  calibratedAt: number | null;
  /** The officer who held the device at the recording's corrected start (the loan covering it). */
  holder: { userId: string; badge: string | null } | null;
}

/**
 * The custody seam the import pipeline calls for each file with a device serial (R-COLLECT,
 * R-DEV-CHECK): which calibration corrects it, and who held the device then. Read-only.
 */
export async function custodyAt(repo: DevicesRepo, people: PersonDirectory, serial: string, deviceTime: number, measuredOffsetMs?: number): Promise<DeviceCustodyFacts | null> {
  const device = await repo.bySerial(serial.trim().toUpperCase());
  if (!device) return null;
  let clockOffsetMs = 0;
  let offsetSource: DeviceCustodyFacts['offsetSource'] = 'none';
  let calibratedAt: number | null = null;
  if (measuredOffsetMs !== undefined) {
    clockOffsetMs = measuredOffsetMs;
    offsetSource = 'dock';
  } else {
    const c = calibrationFor(
      (await repo.calibrationsAround(device.id, deviceTime)).map((r) => ({ measuredAt: r.measured_at, offsetMs: r.offset_ms })),
      deviceTime,
    );
    if (c) {
      clockOffsetMs = c.offsetMs;
      offsetSource = 'calibration';
      calibratedAt = c.measuredAt;
    }
  }
  const loan = await repo.loanCovering(device.id, deviceTime - clockOffsetMs);
  const officer = loan ? await people.userById(loan.officer_id) : undefined;
  return {
    deviceId: device.id,
    code: device.code,
    unitId: device.unit_id,
    clockOffsetMs,
    offsetSource,
    calibratedAt,
    holder: loan ? { userId: loan.officer_id, badge: officer?.badge ?? null } : null,
  };
}
