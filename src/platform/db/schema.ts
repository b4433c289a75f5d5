/**
 * The database as Kysely sees it. Portable types only: text ids (UUIDv7), integer epoch-ms
 * instants, integer 0/1 booleans, JSON as text, binary hashes as bytes.
 */
export interface UnitTable {
  id: string;
  code: string;
  name: string;
  parent_id: string | null;
  created_at: number;
}

export interface UserTable {
  id: string;
  username: string;
  display_name: string;
  password_hash: string;
  badge: string | null;
  unit_id: string;
  /** JSON array of role ids. */
  roles: string;
  active: number;
  password_changed_at: number;
  created_at: number;
  /** Highest sensitivity the user may know about: 0 none · 1 privacy · 2 commercial · 3 state secret. */
  clearance: number;
  /** Set when an administrator chose the password: the user must change it before anything else. */
  must_change_password: number;
  deactivated_at: number | null;
  /** Sealed TOTP secret (see identity/secret-box.ts), once enrolment is confirmed. */
  totp_secret: string | null;
  /** Sealed secret offered at enrolment, until a first code confirms it. */
  totp_pending_secret: string | null;
  totp_enrolled_at: number | null;
  /** Last accepted TOTP time step: codes of that step or earlier are refused (no replay). */
  totp_last_step: number | null;
}

export interface SettingTable {
  key: string;
  /** JSON. */
  value: string;
  updated_at: number;
  updated_by: string | null;
}

export interface SessionTable {
  /** SHA-256 (hex) of the secret; the secret itself is never stored. */
  id: string;
  user_id: string;
  kind: 'session' | 'token';
  name: string | null;
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
  last_used_at: number | null;
  ip: string | null;
  user_agent: string | null;
}

export interface BlobTable {
  sha256: string;
  size: number;
  created_at: number;
}

export interface ImportBatchTable {
  id: string;
  source_kind: 'folder' | 'dock' | 'upload';
  source: string;
  station: string;
  collected_by: string | null;
  unit_id: string;
  device_serial: string | null;
  officer_badge: string | null;
  started_at: number;
  finished_at: number | null;
  files_total: number;
  files_imported: number;
  files_duplicate: number;
  files_failed: number;
  bytes: number;
  wiped: number;
  status: 'running' | 'done' | 'failed';
}

export interface ImportItemTable {
  id: string;
  batch_id: string;
  source_path: string;
  status: 'imported' | 'duplicate' | 'failed';
  recording_id: string | null;
  sha256: string | null;
  size: number | null;
  error: string | null;
  flags: string;
  created_at: number;
}

export interface RecordingTable {
  id: string;
  blob_sha256: string;
  size: number;
  original_name: string;
  source_path: string;
  source_kind: 'folder' | 'dock' | 'upload';
  batch_id: string | null;
  unit_id: string;
  device_serial: string | null;
  officer_badge: string | null;
  collected_by: string | null;
  collected_at: number;
  station: string;
  file_name_pattern: string | null;
  /** Start/end by the device's own clock (file name or container creation time). */
  device_started_at: number | null;
  device_ended_at: number | null;
  /** Device clock offset used for correction (device time − true time), ms. */
  clock_offset_ms: number;
  /** Corrected start/end: device time − clock offset. */
  started_at: number;
  ended_at: number | null;
  /** Where the device start time came from: file name, container metadata, file mtime, or (last resort) the import time. */
  time_source: 'file_name' | 'container' | 'file_mtime' | 'import';
  duration_ms: number | null;
  import_delay_ms: number | null;
  media_probed: number;
  /** JSON: container, streams, codecs, resolution, creation time, GPS, raw tags. */
  media: string | null;
  container: string | null;
  video_codec: string | null;
  audio_codec: string | null;
  width: number | null;
  height: number | null;
  latitude: number | null;
  longitude: number | null;
  playable: number;
  damaged: number;
  damage_reason: string | null;
  title: string | null;
  description: string | null;
  created_at: number;
  updated_at: number;
  /** 0 none · 1 privacy · 2 commercial secret · 3 state secret (R-SECRET). */
  sensitivity: number;
  /** The responsible officer (user id), when known. */
  officer_id: string | null;
  /** The regulation profile version that governed the recording when it was imported. */
  profile_id: string | null;
  profile_version: number | null;
  /** R-24H: when it had to be stored by its profile; null when the profile sets no deadline. */
  upload_deadline_at: number | null;
  /** 1 late, 0 on time, null unknown. */
  late_import: number | null;
  /** 统一编码: unit, device, local date and sequence; unique and stable. */
  code: string | null;
  /** Set once, by the retention process, when the original was deleted (a tombstone keeps its facts). */
  deleted_at: number | null;
  deletion_batch_id: string | null;
}

