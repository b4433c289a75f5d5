import { describe, expect, it } from 'vitest';
import { safeNext } from './safe-next';

describe('where sign-in returns to', () => {
  it('only paths on this site', () => {
    expect(safeNext('/recordings?q=1')).toBe('/recordings?q=1');
    for (const bad of [null, '', 'https://evil.example', '//evil.example/x', '/\\evil.example', 'javascript:alert(1)', '/sign-in?next=/x']) expect(safeNext(bad), String(bad)).toBe('/');
  });
});
