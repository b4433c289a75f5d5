/** GET /api/overview (src/supervision/routes.ts): sections the user's roles don't reach are null. */
export interface Overview {
  at: number;
  unitId: string;
  timeZone: string;
  days: number;
  from: number;
  to: number;
  recordings: { perDay: Array<{ date: string; from: number; recordings: number; hours: number }>; total: number; hours: number } | null;
  timeliness: { onTime: number; late: number; unknown: number; onTimeRate: number | null } | null;
  devices: { total: number; inStore: number; issued: number; overdue: number; faulty: number; inRepair: number; retired: number } | null;
  approvals: { accessRequests: number | null; workRecords: number | null; deletionBatches: number | null } | null;
  storage: { recordings: number; bytes: number; expiredRecordings: number; bytesToFree: number } | null;
  workRecords: WorkRecordStats | null;
}

/** Work records (interrupted, not recorded) that occurred in the period. */
export interface WorkRecordStats {
  total: number;
  byKind: { interrupted: number; notRecorded: number };
  byStatus: { pending: number; approved: number; rejected: number };
  byReason: Array<{ kind: 'interrupted' | 'not_recorded'; reason: string; count: number }>;
  byOfficer: Array<{ officerId: string; count: number }>;
}
