import { z } from 'zod';

/** What ffprobe tells about a file, reduced to the facts a recording keeps. */
export interface MediaFacts {
  container: string | null;
  durationMs: number | null;
  videoCodec: string | null;
  audioCodec: string | null;
  width: number | null;
  height: number | null;
  /** Container creation time (UTC epoch ms) when the file carries one. */
  creationTime: number | null;
  latitude: number | null;
  longitude: number | null;
  /** Plays in a browser <video> as is (H.264/AAC in MP4, VP8/9/AV1 in WebM). */
  browserPlayable: boolean;
  /** The file could not be fully parsed: keep it as evidence, flag it. */
  damaged: boolean;
  damageReason: string | null;
  streams: Array<{ index: number; type: string; codec: string | null; durationMs: number | null }>;
  tags: Record<string, string>;
}

const Stream = z.looseObject({
  index: z.number(),
  codec_type: z.string().optional(),
  codec_name: z.string().optional(),
  width: z.number().optional(),
  height: z.number().optional(),
  duration: z.string().optional(),
  tags: z.record(z.string(), z.string()).optional(),
});
const ProbeOutput = z.looseObject({
  streams: z.array(Stream).optional(),
  format: z
    .looseObject({
      format_name: z.string().optional(),
      duration: z.string().optional(),
      tags: z.record(z.string(), z.string()).optional(),
    })
    .optional(),
  error: z.looseObject({ code: z.number().optional(), string: z.string().optional() }).optional(),
});

const seconds = (s: string | undefined): number | null => {
  if (s === undefined) return null;
  const n = Number(s);
  return Number.isFinite(n) && n >= 0 ? Math.round(n * 1000) : null;
};

/** ISO 6709 as written by phones and recorders in the `location` tag: "+31.2304+121.4737+012.000/". */
export function parseIso6709(value: string): { latitude: number; longitude: number } | undefined {
  const m = /^([+-]\d{1,2}(?:\.\d+)?)([+-]\d{1,3}(?:\.\d+)?)/.exec(value.trim());
  if (!m) return undefined;
  const latitude = Number(m[1]);
  const longitude = Number(m[2]);
  if (Math.abs(latitude) > 90 || Math.abs(longitude) > 180) return undefined;
  return { latitude, longitude };
}

const MP4_FAMILY = /(^|,)(mov|mp4|m4a|3gp)(,|$)/;

/** Interprets `ffprobe -print_format json -show_format -show_streams -show_error` output and stderr. */
export function interpretProbe(stdout: string, stderr: string, exitCode: number | null): MediaFacts {
  let parsed: z.infer<typeof ProbeOutput> = {};
  try {
    parsed = ProbeOutput.parse(JSON.parse(stdout || '{}'));
  } catch {
    parsed = {};
  }
  const streams = parsed.streams ?? [];
  const video = streams.find((s) => s.codec_type === 'video' && s.codec_name !== 'mjpeg' && s.codec_name !== 'png');
  const audio = streams.find((s) => s.codec_type === 'audio');
  const tags: Record<string, string> = {};
  for (const [k, v] of Object.entries(parsed.format?.tags ?? {})) tags[k.toLowerCase()] = v;
  const container = parsed.format?.format_name ?? null;
  const durationMs = seconds(parsed.format?.duration) ?? seconds(video?.duration) ?? seconds(audio?.duration);
  const created = tags['creation_time'] ? Date.parse(tags['creation_time']) : NaN;
  const loc = tags['location'] ?? tags['com.apple.quicktime.location.iso6709'];
  const gps = loc ? parseIso6709(loc) : undefined;

  const problems: string[] = [];
  if (parsed.error) problems.push(parsed.error.string ?? `ffprobe error ${parsed.error.code ?? ''}`.trim());
  if (exitCode !== 0 && !parsed.error) problems.push(`ffprobe exited with ${exitCode}`);
  if (!parsed.error && streams.length === 0) problems.push('no audio or video streams');
  const warn = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /moov atom not found|invalid data|truncat|error|corrupt|partial file|incomplete/i.test(l));
  if (warn.length > 0) problems.push(...warn.slice(0, 3));
  if (streams.length > 0 && durationMs === null) problems.push('unknown duration');

  const v = video?.codec_name ?? null;
  const a = audio?.codec_name ?? null;
  const mp4ok = container !== null && MP4_FAMILY.test(container) && (v === null || v === 'h264') && (a === null || a === 'aac' || a === 'mp3');
  const webmok = container !== null && container.includes('webm') && (v === null || ['vp8', 'vp9', 'av1'].includes(v)) && (a === null || ['opus', 'vorbis'].includes(a));
  const damaged = problems.length > 0;
  return {
    container,
    durationMs,
    videoCodec: v,
    audioCodec: a,
    width: video?.width ?? null,
    height: video?.height ?? null,
    creationTime: Number.isFinite(created) ? created : null,
    latitude: gps?.latitude ?? null,
    longitude: gps?.longitude ?? null,
    browserPlayable: !damaged && (v !== null || a !== null) && (mp4ok || webmok),
    damaged,
    damageReason: damaged ? problems.join('; ').slice(0, 500) : null,
    streams: streams.map((s) => ({ index: s.index, type: s.codec_type ?? 'unknown', codec: s.codec_name ?? null, durationMs: seconds(s.duration) })),
    tags,
  };
}
