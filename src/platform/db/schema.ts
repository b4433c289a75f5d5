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

export interface DB {
  units: UnitTable;
  users: UserTable;
  sessions: SessionTable;
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
}
