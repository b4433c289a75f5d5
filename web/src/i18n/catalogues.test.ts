import { describe, expect, it } from 'vitest';
import { en } from './en';
import { zhCN } from './zh-CN';

type Tree = { [k: string]: string | Tree };

function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(key, v);
    else for (const [kk, vv] of flatten(v, key)) out.set(kk, vv);
  }
  return out;
}

const variables = (s: string) => [...s.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();
const catalogues = { 'zh-CN': flatten(zhCN), en: flatten(en) };

/** Every source file of the app (not tests), as text. */
const sources = import.meta.glob<string>(['../**/*.ts', '../**/*.tsx', '!../**/*.test.ts', '!../i18n/*.ts'], { query: '?raw', import: 'default', eager: true });

describe('UI text catalogues', () => {
  it('zh-CN and en have exactly the same keys', () => {
    const zh = [...catalogues['zh-CN'].keys()];
    const e = [...catalogues.en.keys()];
    expect(zh.filter((k) => !catalogues.en.has(k)), 'in zh-CN, missing from en').toEqual([]);
    expect(e.filter((k) => !catalogues['zh-CN'].has(k)), 'in en, missing from zh-CN').toEqual([]);
    expect(zh.length).toBeGreaterThan(200);
  });

  it('no text is empty, and both languages interpolate the same variables', () => {
    for (const [key, zh] of catalogues['zh-CN']) {
      const e = catalogues.en.get(key) ?? '';
      expect(zh.trim(), `zh-CN ${key}`).not.toBe('');
      expect(e.trim(), `en ${key}`).not.toBe('');
      expect(variables(zh), key).toEqual(variables(e));
    }
  });

  it('zh-CN is Chinese: every sentence-like text has Han characters', () => {
    const notChinese = [...catalogues['zh-CN']].filter(([, v]) => /[a-z]{4,}\s+[a-z]{3,}/i.test(v.replace(/\{\{\s*\w+\s*\}\}/g, '')) && !/\p{Script=Han}/u.test(v));
    expect(notChinese).toEqual([]);
  });

  it('every key the components use exists in both catalogues', () => {
    expect(Object.keys(sources).length).toBeGreaterThan(20);
    const used = new Map<string, string>();
    const prefixes = new Map<string, string>();
    for (const [file, text] of Object.entries(sources)) {
      for (const m of text.matchAll(/\bt\(\s*'([\w.]+)'/g)) used.set(m[1]!, file);
      for (const m of text.matchAll(/\blabel: '(nav\.\w+)'/g)) used.set(m[1]!, file);
      // Keys built from a value (`roles.${r}`): the prefix must be a group in both catalogues.
      for (const m of text.matchAll(/\bt\(\s*`([\w.]+)\.\$\{/g)) prefixes.set(m[1]!, file);
    }
    expect(used.size).toBeGreaterThan(150);
    for (const [lang, cat] of Object.entries(catalogues)) {
      const missing = [...used].filter(([k]) => !cat.has(k)).map(([k, f]) => `${k} (${f})`);
      expect(missing, `${lang}: keys used but missing`).toEqual([]);
      for (const [p, f] of prefixes) expect([...cat.keys()].some((k) => k.startsWith(`${p}.`)), `${lang}: group ${p} used in ${f}`).toBe(true);
    }
  });
});
