import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderApiDoc } from '../scripts/api-doc.js';

describe('docs/api.md', () => {
  it('matches the OpenAPI document the server serves (run `npm run docs:api` after changing routes)', async () => {
    const committed = readFileSync(path.resolve(import.meta.dirname, '../docs/api.md'), 'utf8');
    expect(committed).toBe(await renderApiDoc());
  });
});
