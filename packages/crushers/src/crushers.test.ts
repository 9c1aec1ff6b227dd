import { runTransformConformance } from '@headroom/core/testing';
import { fixture } from '../test/fixtures.js';
import { createDiffCrusher } from './diff/diff-crusher.js';
import { createHtmlCrusher } from './html/html-crusher.js';
import { createJsonCrusher } from './json/json-crusher.js';
import { createListingCrusher } from './listing/listing-crusher.js';
import { createLogCrusher } from './log/log-crusher.js';
import { createProseCrusher } from './prose/prose-crusher.js';
import { createSearchCrusher } from './search/search-crusher.js';
import { createTableCrusher } from './table/table-crusher.js';

const golden = (name: string) => new URL(`./__golden__/${name}`, import.meta.url).pathname;
const lines = (name: string) => fixture(name).split('\n');

runTransformConformance({
  create: createLogCrusher,
  goldenDir: golden('log'),
  cases: [
    {
      name: 'dpkg log',
      text: fixture('dpkg-log.txt'),
      mustKeep: [lines('dpkg-log.txt')[0] as string, lines('dpkg-log.txt').at(-2) as string],
    },
    {
      name: 'dpkg log asked about python',
      text: fixture('dpkg-log.txt'),
      query: 'when was python3.11:amd64 3.11.2-6+deb12u6 half-configured?',
      mustKeep: ['2025-06-24 14:37:01 status half-configured python3.11:amd64 3.11.2-6+deb12u6'],
    },
    {
      name: 'build with errors',
      text: [
        ...Array.from({ length: 200 }, (_, i) => `[${i}/400] Compiling src/module_${i}.rs`),
        'error[E0308]: mismatched types',
        '  --> src/module_200.rs:14:9',
        '   |',
        '14 |         return None;',
        ...Array.from({ length: 200 }, (_, i) => `[${200 + i}/400] Compiling src/module_${200 + i}.rs`),
        'error: could not compile `app` (bin "app") due to 1 previous error',
      ].join('\n'),
      mustKeep: [
        'error[E0308]: mismatched types',
        '  --> src/module_200.rs:14:9',
        'error: could not compile `app` (bin "app") due to 1 previous error',
      ],
    },
  ],
});

runTransformConformance({
  create: createSearchCrusher,
  goldenDir: golden('search'),
  cases: [
    {
      name: 'grep over the repository',
      text: fixture('grep-repo.txt'),
      query: 'where is contentKey defined',
      mustKeep: ['packages/core/src/hash/content-key.ts:17:export function contentKey(text: string): string {'],
    },
  ],
});

runTransformConformance({
  create: createListingCrusher,
  goldenDir: golden('listing'),
  cases: [
    {
      name: 'find usr include',
      text: fixture('find-usr-include.txt'),
      query: 'where is `allocated_ptr.h`',
      mustKeep: ['/usr/include/c++/12/bits/allocated_ptr.h'],
    },
    {
      name: 'ls long usr bin',
      text: fixture('ls-long-usr-bin.txt'),
      query: 'what does createuser link to',
      mustKeep: ['createuser -> ../share/postgresql-common/pg_wrapper'],
    },
  ],
});

runTransformConformance({
  create: createDiffCrusher,
  goldenDir: golden('diff'),
  cases: [
    {
      name: 'repository diff',
      text: fixture('git-diff.txt'),
      mustKeep: ['diff --git a/apps/cli/src/commands/ccr.ts b/apps/cli/src/commands/ccr.ts'],
    },
  ],
});

runTransformConformance({
  create: createJsonCrusher,
  goldenDir: golden('json'),
  cases: [
    { name: 'github issues', text: fixture('github-issues.json'), mustKeep: ['"number":13'] },
    { name: 'github issues ndjson', text: fixture('github-issues.ndjson') },
    {
      name: 'exact literals',
      text: JSON.stringify(
        { rows: Array.from({ length: 300 }, (_, i) => ({ id: i, status: i === 137 ? 'failed' : 'ok' })) },
        null,
        2,
      ).replace('"id": 0,', '"id": 12345678901234567890, "ratio": 1e3,'),
      mustKeep: ['12345678901234567890', '1e3', '"status":"failed"'],
    },
  ],
});

runTransformConformance({
  create: createTableCrusher,
  goldenDir: golden('table'),
  cases: [
    {
      name: 'installed packages csv',
      text: fixture('dpkg-packages.csv'),
      query: 'which version of libdevmapper1.02.1 is installed?',
      mustKeep: [
        'package,version,installed_size_kb,priority,section',
        'libdevmapper1.02.1,2:1.02.185-2,474,optional,libs',
      ],
    },
    {
      name: 'markdown table',
      text: [
        '| id | status | ms |',
        '|---|---|---:|',
        ...Array.from({ length: 80 }, (_, i) => `| ${i} | ${i === 41 ? 'failed' : 'ok'} | ${10 + (i % 7)} |`),
      ].join('\n'),
      mustKeep: [
        '| id | status | ms |',
        '|---|---|---:|',
        '| 41 | failed | 16 |',
        '| 0 | ok | 10 |',
        '| 79 | ok | 12 |',
      ],
    },
  ],
});

runTransformConformance({
  create: createProseCrusher,
  goldenDir: golden('prose'),
  contentType: 'markdown',
  cases: [
    {
      name: 'node dgram docs',
      text: fixture('node-dgram.md'),
      query: 'what does socket.setTTL do and what values may ttl take?',
      mustKeep: ['### `socket.setTTL(ttl)`', '# UDP/datagram sockets', 'The `ttl` argument may be between 1 and 255.'],
    },
    { name: 'node dgram docs without a query', text: fixture('node-dgram.md'), mustKeep: ['## Class: `dgram.Socket`'] },
    {
      // BM25's length penalty ranks short sentences that only name the university above the one
      // long list of alumni that holds the query's rare word.
      name: 'a rare query word in a long list sentence',
      text: [
        ...Array.from(
          { length: 6 },
          (_, p) =>
            `The university opened hall ${p} in ${1900 + p}. Former students of the university use hall ${p}. ` +
            `A famous former student renovated hall ${p} in ${1990 + p}. Hall ${p} holds ${100 + p} seats. The university lists hall ${p} online.`,
        ),
        `Former students include ${Array.from({ length: 40 }, (_, i) => `writer Author${i} Name${i}`).join('; ')}; cellist Ana Ruiz; ${Array.from({ length: 20 }, (_, i) => `actor Actor${i} Name${i}`).join('; ')}.`,
      ].join('\n\n'),
      query: 'Which famous cellist is a former student of the university?',
      mustKeep: ['cellist Ana Ruiz'],
    },
  ],
});

runTransformConformance({
  create: createHtmlCrusher,
  goldenDir: golden('html'),
  cases: [
    {
      name: 'rustdoc book page',
      text: fixture('rustdoc-what-is-rustdoc.html'),
      mustKeep: ['WHAT IS RUSTDOC?'],
    },
  ],
});
