/**
 * The API's shapes as the browser sees them (see /api/openapi.json; the server's zod schemas in
 * src/<capability>/routes.ts are the source). Times are UTC epoch milliseconds.
 */

export const ROLE_IDS = ['officer', 'custodian', 'collector', 'dispatcher', 'approver', 'supervisor', 'admin'] as const;
export type RoleId = (typeof ROLE_IDS)[number];

export interface Me {
  id: string;
  username: string;
  displayName: string;
  roles: string[];
  unitId: string;
  badge: string | null;
  /** Someone else chose the password (a new account, a reset): nothing works until the user picks their own. */
  mustChangePassword?: boolean;
  totpEnrolled?: boolean;
}

export interface Unit {
  id: string;
  code: string;
  name: string;
  parentId: string | null;
  /** 0 for the site's top unit (county bureau), 1 station, 2 team… */
  depth: number;
  createdAt: number;
}

export interface RecordingView {
  id: string;
  sha256: string;
  size: number;
  originalName: string;
  sourceKind: string;
  unitId: string;
  deviceSerial: string | null;
  officerBadge: string | null;
  collectedBy: string | null;
  collectedAt: number;
  station: string;
  batchId: string | null;
  fileNamePattern: string | null;
  timeSource: string;
  deviceStartedAt: number | null;
  deviceEndedAt: number | null;
  clockOffsetMs: number;
  startedAt: number;
  endedAt: number | null;
  durationMs: number | null;
  importDelayMs: number | null;
  lateImport: boolean;
  container: string | null;
  videoCodec: string | null;
  audioCodec: string | null;
  width: number | null;
  height: number | null;
  latitude: number | null;
  longitude: number | null;
  playable: boolean;
  damaged: boolean;
  damageReason: string | null;
  title: string | null;
  description: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface Derivative {
  kind: string;
  size: number;
  sha256: string;
  createdAt: number;
}

export interface RecordingDetail extends RecordingView {
  sourcePath: string;
  media: unknown;
  derivatives: Derivative[];
}

export interface RecordingPage {
  items: RecordingView[];
  nextCursor: string | null;
}

export interface SignedTreeHead {
  size: number;
  root: string;
  timestamp: number;
  signature: string;
  publicKey: string;
  keyId: string;
}

export interface InclusionProof {
  seq: number;
  leafIndex: number;
  treeSize: number;
  leafHash: string;
  path: string[];
  root: string;
}

export interface LedgerEntry {
  seq: number;
  at: number;
  action: string;
  actorId: string | null;
  subjectType: string | null;
  subjectId: string | null;
  /** The exact leaf bytes, base64. */
  leaf: string;
  entry: unknown;
}

/** One use of a recording's content, from the access register (查阅登记). */
export interface AccessUse {
  id: string;
  at: number;
  action: string;
  served: string;
  sha256: string;
  range: string | null;
  ip: string | null;
  ledgerSeq: number;
  recording: { id: string; originalName: string; unitId: string };
  user: { id: string; username: string; displayName: string };
  requestId: string | null;
  reason: string | null;
  reasonText: string | null;
}

export type AccessAction = 'view' | 'download' | 'export' | 'delete';

export interface AccessRequestInput {
  recordingIds: string[];
  action: AccessAction;
  reason: string;
  reasonText?: string;
}

/** A person as the directory lists them (GET /api/users, src/identity/directory-routes.ts). */
export interface DirectoryUser {
  id: string;
  username: string;
  displayName: string;
  roles: RoleId[];
  unitId: string;
  badge: string | null;
  /** 0 none · 1 privacy · 2 commercial secret · 3 state secret. */
  clearance: number;
  active: boolean;
  mustChangePassword: boolean;
  totpEnrolled: boolean;
  createdAt: number;
  deactivatedAt: number | null;
}