export interface DerivativeTable {
  recording_id: string;
  kind: 'thumbnails' | 'proxy';
  path: string;
  size: number;
  sha256: string;
  created_at: number;
}

export interface JobTable {
  id: string;
  name: string;
  payload: string;
  status: 'queued' | 'running' | 'done' | 'skipped' | 'failed';
  attempts: number;
  run_after: number;
  locked_until: number | null;
  result: string | null;
  progress: number;
  created_at: number;
  updated_at: number;
}

export interface AuditEntryTable {
  seq: number;
  at: number;
  actor_id: string | null;
  action: string;
  subject_type: string | null;
  subject_id: string | null;
  /** The exact leaf bytes (canonical JSON, UTF-8). The columns above index it; the leaf is the truth. */
  leaf: Uint8Array;
  leaf_hash: Uint8Array;
}

export interface AuditNodeTable {
  level: number;
  idx: number;
  hash: Uint8Array;
}

export interface AuditStateTable {
  id: number;
  size: number;
  root: Uint8Array;
}

export interface TreeHeadTable {
  size: number;
  root: Uint8Array;
  signed_at: number;
  signature: Uint8Array;
  key_id: string;
}

export interface SiteKeyTable {
  key_id: string;
  public_key: string;
  created_at: number;
}

export type AccessActionId = 'view' | 'download' | 'export' | 'delete';

export interface AccessRequestTable {
  id: string;
  requester_id: string;
  /** The requester's unit when they asked (lists of requests are scoped by it). */
  requester_unit_id: string;
  action: AccessActionId;
  reason_code: string;
  reason_text: string | null;
  status: 'pending' | 'approved' | 'rejected' | 'withdrawn';
  requested_at: number;
  /** Until when the requester asked for access (the approver decides). */
  requested_until: number | null;
  decided_by: string | null;
  decided_at: number | null;
  decision_reason: string | null;
  /** When an approved grant ends. */
  expires_at: number | null;
  revoked_by: string | null;
  revoked_at: number | null;
  revoke_reason: string | null;
  /** The case whose recordings were asked for, when the request named one (migration 008). */
  case_id: string | null;
  /** JSON {"zh","en"}: the reason's label as the governing list worded it when asked (migration 008). */
  reason_label: string | null;
}

export interface AccessRequestItemTable {
  request_id: string;
  recording_id: string;
  granted: number;
}

/** The access register (查阅登记): one row per use of a grant. */
export interface AccessUseTable {
  id: string;
  request_id: string | null;
  recording_id: string;
  user_id: string;
  action: AccessActionId;
  served_kind: 'original' | 'proxy';
  sha256: string;
  byte_range: string | null;
  ip: string | null;
  at: number;
  /** The ledger entry that registered this use. */
  ledger_seq: number;
}

export type DeviceKind = 'body_worn' | 'handheld_terminal' | 'camera' | 'audio_recorder' | 'fixed_surveillance';
export type DeviceStatusId = 'in_store' | 'issued' | 'faulty' | 'in_repair' | 'retired';

/** The device registry (R-DEV-REG). */
export interface DeviceTable {
  id: string;
  /** 统一编号: the agency's unique number for the device. */
  code: string;
  /** The recorder's product serial as stamped into its file names; unique when present. */
  serial: string | null;
  model: string | null;
  asset_number: string | null;
  kind: DeviceKind;
  unit_id: string;
  /** The person who looks after it (专人管理). */
  keeper_id: string | null;
  status: DeviceStatusId;
  maintenance_interval_days: number | null;
  notes: string | null;
  last_inspected_at: number | null;
  /** Latest calibration (device − true, ms) and when it was measured. */
  clock_offset_ms: number | null;
  clock_calibrated_at: number | null;
  /** Bumped by every change (transitions compare-and-set on it). */
  version: number;
  created_at: number;
  updated_at: number;
  retired_at: number | null;
}

