import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningProxy, serveProxy } from '../src/node.js';
import type { ProxyStats } from '../src/stats.js';
import { type ScriptedModel, startScriptedModel } from '../src/testing/index.js';

interface Family {
  readonly name: string;
  readonly type: string;
  readonly metrics: readonly {
    readonly value?: string;
    readonly labels?: Record<string, string>;
    readonly count?: string;
    readonly sum?: string;
  }[];
}

let model: ScriptedModel;
let running: RunningProxy;
beforeAll(async () => {
  model = await startScriptedModel((request) =>
    request.body.includes('please fail')
      ? { error: { status: 500, type: 'api_error', message: 'overloaded' } }
      : { text: 'ok', usage: { input: 120, output: 30 } },
  );
  running = await serveProxy({ port: 0, upstreamAnthropic: model.url, upstreamOpenAI: model.url });
});
afterAll(async () => {
  await running.close();
  await model.close();
});

const log = Array.from(
  { length: 600 },
  (_, i) => `2026-05-01T10:${String(i % 60).padStart(2, '0')}:00Z INFO worker ${i % 9} finished job ${i * 13}`,
).join('\n');

const post = (path: string, body: string) =>
  fetch(`${running.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then(
    async (r) => {
      await r.text();
      return r.status;
    },
  );

/** Every sample of a family, summed (over its label sets, or those matching `labels`). */
function total(families: Family[], name: string, labels: Record<string, string> = {}): number {
  const family = families.find((f) => f.name === name);
  return (family?.metrics ?? [])
    .filter((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v))
    .reduce((sum, m) => sum + Number(m.value ?? m.count ?? 0), 0);
}

describe('GET /metrics', () => {
  it('shows, in Prometheus text format, the figures /stats shows', async () => {
    for (let n = 0; n < 3; n++)
      expect(
        await post(
          '/v1/messages',
          JSON.stringify({
            model: 'claude-sonnet-4-5',
            max_tokens: 100,
            messages: [
              { role: 'user', content: `Which worker finished job ${n}?` },
              { role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'logs', input: {} }] },
              { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', content: log }] },
            ],
          }),
        ),
      ).toBe(200);
    expect(
      await post('/v1/chat/completions', '{"model":"gpt-4o","messages":[{"role":"user","content":"please fail"}]}'),
    ).toBe(500);
    expect(await post('/v1/chat/completions', 'not json')).toBe(200);

    const response = await fetch(`${running.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const families = parsePrometheusTextFormat(await response.text()) as Family[];
    const stats = (await (await fetch(`${running.url}/stats`)).json()) as ProxyStats;

    expect(total(families, 'headroom_requests_total')).toBe(stats.requests);
    expect(total(families, 'headroom_tokens_before_total')).toBe(stats.tokensBefore);
    expect(total(families, 'headroom_tokens_after_total')).toBe(stats.tokensAfter);
    expect(total(families, 'headroom_tokens_saved_total')).toBe(stats.tokensBefore - stats.tokensAfter);
    expect(stats.tokensBefore - stats.tokensAfter).toBeGreaterThan(1000);
    for (const [name, t] of Object.entries(stats.byTransform)) {
      expect(total(families, 'headroom_transform_tokens_before_total', { transform: name })).toBe(t.tokensBefore);
      expect(total(families, 'headroom_transform_tokens_saved_total', { transform: name })).toBe(
        t.tokensBefore - t.tokensAfter,
      );
    }
    expect(total(families, 'headroom_upstream_tokens_total', { kind: 'input' })).toBe(stats.inputTokens);
    expect(total(families, 'headroom_upstream_tokens_total', { kind: 'output' })).toBe(stats.outputTokens);
    expect(total(families, 'headroom_requests_total', { model: 'claude-sonnet-4-5' })).toBe(3);

    // Errors by reason: the body that was not JSON, and the upstream's 500.
    expect(total(families, 'headroom_errors_total', { reason: 'not-json' })).toBe(1);
    expect(total(families, 'headroom_errors_total', { reason: 'upstream-500' })).toBe(1);

    // Histograms: one compression per compressed-endpoint request, one upstream latency per reply.
    const histogram = (name: string) => families.find((f) => f.name === name);
    expect(histogram('headroom_compression_seconds')?.type).toBe('HISTOGRAM');
    expect(total(families, 'headroom_compression_seconds')).toBe(4);
    expect(total(families, 'headroom_upstream_seconds')).toBe(5);
    expect(families.some((f) => f.name.startsWith('headroom_process_'))).toBe(true);
  });

  it('asks for the admin token when the proxy is bound beyond loopback', async () => {
    const exposed = await serveProxy({ port: 0, host: '0.0.0.0', upstreamOpenAI: model.url });
    try {
      const url = exposed.url.replace('0.0.0.0', '127.0.0.1');
      expect((await fetch(`${url}/metrics`)).status).toBe(401);
      const allowed = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${exposed.adminToken}` } });
      expect(allowed.status).toBe(200);
      expect(await allowed.text()).toContain('# TYPE headroom_requests_total counter');
    } finally {
      await exposed.close();
    }
  });
});
