import { gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';

/** Gzipped bytes of every JS file a first visit to one page downloads. */
export interface PageWeight {
  page: string;
  files: string[];
  gzipBytes: number;
}

interface ChunkLike {
  type: 'chunk';
  fileName: string;
  code: string;
  isEntry: boolean;
  facadeModuleId: string | null;
  imports: string[];
  dynamicImports: string[];
}

/** The entry chunk's static closure, plus each chunk it loads lazily (a page) with its closure on top of it. */
export function pageWeights(chunks: readonly ChunkLike[]): PageWeight[] {
  const byName = new Map(chunks.map((c) => [c.fileName, c]));
  const gz = new Map<string, number>();
  const gzipOf = (file: string) => {
    let n = gz.get(file);
    if (n === undefined) {
      n = gzipSync(byName.get(file)?.code ?? '', { level: 9 }).length;
      gz.set(file, n);
    }
    return n;
  };
  const closure = (start: string, into: Set<string>) => {
    if (into.has(start)) return into;
    into.add(start);
    for (const dep of byName.get(start)?.imports ?? []) closure(dep, into);
    return into;
  };
  const entry = chunks.find((c) => c.isEntry);
  if (!entry) return [];
  const base = closure(entry.fileName, new Set());
  const weigh = (page: string, files: Set<string>): PageWeight => ({ page, files: [...files], gzipBytes: [...files].reduce((s, f) => s + gzipOf(f), 0) });
  const out = [weigh('(shell)', base)];
  // Pages are imported lazily by the page registry, which may sit in a chunk of its own (the shell
  // and a page both import it): every dynamic import reachable from the shell is a page.
  const lazies = new Set([...base].flatMap((f) => byName.get(f)?.dynamicImports ?? []));
  for (const lazy of lazies) {
    if (base.has(lazy)) continue;
    const chunk = byName.get(lazy);
    const page = chunk?.facadeModuleId?.replace(/^.*\/src\//, '') ?? lazy;
    out.push(weigh(page, closure(lazy, new Set(base))));
  }
  return out;
}

/**
 * Prints the gzipped JavaScript each first page costs (the shell plus that page's lazy chunk) and
 * fails the build when one exceeds the budget (issue 5: the first page under 400 KB gzipped).
 */
export function bundleBudget(budgetBytes: number, report: (line: string) => void): Plugin {
  return {
    name: 'custodia-bundle-budget',
    apply: 'build',
    generateBundle(_options, bundle) {
      const chunks = Object.values(bundle).filter((o): o is typeof o & ChunkLike => o.type === 'chunk');
      const weights = pageWeights(chunks);
      const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
      report('first-load JavaScript per page (gzipped, shell included):');
      for (const w of weights) report(`  ${w.page.padEnd(44)} ${kb(w.gzipBytes).padStart(10)}`);
      const over = weights.filter((w) => w.gzipBytes > budgetBytes);
      if (over.length > 0) this.error(`over the ${kb(budgetBytes)} first-page budget: ${over.map((w) => `${w.page} ${kb(w.gzipBytes)}`).join(', ')}`);
    },
  };
}
