import { execFile } from 'node:child_process';
import { access } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';

/**
 * The demo's video files, made by ffmpeg: one short H.264/AAC clip per officer (test pattern,
 * a tone, and — when this ffmpeg has drawtext — a caption naming the demo, the officer and the
 * recorder, with a running time), then every recording is that clip remuxed with `-c copy` and
 * its own title and creation time, so each file is a valid MP4 with its own SHA-256 in ~15 ms.
 */

const run = promisify(execFile);

export interface ClipStyle {
  /** lavfi source: a moving test pattern or colour bars. */
  pattern: 'testsrc' | 'testsrc2' | 'smptebars' | 'rgbtestsrc';
  /** Tone of the audio track, Hz. */
  toneHz: number;
  seconds: number;
  /** Burned-in caption (only when drawtext is available). */
  caption: string;
  /** Colour of the caption box, when there is no caption the pattern's hue turns by this. */
  hue: number;
}

export interface ClipTools {
  ffmpeg: string;
  /** A TrueType font with Chinese glyphs for drawtext, or null for no caption. */
  fontFile: string | null;
}

/** Finds what this ffmpeg can do: drawtext (libfreetype) and the Noto Sans SC font shipped in npm. */
export async function clipTools(ffmpeg: string): Promise<ClipTools> {
  let fontFile: string | null = null;
  try {
    const { stdout } = await run(ffmpeg, ['-hide_banner', '-filters'], { maxBuffer: 4 * 1024 * 1024 });
    if (/\sdrawtext\s/.test(stdout)) {
      const require = createRequire(import.meta.url);
      const font = require.resolve('@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf');
      await access(font);
      fontFile = font;
    }
  } catch {
    fontFile = null;
  }
  return { ffmpeg, fontFile };
}

/** drawtext option values: backslash-escape what the filter syntax would read. */
const escapeFilterValue = (s: string) => s.replace(/[\\':,;[\]=]/g, (c) => `\\${c}`);

/** A base clip: 640×360, 15 fps, H.264 (yuv420p) + AAC, faststart. */
export async function makeBaseClip(tools: ClipTools, out: string, style: ClipStyle): Promise<void> {
  // 15 fps keeps the thumbnail jobs (which decode every frame) quick: 300 strips in ~20 s.
  const video = `${style.pattern}=size=640x360:rate=15`;
  const filters: string[] = [];
  if (tools.fontFile) {
    const font = escapeFilterValue(tools.fontFile);
    filters.push(`drawtext=fontfile=${font}:text=${escapeFilterValue(style.caption)}:x=16:y=16:fontsize=22:fontcolor=white:box=1:boxcolor=black@0.6:boxborderw=6`);
    filters.push(`drawtext=fontfile=${font}:text=%{pts\\:hms}:x=16:y=h-44:fontsize=20:fontcolor=yellow:box=1:boxcolor=black@0.6:boxborderw=6`);
  } else {
    filters.push(`hue=h=${style.hue}`);
  }
  await run(tools.ffmpeg, [
    '-y', '-v', 'error',
    '-f', 'lavfi', '-i', video,
    '-f', 'lavfi', '-i', `sine=frequency=${style.toneHz}:sample_rate=22050`,
    '-t', String(style.seconds),
    '-vf', filters.join(','),
    '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '30', '-pix_fmt', 'yuv420p',
    '-c:a', 'aac', '-b:a', '48k', '-shortest',
    '-movflags', '+faststart',
    out,
  ]);
}

/** A recording from a base clip: the same streams (`-c copy`), its own title and creation time. */
export async function deriveClip(tools: ClipTools, base: string, out: string, meta: { title: string; creationTime: number }): Promise<void> {
  await run(tools.ffmpeg, [
    '-y', '-v', 'error',
    '-i', base,
    '-map', '0', '-c', 'copy', '-map_metadata', '-1',
    '-metadata', `title=${meta.title}`,
    '-metadata', `creation_time=${new Date(meta.creationTime).toISOString()}`,
    '-movflags', '+faststart',
    '-f', 'mp4',
    out,
  ]);
}
