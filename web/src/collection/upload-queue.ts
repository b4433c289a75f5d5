import { DetailedError, Upload, type HttpResponse } from 'tus-js-client';

/** Where a file stands: sent → the server imports it (hash, store, probe, record) → the verdict. */
export type UploadState = 'queued' | 'uploading' | 'paused' | 'verifying' | 'imported' | 'duplicate' | 'failed' | 'error';

export interface UploadMeta {
  device?: string;
  officer?: string;
  unit?: string;
}

export interface UploadItem {
  key: string;
  /** The path within a chosen folder, or the file name. */
  path: string;
  size: number;
  sent: number;
  state: UploadState;
  meta: UploadMeta;
  recordingId: string | null;
  sha256: string | null;
  /** Why the import failed (the server's words), or why the transfer stopped. */
  problem: string | null;
}

export const UPLOAD_ENDPOINT = '/api/uploads';
/** Each PATCH carries at most this much: an interruption costs at most one chunk. */
const CHUNK_BYTES = 16 * 1024 * 1024;
const PARALLEL = 2;
const FINISHED: readonly UploadState[] = ['imported', 'duplicate', 'failed'];

interface Entry {
  item: UploadItem;
  file: File;
  upload: Upload | null;
}

function header(res: HttpResponse, name: string): string | null {
  const v = res.getHeader(name);
  return v === undefined || v === '' ? null : v;
}

function transferProblem(e: Error): string {
  if (e instanceof DetailedError && e.originalResponse) {
    const body = e.originalResponse.getBody();
    const status = e.originalResponse.getStatus();
    try {
      const json = JSON.parse(body) as { message?: unknown; error?: unknown };
      if (typeof json.message === 'string') return `${status} ${json.message}`;
    } catch {
      // tus errors are plain text
    }
    return `${status} ${body.trim() || e.message}`;
  }
  return e.message;
}

/**
 * The collection desk's uploads: resumable (tus) to /api/uploads, two at a time, with the import
 * verdict the server sends on the last PATCH (Custodia-Import-Status, -Recording-Id, -Sha256,
 * -Import-Error). One queue per page load, so uploads continue while the user moves between pages;
 * an upload interrupted by a reload resumes from the server's offset when the same file is added again.
 */
export class UploadQueue {
  private entries: Entry[] = [];
  private snapshot: readonly UploadItem[] = [];
  private readonly listeners = new Set<() => void>();
  private seq = 0;

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  getSnapshot = (): readonly UploadItem[] => this.snapshot;

  add(files: Iterable<File>, meta: UploadMeta): void {
    for (const file of files) {
      const path = file.webkitRelativePath || file.name;
      this.entries.push({ file, upload: null, item: { key: `u${++this.seq}`, path, size: file.size, sent: 0, state: 'queued', meta, recordingId: null, sha256: null, problem: null } });
    }
    this.changed();
    this.pump();
  }

  pause(key: string): void {
    const e = this.find(key);
    if (!e || (e.item.state !== 'uploading' && e.item.state !== 'queued')) return;
    void e.upload?.abort(false);
    this.update(e, { state: 'paused' });
    this.pump();
  }

  resume(key: string): void {
    const e = this.find(key);
    if (!e || (e.item.state !== 'paused' && e.item.state !== 'error')) return;
    this.update(e, { state: 'queued', problem: null });
    this.pump();
  }

  /** Removes a finished, paused or failed file from the list (an unfinished upload stays resumable on the server). */
  remove(key: string): void {
    const e = this.find(key);
    if (!e || e.item.state === 'uploading' || e.item.state === 'verifying') return;
    this.entries = this.entries.filter((x) => x !== e);
    this.changed();
  }

  clearFinished(): void {
    this.entries = this.entries.filter((e) => !FINISHED.includes(e.item.state));
    this.changed();
  }

  busy(): boolean {
    return this.entries.some((e) => e.item.state === 'uploading' || e.item.state === 'verifying' || e.item.state === 'queued');
  }

  private find(key: string): Entry | undefined {
    return this.entries.find((e) => e.item.key === key);
  }

  private pump(): void {
    let running = this.entries.filter((e) => e.item.state === 'uploading' || e.item.state === 'verifying').length;
    for (const e of this.entries) {
      if (running >= PARALLEL) break;
      if (e.item.state !== 'queued') continue;
      running++;
      this.start(e);
    }
  }

  private start(e: Entry): void {
    const { meta } = e.item;
    const metadata: Record<string, string> = { filename: e.file.name, filetype: e.file.type || 'application/octet-stream' };
    if (meta.device) metadata.device = meta.device;
    if (meta.officer) metadata.officer = meta.officer;
    if (meta.unit) metadata.unit = meta.unit;
    const upload = new Upload(e.file, {
      endpoint: UPLOAD_ENDPOINT,
      chunkSize: CHUNK_BYTES,
      retryDelays: [0, 1000, 3000, 5000, 10000],
      metadata,
      storeFingerprintForResuming: true,
      removeFingerprintOnSuccess: true,
      onShouldRetry: (err) => {
        const status = err instanceof DetailedError ? (err.originalResponse?.getStatus() ?? 0) : 0;
        // Refusals (bad metadata, no permission, unknown unit) don't change on retry; transport failures may.
        return !(status >= 400 && status < 500 && status !== 409 && status !== 423 && status !== 429);
      },
      onProgress: (sent, total) => {
        if (e.item.state !== 'uploading' && e.item.state !== 'verifying') return;
        this.update(e, { sent, state: sent >= total ? 'verifying' : 'uploading' });
      },
      onSuccess: ({ lastResponse }) => {
        const status = header(lastResponse, 'Custodia-Import-Status');
        const problem = header(lastResponse, 'Custodia-Import-Error');
        this.update(e, {
          sent: e.item.size,
          state: status === 'imported' || status === 'duplicate' || status === 'failed' ? status : 'failed',
          recordingId: header(lastResponse, 'Custodia-Recording-Id'),
          sha256: header(lastResponse, 'Custodia-Sha256'),
          problem: problem ? safeDecode(problem) : status ? null : 'no import verdict from the server',
        });
        this.pump();
      },
      onError: (err) => {
        this.update(e, { state: 'error', problem: transferProblem(err) });
        this.pump();
      },
    });
    e.upload = upload;
    this.update(e, { state: 'uploading', problem: null });
    void upload.findPreviousUploads().then(
      (previous) => {
        if (e.item.state !== 'uploading') return;
        const last = previous[0];
        if (last) upload.resumeFromPreviousUpload(last);
        upload.start();
      },
      () => upload.start(),
    );
  }

  private update(e: Entry, patch: Partial<UploadItem>): void {
    e.item = { ...e.item, ...patch };
    this.changed();
  }

  private changed(): void {
    this.snapshot = this.entries.map((e) => e.item);
    for (const fn of this.listeners) fn();
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The desk's queue (one per page load). */
export const uploadQueue = new UploadQueue();
