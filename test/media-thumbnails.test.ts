import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaTools } from '../src/platform/media/ffmpeg.js';
import { resolveMediaBinaries } from '../src/platform/media/binaries.js';
import { makeVideo, tempDir } from './support/app.js';

/** Width and height from a JPEG's start-of-frame marker. */
function jpegSize(b: Buffer): { width: number; height: number } {
  let i = 2;
  while (i < b.length) {
    const marker = b[i + 1]!;
    const len = b.readUInt16BE(i + 2);
    if (marker >= 0xc0 && marker <= 0xc3) return { height: b.readUInt16BE(i + 5), width: b.readUInt16BE(i + 7) };
    i += 2 + len;
  }
  throw new Error('no JPEG frame header');
}

/**
 * The thumbnail strip with real ffmpeg: ten evenly spaced frames side by side. A long recording
 * is sampled by seeking (not decoded through); a short one is decoded through; both give a strip
 * of the same shape.
 */
describe('thumbnail strip', () => {
  const media = new MediaTools(resolveMediaBinaries({ ffmpegPath: process.env.FFMPEG_PATH, ffprobePath: process.env.FFPROBE_PATH, envPath: process.env.PATH }));
  let dir: { dir: string; cleanup(): Promise<void> };
  beforeAll(async () => {
    dir = await tempDir('custodia-thumbs-');
  });
  afterAll(() => dir?.cleanup());

  for (const [label, seconds, how] of [
    ['a long recording (sampled by seeking)', 75, 'seek'],
    ['a short recording (decoded through)', 3, 'decode'],
  ] as const) {
    it(`${label}: one JPEG, ten 160-px frames wide`, async () => {
      const input = path.join(dir.dir, `in-${seconds}.mp4`);
      const output = path.join(dir.dir, `strip-${seconds}.jpg`);
      await makeVideo(input, { seconds, fps: seconds > 10 ? 2 : 15, size: '320x180', audio: false });
      const facts = await media.probe(input);
      expect(await media.thumbnailStrip(input, output, facts.durationMs ?? seconds * 1000)).toBe(how);
      expect(jpegSize(await readFile(output))).toEqual({ width: 1600, height: 90 });
    }, 60_000);
  }
});
