/** Access requests as the API shows them (src/access/routes.ts). Times are UTC epoch milliseconds. */
import type { AccessAction } from '../api/types';

export const REQUEST_STATES = ['pending', 'approved', 'expired', 'revoked', 'rejected', 'withdrawn'] as const;
export type RequestState = (typeof REQUEST_STATES)[number];
export const REQUEST_ACTIONS = ['view', 'download', 'export', 'delete'] as const satisfies readonly AccessAction[];

export interface PersonRef {
  id: string;
  username: string;
  displayName: string;
}

export interface RequestRecording {
  id: string;
  originalName: string;
  unitId: string;
  startedAt: number;
  deviceSerial: string | null;
  officerBadge: string | null;
  /** In the approval (a narrowed approval grants only some). */
  granted: boolean;
}

export interface AccessRequestView {
  id: string;
  requester: PersonRef & { badge: string | null };
  action: AccessAction;
  /** A reason id of the list that governed the request (a regulation profile's, or the fixed list). */
  reason: string;
  /** The reason as that list named it when the request was made (null: an id no list names). */
  reasonLabel?: { zh: string; en: string } | null;
  reasonText: string | null;
  /** Asked for all of a case's recordings: the case; number and title are null when the viewer may not see it. */
  case?: { id: string; number: string | null; title: string | null } | null;
  state: RequestState;
  requestedAt: number;
  requestedUntil: number | null;
  decidedBy: PersonRef | null;
  decidedAt: number | null;
  decisionReason: string | null;
  expiresAt: number | null;
  revokedAt: number | null;
  revokedBy: PersonRef | null;
  revokeReason: string | null;
  recordings: RequestRecording[];
  /** Recordings of the request the viewer may not know about: counted, never named. */
  hiddenRecordings: number;
}

export interface RequestPage {
  items: AccessRequestView[];
  nextBefore: number | null;
}

export type Scope = 'mine' | 'inbox' | 'all';
