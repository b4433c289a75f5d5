import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { Plugin } from 'vite';

const br = promisify(brotliCompress);
const gz = promisify(gzip);

/**
 * Writes `.br` and `.gz` beside every built JS, CSS, HTML and SVG file, once, at build time; the
 * server sends them to browsers that accept them (@fastify/static `preCompressed`), so a station
 * on a slow link downloads about a third of the bytes and the server spends no CPU compressing.
 */
export function precompress(): Plugin {
  let outDir = '';
  return {
    name: 'custodia-precompress',
    apply: 'build',
    configResolved(c) {
      outDir = path.resolve(c.root, c.build.outDir);
    },
    async closeBundle() {
      const walk = async (dir: string): Promise<string[]> => {
        const out: string[] = [];
        for (const e of await readdir(dir, { withFileTypes: true })) {
          if (e.isDirectory()) out.push(...(await walk(path.join(dir, e.name))));
          else out.push(path.join(dir, e.name));
        }
        return out;
      };
      for (const file of (await walk(outDir)).filter((f) => /\.(js|css|html|svg)$/.test(f))) {
        const bytes = await readFile(file);
        if (bytes.length < 1024) continue;
        await writeFile(`${file}.br`, await br(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } }));
        await writeFile(`${file}.gz`, await gz(bytes, { level: 9 }));
      }
    },
  };
}
