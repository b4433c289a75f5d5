import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';

/** A file found under a source folder. Paths are raw bytes so names that are not UTF-8 still open. */
export interface SourceFile {
  /** Raw path, for opening. */
  path: Buffer;
  /** The name as text for people (invalid UTF-8 shown as U+FFFD). */
  displayPath: string;
  name: string;
  /** Hex of the raw name bytes when they are not valid UTF-8, so the exact name is never lost. */
  rawNameHex: string | null;
  size: number;
  mtimeMs: number;
  /** Not a regular file (symlink, FIFO, socket, device): reported, never read. */
  irregular: string | null;
}

const SEP = Buffer.from(path.sep);

function isValidUtf8(b: Buffer): boolean {
  return Buffer.from(b.toString('utf8'), 'utf8').equals(b);
}

/**
 * Lists every file below `root`, depth first, sorted by name. Does not follow symlinks (a
 * recorder's storage has none; a link could lead outside the source). Unreadable folders are
 * reported as entries with `irregular` set rather than aborting the walk.
 */
export async function walkSource(root: string): Promise<SourceFile[]> {
  const out: SourceFile[] = [];
  const rootBuf = Buffer.from(path.resolve(root));
  const st = await lstat(rootBuf);
  if (st.isFile()) {
    const name = path.basename(root);
    out.push({ path: rootBuf, displayPath: path.resolve(root), name, rawNameHex: null, size: st.size, mtimeMs: Math.floor(st.mtimeMs), irregular: null });
    return out;
  }
  if (!st.isDirectory()) throw new Error(`${root} is neither a folder nor a file`);
  const visit = async (dir: Buffer) => {
    let entries;
    try {
      entries = await readdir(dir, { encoding: 'buffer', withFileTypes: true });
    } catch (e) {
      out.push({ path: dir, displayPath: dir.toString('utf8'), name: path.basename(dir.toString('utf8')), rawNameHex: null, size: 0, mtimeMs: 0, irregular: `folder unreadable: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` });
      return;
    }
    entries.sort((a, b) => Buffer.compare(a.name, b.name));
    for (const e of entries) {
      const full = Buffer.concat([dir, SEP, e.name]);
      const display = full.toString('utf8');
      const name = e.name.toString('utf8');
      const rawNameHex = isValidUtf8(e.name) ? null : e.name.toString('hex');
      if (e.isDirectory()) {
        await visit(full);
        continue;
      }
      let size = 0;
      let mtimeMs = 0;
      try {
        const s = await lstat(full);
        size = s.size;
        mtimeMs = Math.floor(s.mtimeMs);
      } catch {
        // vanished between readdir and lstat: reported when opened
      }
      const irregular = e.isFile() ? null : e.isSymbolicLink() ? 'symbolic link (not followed)' : 'not a regular file';
      out.push({ path: full, displayPath: display, name, rawNameHex, size, mtimeMs, irregular });
    }
  };
  await visit(rootBuf);
  return out;
}
