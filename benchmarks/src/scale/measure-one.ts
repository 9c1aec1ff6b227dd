import { readFileSync } from 'node:fs';
import { createMemoryStore } from '@headroom/ccr';
import { FirstSightCache, getTokenizer } from '@headroom/core';
import { compressText } from '@headroom/crushers';

/**
 * One cold compression in this fresh process: the file named on the command line is read and
 * compressed once; prints milliseconds, tokens and the process's peak memory above what it held
 * before reading (modules and vocabulary loaded, heap collected).
 */
const file = process.argv[2] as string;
await getTokenizer();
(globalThis as { gc?: () => void }).gc?.();
const before = process.memoryUsage().rss;
const started = performance.now();
const text = readFileSync(file, 'utf8');
const result = await compressText(text, { store: createMemoryStore(), firstSight: new FirstSightCache() });
const ms = performance.now() - started;
const peak = process.resourceUsage().maxRSS * 1024;
process.stdout.write(
  `${JSON.stringify({
    ms,
    tokensBefore: result.tokensBefore,
    tokensAfter: result.tokensAfter,
    contentType: result.transforms[0]?.contentType,
    estimated: result.tokenizer.estimate,
    peakAboveStartBytes: Math.max(0, peak - before),
  })}\n`,
);
