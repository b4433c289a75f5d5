import type { CSSProperties } from 'react';

/**
 * One frame of a recording's thumbnail strip (10 frames side by side in one JPEG), chosen with
 * background-position. Until the strip is made (or when it can't be) a film glyph shows instead.
 */
export function Thumbnail({ recordingId, frame = 0, label }: { recordingId: string; frame?: number; label: string }) {
  const style = {
    '--thumb': `url("/api/recordings/${encodeURIComponent(recordingId)}/thumbnails")`,
    '--thumb-x': `${(Math.min(9, Math.max(0, frame)) / 9) * 100}%`,
  } as CSSProperties;
  // An empty label: decoration inside something that names itself (a seek button).
  return label ? <span className="thumb" role="img" aria-label={label} style={style} /> : <span className="thumb" aria-hidden="true" style={style} />;
}
