/**
 * Vitest global setup: compiles `src/` once per test run (esbuild, file by file, no bundling) into a
 * fresh folder beside it, so the many CLI child processes the tests spawn start from plain
 * JavaScript instead of compiling the sources again in each one with tsx (~0.9 s per process here;
 * the crash test alone spawns ~80). The layout mirrors `dist/` (one level below the repository),
 * so paths the code resolves from its own location (web/dist, worker files, packages) hold.
 * The folder is new for every run and removed after it: never a stale build.
 */
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

const ROOT = path.resolve(import.meta.dirname, '../..');

const isSource = (name: string) => name.endsWith('.ts') && !name.endsWith('.d.ts');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? files(p) : [p];
  });
}

export default async function setup(): Promise<() => void> {
  const out = mkdtempSync(path.join(ROOT, '.test-dist-'));
  const src = path.join(ROOT, 'src');
  const all = files(src);
  // Data the code imports or reads beside itself (the shipped profiles' JSON…) is copied as it is.
  for (const f of all.filter((f) => !isSource(f))) cpSync(f, path.join(out, path.relative(src, f)));
  await build({
    entryPoints: all.filter((f) => isSource(f) && !f.endsWith('.test.ts')),
    outbase: src,
    outdir: out,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // Node ≥ 20.10 takes `with { type: 'json' }`; esbuild would drop it for a node20 target.
    supported: { 'import-attributes': true },
    sourcemap: 'inline',
    logLevel: 'error',
  });
  const entry = path.join(out, 'cli.js');
  writeFileSync(
    entry,
    [
      "import { main } from './main.js';",
      'main(process.argv.slice(2), process.env).then((code) => process.exit(code), (err) => {',
      "  process.stderr.write(`custodia: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\\n`);",
      '  process.exit(1);',
      '});',
      '',
    ].join('\n'),
  );
  // Forked test workers inherit the environment: test/support/app.ts reads this for `CLI`.
  process.env.CUSTODIA_TEST_CLI = entry;
  return () => rmSync(out, { recursive: true, force: true });
}
