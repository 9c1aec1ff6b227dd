import { startScriptedModel } from '@headroom/proxy/testing';
import { describe, expect, it } from 'vitest';
import { emptyDir, runCli, startServing } from './run-cli.js';

const log = Array.from(
  { length: 700 },
  (_, i) => `2026-05-01T10:${String(i % 60).padStart(2, '0')}:00Z INFO replica ${i % 7} synced ${i * 17} rows`,
).join('\n');

describe('headroom savings', () => {
  it('keeps a ledger per day, agent and model, in tokens and in dollars with and without cache prices', async () => {
    const model = await startScriptedModel(() => ({ text: 'ok', usage: { input: 1000, output: 20 } }));
    const home = emptyDir();
    const serving = startServing(
      ['proxy', '--port', '0', '--upstream-anthropic', model.url, '--upstream-openai', model.url],
      { HEADROOM_HOME: home },
      /Headroom proxy on (http:\/\/127\.0\.0\.1:\d+)/,
    );
    const url = await serving.url;
    const send = (path: string, userAgent: string, body: unknown) =>
      fetch(`${url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': userAgent },
        body: JSON.stringify(body),
      }).then((r) => r.text());
    const turns = (question: string) => [
      { role: 'user', content: question },
      { role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'logs', input: {} }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', content: log }] },
    ];
    await send('/v1/messages', 'claude-cli/2.1.332 (external, sdk-cli)', {
      model: 'claude-sonnet-4-5',
      max_tokens: 100,
      messages: turns('Which replica synced most?'),
    });
    await send('/v1/messages', 'claude-cli/2.1.332 (external, sdk-cli)', {
      model: 'claude-sonnet-4-5',
      max_tokens: 100,
      messages: turns('And the fewest?'),
    });
    await send('/v1/chat/completions', 'OpenAI/JS 7.60.0', {
      model: 'gpt-4o',
      messages: [
        { role: 'user', content: 'Which replica?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'c', type: 'function', function: { name: 'logs', arguments: '{}' } }],
        },
        { role: 'tool', tool_call_id: 'c', content: log },
      ],
    });
    expect((await serving.stop()).code).toBe(0);
    await model.close();

    const run = runCli(['savings', '--json'], { env: { HEADROOM_HOME: home } });
    expect(run.code, run.stderr).toBe(0);
    const ledger = JSON.parse(run.stdout.toString()) as {
      days: number;
      totals: { requests: number; tokensSaved: number; savedUsdAtList: number };
      rows: {
        day: string;
        agent: string;
        model: string;
        requests: number;
        tokensBefore: number;
        tokensSaved: number;
        savedUsdAtList?: number;
        savedUsdWithCache?: number;
      }[];
    };
    expect(ledger.days).toBe(30);
    expect(ledger.totals.requests).toBe(3);
    const today = new Date().toISOString().slice(0, 10);
    const claude = ledger.rows.find((r) => r.model === 'claude-sonnet-4-5');
    const gpt = ledger.rows.find((r) => r.model === 'gpt-4o');
    expect(claude).toMatchObject({ day: today, agent: 'claude-cli', requests: 2 });
    expect(gpt).toMatchObject({ day: today, requests: 1 });
    expect(claude?.tokensSaved).toBeGreaterThan(5000);
    // $3 per million input tokens for Sonnet, $2.50 for GPT-4o.
    expect(claude?.savedUsdAtList).toBeCloseTo(((claude?.tokensSaved ?? 0) * 3) / 1e6, 4);
    expect(gpt?.savedUsdAtList).toBeCloseTo(((gpt?.tokensSaved ?? 0) * 2.5) / 1e6, 4);
    expect(ledger.totals.tokensSaved).toBe((claude?.tokensSaved ?? 0) + (gpt?.tokensSaved ?? 0));

    const human = runCli(['savings', '--days', '7'], { env: { HEADROOM_HOME: home } }).stdout.toString();
    expect(human).toMatch(/^Savings, last 7 days \(counters in .*ccr\.db;/);
    expect(human).toMatch(
      new RegExp(
        `\\n${today} +claude-cli +claude-sonnet-4-5 +2 +[\\d,]+ \\(−\\d+\\.\\d%\\) +\\$\\d+\\.\\d{4} +\\$\\d+\\.\\d{4}\\n`,
      ),
    );
    expect(human).toMatch(
      /\ntotal: 3 requests, [\d,]+ of [\d,]+ tokens saved, \$\d+\.\d{4} at list prices, \$\d+\.\d{4} with cache prices\n$/,
    );
  });

  it('prices saved tokens at what the cache left: mostly cache reads cost a tenth', async () => {
    const { savingsLedger } = await import('@headroom/proxy');
    const day = '2026-12-01';
    const row = (name: string, value: number) => ({ day, agent: 'claude', model: 'claude-sonnet-4-6', name, value });
    const [entry] = savingsLedger(
      [
        row('requests', 10),
        row('tokensBefore', 1_000_000),
        row('tokensAfter', 600_000),
        row('inputTokens', 50_000),
        row('cacheReadTokens', 900_000),
        row('cacheWriteTokens', 50_000),
      ],
      { days: 7, today: '2026-12-06' },
    );
    expect(entry?.savedUsdAtList).toBeCloseTo(400_000 * 3e-6, 6);
    // Per input token: (50k × 1 + 900k × 0.1 + 50k × 1.25) / 1M of the list price = 0.2025.
    expect(entry?.savedUsdWithCache).toBeCloseTo(400_000 * 3e-6 * 0.2025, 6);
    expect(entry?.cacheReadShare).toBe(0.9);
    expect(savingsLedger([row('requests', 1)], { days: 3, today: '2026-12-06' })).toEqual([]);
  });

  it('refuses a number of days it cannot use', () => {
    const run = runCli(['savings', '--days', 'week']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe("headroom: --days takes a whole number of days, like 30 (got 'week')\n");
  });
});
