import { describe, expect, it } from 'vitest';
import { anchorHits, pathScopes, queryAnchors } from './anchors.js';

describe('queryAnchors', () => {
  it('finds identifiers, paths, numbers and quoted text, longest first', () => {
    expect(queryAnchors('Who wrote `multi_turn_checker` in src/a.py at line 1368, "the fix"?')).toEqual([
      'multi_turn_checker',
      'src/a.py',
      'the fix',
      '1368',
    ]);
  });
});

describe('anchorHits', () => {
  it('drops an anchor found nearly everywhere: it says nothing about what to keep', () => {
    const units = Array.from({ length: 200 }, (_, i) => `GET /api/items/${i} 200`);
    expect([...anchorHits(units, ['/api/items/123'])]).toEqual([123]);
    expect([...anchorHits(units, ['/api/items'])]).toEqual([]);
  });
});

describe('pathScopes', () => {
  const listing = ['/usr/share/doc/grep:', 'total 8', '-rw-r--r-- 1 root root 1807 Dec  9  2021 copyright'];

  it('splits a path the text never writes whole into its directory and the name under it', () => {
    expect(pathScopes(listing, queryAnchors('How many bytes is /usr/share/doc/grep/copyright?'))).toEqual([
      { dir: '/usr/share/doc/grep', name: 'copyright' },
    ]);
  });

  it('leaves alone a path written whole, and one that names a directory', () => {
    expect(pathScopes(['/usr/share/doc/grep/copyright'], ['/usr/share/doc/grep/copyright'])).toEqual([]);
    expect(pathScopes(listing, ['/usr/share/doc/grep/'])).toEqual([]);
  });
});