/** The issue/return ledger (R-DEV-LOAN): at most one open loan (returned_at null) per device. */
export interface DeviceLoanTable {
  id: string;
  device_id: string;
  officer_id: string;
  issued_by: string | null;
  issued_at: number;
  due_at: number;
  issue_notes: string | null;
  returned_at: number | null;
  received_by: string | null;
  return_notes: string | null;
}

export interface DeviceCheckTable {
  id: string;
  device_id: string;
  loan_id: string | null;
  kind: 'pre_use' | 'return' | 'inspection';
  checked_at: number;
  checked_by: string | null;
  battery_percent: number | null;
  storage_state: 'ok' | 'low' | 'full' | 'error' | null;
  free_bytes: number | null;
  damage: string | null;
  passed: number;
  notes: string | null;
}

/** Clock calibrations (校时): the device clock's offset from true time when measured. */
export interface DeviceCalibrationTable {
  id: string;
  device_id: string;
  check_id: string | null;
  loan_id: string | null;
  measured_at: number;
  measured_by: string | null;
  device_time: number | null;
  /** device − true, ms. */
  offset_ms: number;
  source: 'pre_use' | 'return' | 'inspection';
}

export interface DeviceFaultTable {
  id: string;
  device_id: string;
  loan_id: string | null;
  reported_at: number;
  reported_by: string | null;
  cause: 'fault' | 'weather' | 'battery' | 'storage' | 'damage' | 'other';
  description: string | null;
  resolved_at: number | null;
  resolution: string | null;
}

export interface DeviceRepairTable {
  id: string;
  device_id: string;
  sent_at: number;
  sent_by: string | null;
  repairer: string | null;
  reference: string | null;
  notes: string | null;
  returned_at: number | null;
  received_by: string | null;
  outcome: 'repaired' | 'not_repaired' | null;
  outcome_notes: string | null;
}

/** Every change of a device with its state before and after; `ledger_seq` is its audit entry. */
export interface DeviceEventTable {
  id: string;
  device_id: string;
  at: number;
  actor_id: string | null;
  event: string;
  status_before: DeviceStatusId | null;
  status_after: DeviceStatusId;
  loan_id: string | null;
  /** JSON. */
  details: string;
  ledger_seq: number;
}

/** A case (案件) or enforcement activity (执法活动), R-CASE. */
export interface CaseTable {
  id: string;
  /** The agency's case or activity number; unique. */
  number: string;
  kind: 'case' | 'activity';
  title: string;
  case_type: string | null;
  unit_id: string;
  /** 被监督单位名称: the supervised party. */
  supervised_party: string | null;
  /** JSON array of user ids of the officers who handled it. */
  officer_ids: string;
  /** The interval the written documents record (文书记载起止时间). */
  documents_started_at: number | null;
  documents_ended_at: number | null;
  status: 'open' | 'closed';
  closed_at: number | null;
  file_retention_until: number | null;
  file_retention_permanent: number;
  created_by: string | null;
  created_at: number;
  updated_at: number;
}

export interface CaseRecordingTable {
  case_id: string;
  recording_id: string;
  linked_by: string | null;
  linked_at: number;
  note: string | null;
}

/** R-INTERRUPT: a recording interrupted, or not made at all, explained and decided by the head. */
export interface WorkRecordTable {
  id: string;
  kind: 'interrupted' | 'not_recorded';
  case_id: string | null;
  recording_id: string | null;
  officer_id: string;
  unit_id: string;
  occurred_at: number;
  activity: string | null;
  reason_code: string;
  reason_text: string | null;
  /** Interrupted: whether the reason was stated aloud when recording resumed. */
  stated_on_restart: number | null;
  /** Not recorded: the legal basis of the exemption. */
  legal_basis: string | null;
  status: 'pending' | 'approved' | 'rejected';
  decided_by: string | null;
  decided_at: number | null;
  decision_reason: string | null;
  filed_by: string;
  filed_at: number;
}

