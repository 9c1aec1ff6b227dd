import { getTokenizer } from '@headroom/core';
import { describe, expect, it } from 'vitest';
import { createListingCrusher } from './listing-crusher.js';

// `ls -laR`: every directory a block under its own `dir:` header, the same file names in each.
const block = (name: string, size: number) =>
  [
    `/usr/share/doc/${name}:`,
    'total 16',
    'drwxr-xr-x   2 root root  4096 May 20  2025 .',
    'drwxr-xr-x 794 root root 36864 Dec  5 18:25 ..',
    `-rw-r--r--   1 root root  ${String(size + 7).padStart(5)} Jan 24  2023 changelog.Debian.gz`,
    `-rw-r--r--   1 root root  ${String(size).padStart(5)} Dec  9  2021 copyright`,
  ].join('\n');
const listing = Array.from({ length: 120 }, (_, i) => block(`pkg${i}`, 1000 + i)).join('\n\n');

describe('ls -R listings', () => {
  it('keep the entry a query names by its whole path, though the listing writes it as a block and a name', async () => {
    const out = await createListingCrusher().compress(
      { text: listing, query: 'How many bytes is /usr/share/doc/pkg77/copyright?', contentType: 'listing' } as never,
      { retrievalKey: '0123456789abcdef01234567', tokenizer: await getTokenizer('gpt-4o') } as never,
    );
    const text = (out as { text: string }).text;
    expect(text).toContain('/usr/share/doc/pkg77:');
    expect(text).toContain(' 1077 Dec  9  2021 copyright');
    expect(text.length).toBeLessThan(listing.length / 2);
  });
});
