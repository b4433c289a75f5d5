import { spawn } from 'node:child_process';
import type { MediaBinaries } from './binaries.js';
import { interpretProbe, type MediaFacts } from './probe.js';

export type { MediaFacts };

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(bin: string, args: string[], opts: { timeoutMs: number; onStderrLine?: (line: string) => void }): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    let partial = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs);
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => {
      const s = d.toString('utf8');
      if (err.length < 64 * 1024) err += s;
      if (opts.onStderrLine) {
        const lines = (partial + s).split(/\r|\n/);
        partial = lines.pop() ?? '';
        for (const l of lines) opts.onStderrLine(l);
      }
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: err });
    });
  });
}

/** The media tools Custodia runs: ffprobe for facts, ffmpeg for derivatives. Never touches originals' bytes. */
export class MediaTools {
  constructor(readonly bin: MediaBinaries) {}

  async probe(file: string): Promise<MediaFacts> {
    const r = await run(this.bin.ffprobe, ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', '-show_error', file], { timeoutMs: 120_000 });
    return interpretProbe(r.stdout, r.stderr, r.code);
  }

  /**
   * A horizontal strip of `count` evenly spaced frames, `width` px each, as one JPEG. Long
   * recordings seek to each frame (one input per frame, `-ss` before `-i`: a keyframe seek and at
   * most one GOP decoded) instead of decoding the whole file — minutes saved on a 30-minute
   * recording; short or damaged ones, where a seek may find nothing, decode through as before.
   */
  async thumbnailStrip(input: string, output: string, durationMs: number, count = 10, width = 160): Promise<'seek' | 'decode'> {
    if (durationMs >= 60_000) {
      const args = ['-y', '-v', 'error'];
      for (let i = 0; i < count; i++) args.push('-ss', ((durationMs * (i + 0.5)) / count / 1000).toFixed(3), '-i', input);
      const scaled = Array.from({ length: count }, (_, i) => `[${i}:v:0]scale=${width}:-2,setsar=1,trim=end_frame=1[f${i}]`).join(';');
      const graph = `${scaled};${Array.from({ length: count }, (_, i) => `[f${i}]`).join('')}hstack=inputs=${count}[strip]`;
      args.push('-filter_complex', graph, '-map', '[strip]', '-frames:v', '1', '-q:v', '5', output);
      const seek = await run(this.bin.ffmpeg, args, { timeoutMs: 120_000 });
      if (seek.code === 0) return 'seek';
    }
    const fps = Math.max(count / Math.max(durationMs / 1000, 0.1), 0.001);
    const r = await run(
      this.bin.ffmpeg,
      ['-y', '-v', 'error', '-i', input, '-vf', `fps=${fps.toFixed(6)},scale=${width}:-2,tile=${count}x1`, '-frames:v', '1', '-q:v', '5', output],
      { timeoutMs: 600_000 },
    );
    if (r.code !== 0) throw new Error(`ffmpeg thumbnails failed: ${r.stderr.trim().split('\n').slice(-2).join(' ')}`);
    return 'decode';
  }

  /** H.264/AAC MP4 with faststart, for browsers. `onProgress` gets 0..1. */
  async proxy(input: string, output: string, durationMs: number | null, onProgress?: (fraction: number) => void): Promise<void> {
    const r = await run(
      this.bin.ffmpeg,
      ['-y', '-v', 'error', '-stats', '-i', input, '-map', '0:v:0?', '-map', '0:a:0?', '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '26', '-pix_fmt', 'yuv420p', '-vf', 'scale=trunc(iw/2)*2:trunc(ih/2)*2', '-c:a', 'aac', '-b:a', '96k', '-movflags', '+faststart', output],
      {
        timeoutMs: 6 * 3600_000,
        onStderrLine: (line) => {
          const m = /time=(\d+):(\d+):(\d+(?:\.\d+)?)/.exec(line);
          if (m && durationMs && onProgress) onProgress(Math.min(1, ((Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3])) * 1000) / durationMs));
        },
      },
    );
    if (r.code !== 0) throw new Error(`ffmpeg proxy failed: ${r.stderr.trim().split('\n').slice(-2).join(' ')}`);
  }
}
