import { accessSync, constants } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export interface MediaBinaries {
  ffmpeg: string;
  ffprobe: string;
}

function onPath(name: string, envPath: string | undefined): string | undefined {
  for (const dir of (envPath ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

function fromNpm(pkg: '@ffmpeg-installer/ffmpeg' | '@ffprobe-installer/ffprobe'): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    return (require(pkg) as { path: string }).path;
  } catch {
    return undefined;
  }
}

/**
 * Which ffmpeg/ffprobe to run: FFMPEG_PATH/FFPROBE_PATH when set, else the ones on PATH, else the
 * static builds shipped in npm packages — so a fresh machine needs nothing outside npm.
 */
export function resolveMediaBinaries(opts: { ffmpegPath?: string | undefined; ffprobePath?: string | undefined; envPath: string | undefined }): MediaBinaries {
  const ffmpeg = opts.ffmpegPath ?? onPath('ffmpeg', opts.envPath) ?? fromNpm('@ffmpeg-installer/ffmpeg');
  const ffprobe = opts.ffprobePath ?? onPath('ffprobe', opts.envPath) ?? fromNpm('@ffprobe-installer/ffprobe');
  if (!ffmpeg || !ffprobe) throw new Error('ffmpeg/ffprobe not found: set FFMPEG_PATH and FFPROBE_PATH, put them on PATH, or reinstall the npm dependencies');
  return { ffmpeg, ffprobe };
}
