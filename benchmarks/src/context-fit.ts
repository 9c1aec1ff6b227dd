import { getTokenizer } from '@headroom/core';
import { round } from './corpus.js';
import { ANTHROPIC, loadSessions, priceSession, recordingUpstream, viaProxy } from './session-cost.js';

/**
 * Context that always fits, on recorded sessions: each session replayed through the proxy with a
 * window half the size of its largest request, so it outgrows it. Counts the requests a provider
 * would have refused without fitting (prompt and reply room over the window) and with it, how often
 * a request rewrote history the previous one had sent (each rewrite costs one cache write of what
 * follows it), and prices that with Anthropic's cache rules against the same prompts had every
 * request extended the previous one.
 */
export async function runContextFitBenchmark() {
  const tokenizer = await getTokenizer();
  const upstream = await recordingUpstream();
  const rows: {
    session: string;
    requests: number;
    window: number;
    largestPrompt: number;
    refusedWithout: number;
    refusedWith: number;
    largestFitted: number;
    rewrites: number;
    rewriteCost: number;
    rewriteShare: number;
  }[] = [];
  for (const session of loadSessions(tokenizer)) {
    const model = String(session.requests[0]?.model ?? '');
    const reply = 1024;
    // A prompt's size as a provider counts it: its texts, and a few tokens for each message or block.
    const counted = (prompt: readonly { text: string }[]) =>
      prompt.reduce((sum, part) => {
        let tokens = 0;
        JSON.parse(part.text, (_key, value) => {
          tokens += typeof value === 'string' ? tokenizer.count(value) : typeof value === 'object' && value ? 4 : 1;
          return value;
        });
        return sum + tokens;
      }, 0);
    const unfitted = await viaProxy(session, upstream.url, upstream.last, tokenizer, { fitContext: false });
    const sizes = unfitted.map(counted);
    const window = Math.max(4000, Math.round(Math.max(...sizes) / 2) + reply);
    const fitted = await viaProxy(session, upstream.url, upstream.last, tokenizer, {
      contextWindows: { [model]: window },
    });
    const fittedSizes = fitted.map(counted);
    let rewrites = 0;
    let ideal = 0;
    fitted.forEach((prompt, i) => {
      const previous = fitted[i - 1] ?? [];
      const stable = previous.slice(0, -1).every((part, k) => prompt[k]?.text === part.text);
      if (i > 0 && !stable) rewrites++;
      // Had it extended the previous prompt, all of that one would have been read from the cache.
      const total = prompt.reduce((sum, part) => sum + part.tokens, 0);
      const cached = Math.min(
        total,
        (fitted[i - 1] ?? []).reduce((sum, part) => sum + part.tokens, 0),
      );
      ideal += cached * ANTHROPIC.read + (total - cached) * ANTHROPIC.write;
    });
    const cost = priceSession(fitted, ANTHROPIC).cost;
    rows.push({
      session: session.name,
      requests: session.requests.length,
      window,
      largestPrompt: Math.max(...sizes),
      refusedWithout: sizes.filter((s) => s + reply > window).length,
      refusedWith: fittedSizes.filter((s) => s + reply > window).length,
      largestFitted: Math.max(...fittedSizes),
      rewrites,
      rewriteCost: round(cost - ideal, 0),
      rewriteShare: round((cost - ideal) / cost),
    });
  }
  await upstream.close();
  const sum = (f: (r: (typeof rows)[number]) => number) => rows.reduce((a, r) => a + f(r), 0);
  return {
    benchmark: 'context-fit',
    summary: {
      sessions: rows.length,
      requests: sum((r) => r.requests),
      refusedWithout: sum((r) => r.refusedWithout),
      refusedWith: sum((r) => r.refusedWith),
      rewrites: sum((r) => r.rewrites),
      rewriteShareOfCost: round(sum((r) => r.rewriteCost) / sum((r) => r.rewriteCost / (r.rewriteShare || 1))),
    },
    rows,
  };
}
