import { fixedWidthCells, fixedWidthLayout, getTokenizer, parseMarkers } from '@headroom/core';
import { describe, expect, it } from 'vitest';
import { fixture } from '../../test/fixtures.js';
import { createTableCrusher } from './table-crusher.js';

// `dpkg -l` as captured on a Debian 12 machine (see evals/data/capture-tool-outputs.mjs).
const dpkg = fixture('dpkg-l.txt');

describe('fixed-width tables', () => {
  it('finds dpkg -l’s columns under its preamble and separator row', () => {
    const lines = dpkg.split('\n');
    const layout = fixedWidthLayout(lines);
    expect(layout).toMatchObject({ header: 3, headLines: 5 });
    expect(fixedWidthCells(lines[3] as string, layout?.starts ?? [])).toEqual([
      '||/',
      'Name',
      'Version',
      'Architecture',
      'Description',
    ]);
    expect(fixedWidthCells(lines[5] as string, layout?.starts ?? []).slice(0, 3)).toEqual(['ii', 'adduser', '3.134']);
  });

  it('takes right-aligned columns (ps’s PID) and refuses text without a header of words', () => {
    // The shape of real `ps aux` output: single-space gutters, right-aligned numbers, a free-text last column.
    const ps = [
      'USER       PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND',
      'root         1  0.0  0.0  41416  8188 ?        S<Ll 18:00   0:01 /sbin/init --log-level info',
      'root         2  0.0  0.0      0     0 ?        S    18:00   0:00 [kthreadd]',
      'root         3  0.0  0.0      0     0 ?        S    18:00   0:00 [pool_workqueue_release]',
      'root        14  0.0  0.0      0     0 ?        I<   18:00   0:00 [kworker/R-rcu_gp]',
      'root       215  0.3  0.2 120504 40112 ?        Ssl  18:00   0:04 /usr/sbin/containerd',
      'www-data   880  1.5  0.9 912344 150220 ?       Sl   18:02   1:12 node server.js --port 8080',
      'root      1201  0.0  0.0   7064  3584 pts/0    Ss   18:05   0:00 -bash',
      'postgres  1450  0.1  0.1 218964 28100 ?        Ss   18:06   0:01 postgres: checkpointer',
      'root      2001  0.0  0.0   9840  4096 pts/0    R+   18:10   0:00 ps aux',
    ];
    expect(fixedWidthCells(ps[3] as string, fixedWidthLayout(ps)?.starts ?? [])).toEqual([
      'root',
      '3',
      '0.0',
      '0.0',
      '0',
      '0',
      '?',
      'S',
      '18:00',
      '0:00',
      '[pool_workqueue_release]',
    ]);
    const log = Array.from({ length: 12 }, (_, i) => `2024-05-01 10:00:0${i % 10} INFO  api   request ${i} served`);
    expect(fixedWidthLayout(log)).toBeUndefined();
    // Aligned log lines whose first one has no digit-free words to name columns are rows, not a table.
    const aligned = Array.from(
      { length: 12 },
      (_, i) => `2024-05-01T10:00:${String(i).padStart(2, '0')}Z INFO rollout pod web-${i % 4} ready`,
    );
    expect(fixedWidthLayout(aligned)).toBeUndefined();
  });

  it('compresses dpkg -l as a table: its head stays, omitted rows are counted as rows', async () => {
    const crusher = createTableCrusher();
    const tokenizer = await getTokenizer('gpt-4o');
    const out = await crusher.compress(
      { text: dpkg, query: '', toolName: 'run_command', contentType: 'table' } as never,
      { retrievalKey: '0123456789abcdef01234567', tokenizer } as never,
    );
    const text = (out as { text: string }).text;
    expect(text.split('\n').slice(0, 5)).toEqual(dpkg.split('\n').slice(0, 5));
    const markers = parseMarkers(text);
    expect(markers.length).toBeGreaterThan(0);
    expect(markers.every((m) => m.unit === 'rows')).toBe(true);
    expect(tokenizer.count(text)).toBeLessThan(tokenizer.count(dpkg) / 3);
  });
});
