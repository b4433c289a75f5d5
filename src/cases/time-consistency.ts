/**
 * R-CASE: "声像资料起止时间应当与文书记载一致" — a case's recordings must cover the interval its
 * written documents record. Pure: given the documents' interval and the recordings' corrected
 * spans, report what is covered, the gaps, overlaps between recordings, what lies outside, and
 * findings beyond a tolerance.
 */
export interface Interval {
  start: number;
  end: number;
}

export interface RecordingSpan {
  id: string;
  /** Corrected start (device time − clock offset). */
  start: number;
  /** Corrected end; null when the duration is unknown (a damaged file). */
  end: number | null;
}

export type Finding =
  | { code: 'no_documents_interval' }
  | { code: 'no_recordings' }
  | { code: 'late_start'; byMs: number }
  | { code: 'early_end'; byMs: number }
  | { code: 'gap'; start: number; end: number }
  | { code: 'outside'; recordingId: string; beforeMs: number; afterMs: number }
  | { code: 'unknown_duration'; recordingId: string };

export interface ConsistencyReport {
  documents: Interval | null;
  documentMs: number;
  /** Time of the documents' interval covered by at least one recording. */
  coveredMs: number;
  /** coveredMs / documentMs (1 when there is nothing to cover). */
  coverage: number;
  gaps: Interval[];
  overlaps: Array<{ a: string; b: string; start: number; end: number }>;
  /** First recording start − documents start (positive: recording began late). */
  startOffsetMs: number | null;
  /** Documents end − last recording end (positive: recording stopped early). */
  endOffsetMs: number | null;
  findings: Finding[];
  consistent: boolean;
}

export const DEFAULT_TOLERANCE_MS = 60_000;

/** Merges spans into disjoint, sorted intervals. */
export function union(spans: readonly Interval[]): Interval[] {
  const sorted = spans.filter((s) => s.end > s.start).sort((a, b) => a.start - b.start || a.end - b.end);
  const out: Interval[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s.start <= last.end) last.end = Math.max(last.end, s.end);
    else out.push({ start: s.start, end: s.end });
  }
  return out;
}

export function checkTimeConsistency(documents: Interval | null, recordings: readonly RecordingSpan[], toleranceMs = DEFAULT_TOLERANCE_MS): ConsistencyReport {
  const findings: Finding[] = [];
  const known = recordings.filter((r): r is RecordingSpan & { end: number } => r.end !== null && r.end >= r.start);
  for (const r of recordings) if (r.end === null || r.end < r.start) findings.push({ code: 'unknown_duration', recordingId: r.id });

  const overlaps: ConsistencyReport['overlaps'] = [];
  const byStart = [...known].sort((a, b) => a.start - b.start || a.id.localeCompare(b.id));
  for (let i = 0; i < byStart.length; i++) {
    for (let j = i + 1; j < byStart.length && byStart[j]!.start < byStart[i]!.end; j++) {
      const a = byStart[i]!;
      const b = byStart[j]!;
      overlaps.push({ a: a.id, b: b.id, start: b.start, end: Math.min(a.end, b.end) });
    }
  }

  if (!documents || documents.end <= documents.start) {
    if (!documents) findings.unshift({ code: 'no_documents_interval' });
    return { documents, documentMs: 0, coveredMs: 0, coverage: 1, gaps: [], overlaps, startOffsetMs: null, endOffsetMs: null, findings, consistent: documents !== null && recordings.length > 0 && findings.length === 0 };
  }

  const documentMs = documents.end - documents.start;
  const clipped = union(known.map((r) => ({ start: Math.max(r.start, documents.start), end: Math.min(r.end, documents.end) })));
  const coveredMs = clipped.reduce((s, c) => s + (c.end - c.start), 0);
  const gaps: Interval[] = [];
  let cursor = documents.start;
  for (const c of clipped) {
    if (c.start > cursor) gaps.push({ start: cursor, end: c.start });
    cursor = Math.max(cursor, c.end);
  }
  if (cursor < documents.end) gaps.push({ start: cursor, end: documents.end });

  if (recordings.length === 0) findings.unshift({ code: 'no_recordings' });
  const first = known.length > 0 ? Math.min(...known.map((r) => r.start)) : null;
  const last = known.length > 0 ? Math.max(...known.map((r) => r.end)) : null;
  const startOffsetMs = first === null ? null : first - documents.start;
  const endOffsetMs = last === null ? null : documents.end - last;
  if (startOffsetMs !== null && startOffsetMs > toleranceMs) findings.push({ code: 'late_start', byMs: startOffsetMs });
  if (endOffsetMs !== null && endOffsetMs > toleranceMs) findings.push({ code: 'early_end', byMs: endOffsetMs });
  // Gaps at the very start or end are already the late start / early end.
  for (const g of gaps) {
    const edge = g.start === documents.start || g.end === documents.end;
    if (!edge && g.end - g.start > toleranceMs) findings.push({ code: 'gap', start: g.start, end: g.end });
  }
  for (const r of known) {
    const beforeMs = Math.max(0, Math.min(r.end, documents.start) - r.start);
    const afterMs = Math.max(0, r.end - Math.max(r.start, documents.end));
    if (beforeMs > toleranceMs || afterMs > toleranceMs) findings.push({ code: 'outside', recordingId: r.id, beforeMs, afterMs });
  }
  return { documents, documentMs, coveredMs, coverage: coveredMs / documentMs, gaps, overlaps, startOffsetMs, endOffsetMs, findings, consistent: findings.length === 0 };
}