export interface CodeSequenceTable {
  prefix: string;
  last: number;
}

export interface ProfileTable {
  id: string;
  version: number;
  kind: 'regulation' | 'practice' | 'default';
  name_zh: string;
  name_en: string;
  /** SHA-256 of the canonical JSON body. */
  hash: string;
  /** The profile, JSON. */
  body: string;
  origin: 'shipped' | 'custom';
  /** For an agency's edited copy: the `id@version` it started from. */
  based_on: string | null;
  created_at: number;
  created_by: string | null;
}

export interface UnitProfileTable {
  unit_id: string;
  profile_id: string;
  profile_version: number;
  assigned_at: number;
  assigned_by: string | null;
}

export interface LongTermMarkTable {
  id: string;
  recording_id: string;
  reason_id: string;
  note: string | null;
  marked_by: string | null;
  marked_at: number;
  lifted_by: string | null;
  lifted_at: number | null;
  lift_reason: string | null;
}

export interface LegalHoldTable {
  id: string;
  recording_id: string;
  reason: string;
  reference: string | null;
  placed_by: string | null;
  placed_at: number;
  lifted_by: string | null;
  lifted_at: number | null;
  lift_reason: string | null;
}

export interface DeletionBatchTable {
  id: string;
  /** `expired`: past retention; `non_work`: early deletion of recordings that are not work (R-DELETE). */
  kind: 'expired' | 'non_work';
  status: 'proposed' | 'approved' | 'rejected' | 'restored' | 'executed';
  unit_id: string;
  reason_text: string | null;
  recordings: number;
  bytes: number;
  proposed_by: string | null;
  proposed_at: number;
  decided_by: string | null;
  decided_at: number | null;
  decision_reason: string | null;
  /** Until when an approved batch can still be restored (the recovery window). */
  recovery_until: number | null;
  restored_by: string | null;
  restored_at: number | null;
  restore_reason: string | null;
  executed_at: number | null;
}

export interface DeletionBatchItemTable {
  batch_id: string;
  recording_id: string;
  sha256: string;
  size: number;
  outcome: 'pending' | 'deleted' | 'kept';
  kept_reason: string | null;
}

/** What stays of a deleted recording, forever: provable facts, no bytes. */
export interface TombstoneTable {
  recording_id: string;
  sha256: string;
  size: number;
  unit_id: string;
  device_serial: string | null;
  officer_badge: string | null;
  started_at: number;
  ended_at: number | null;
  deleted_at: number;
  batch_id: string;
  reason: string;
  /** JSON: who proposed and who approved. */
  approvers: string;
  ledger_seq: number;
}

export interface DB {
  units: UnitTable;
  users: UserTable;
  sessions: SessionTable;
  settings: SettingTable;
  blobs: BlobTable;
  import_batches: ImportBatchTable;
  import_items: ImportItemTable;
  recordings: RecordingTable;
  derivatives: DerivativeTable;
  jobs: JobTable;
  audit_entries: AuditEntryTable;
  audit_nodes: AuditNodeTable;
  audit_state: AuditStateTable;
  tree_heads: TreeHeadTable;
  site_keys: SiteKeyTable;
  access_requests: AccessRequestTable;
  access_request_items: AccessRequestItemTable;
  access_uses: AccessUseTable;
  cases: CaseTable;
  case_recordings: CaseRecordingTable;
  work_records: WorkRecordTable;
  profiles: ProfileTable;
  code_sequences: CodeSequenceTable;
  unit_profiles: UnitProfileTable;
  long_term_marks: LongTermMarkTable;
  legal_holds: LegalHoldTable;
  deletion_batches: DeletionBatchTable;
  deletion_batch_items: DeletionBatchItemTable;
  tombstones: TombstoneTable;
  devices: DeviceTable;
  device_loans: DeviceLoanTable;
  device_checks: DeviceCheckTable;
  device_calibrations: DeviceCalibrationTable;
  device_faults: DeviceFaultTable;
  device_repairs: DeviceRepairTable;
  device_events: DeviceEventTable;
}
