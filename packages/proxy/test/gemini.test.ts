import { ApiError, type Content, GoogleGenAI } from '@google/genai';
import { createMemoryStore } from '@headroom/ccr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningProxy, serveProxy } from '../src/node.js';
import { deployLog, FACT, fakeModel } from './fake-model.js';
import { json, startUpstream } from './fake-upstream.js';

// The official @google/genai SDK (what Gemini CLI is built on) through the proxy on a socket,
// to a Gemini model on loopback: the SDK's own encoding, stream parser and error handling.
let upstream: Awaited<ReturnType<typeof startUpstream>>;
let proxy: RunningProxy;
beforeAll(async () => {
  upstream = await startUpstream((req, res) => {
    if (req.path.includes(':countTokens')) return json(res, 200, { totalTokens: 4242 });
    if (req.body.includes('"overloaded please"'))
      return json(res, 503, { error: { code: 503, message: 'busy', status: 'UNAVAILABLE' } });
    return fakeModel(req, res);
  });
  proxy = await serveProxy({ port: 0, upstreamGemini: upstream.url, store: createMemoryStore() });
});
afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

const client = (apiKey = 'g-test-key') => new GoogleGenAI({ apiKey, httpOptions: { baseUrl: proxy.url } });
const contents: Content[] = [
  { role: 'user', parts: [{ text: 'Why did the rollout stop?' }] },
  {
    role: 'model',
    parts: [{ functionCall: { id: 'c1', name: 'run_shell_command', args: { command: 'kubectl logs' } } }],
  },
  {
    role: 'user',
    parts: [{ functionResponse: { id: 'c1', name: 'run_shell_command', response: { output: deployLog } } }],
  },
];
const config = {
  tools: [{ functionDeclarations: [{ name: 'run_shell_command', description: 'Runs a shell command.' }] }],
};
const declared = (body: string) =>
  (JSON.parse(body) as { tools: { functionDeclarations: { name: string }[] }[] }).tools.flatMap((t) =>
    t.functionDeclarations.map((d) => d.name),
  );

describe('Gemini through the proxy, with @google/genai', () => {
  it('generateContent: the function response goes out compressed, the retrieve round is answered inside', async () => {
    const before = upstream.received.length;
    const reply = await client().models.generateContent({ model: 'gemini-2.5-flash', contents, config });
    expect(reply.text).toBe(`The log says: ${FACT}`);
    const [first, second, more] = upstream.received.slice(before);
    expect(more).toBeUndefined();
    expect(first?.path).toMatch(/^\/v1(beta)?\/models\/gemini-2\.5-flash:generateContent$/);
    expect(first?.headers['x-goog-api-key']).toBe('g-test-key');
    expect(first?.body.length).toBeLessThan(deployLog.length / 3);
    expect(declared(first?.body ?? '{}')).toEqual(['run_shell_command', 'headroom_retrieve']);
    // The follow-up carries the model's call and the original, whole.
    expect(second?.body).toContain(FACT);
    expect(second?.body).toContain('"name":"headroom_retrieve"');
  });

  it('generateContentStream: the answer streams after the retrieve round, no chunk shows the round', async () => {
    const before = upstream.received.length;
    const stream = await client().models.generateContentStream({ model: 'gemini-2.5-flash', contents, config });
    let text = '';
    for await (const chunk of stream) {
      text += chunk.text ?? '';
      expect(JSON.stringify(chunk)).not.toContain('headroom_retrieve');
    }
    expect(text).toBe(`The log says: ${FACT}`);
    const sent = upstream.received.slice(before);
    expect(sent.map((r) => r.path)).toEqual([
      expect.stringMatching(/:streamGenerateContent\?alt=sse$/),
      expect.stringMatching(/:streamGenerateContent\?alt=sse$/),
    ]);
  });

  it('answers a retrieve round inside the JSON-array stream (no alt=sse): followed as events, written as the array', async () => {
    const before = upstream.received.length;
    const response = await fetch(`${proxy.url}/v1beta/models/gemini-2.5-flash:streamGenerateContent?key=k`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ contents, tools: config.tools }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/json');
    const text = await response.text();
    const chunks = JSON.parse(text) as { candidates: { content: { parts: { text?: string }[] } }[] }[];
    expect(chunks.flatMap((c) => c.candidates[0]?.content.parts.map((p) => p.text ?? '') ?? []).join('')).toBe(
      `The log says: ${FACT}`,
    );
    expect(text).not.toContain('headroom_retrieve');
    const sent = upstream.received.slice(before);
    // The key stays where the client put it; only `alt=sse` is added.
    expect(sent.map((r) => r.path)).toEqual([
      '/v1beta/models/gemini-2.5-flash:streamGenerateContent?key=k&alt=sse',
      '/v1beta/models/gemini-2.5-flash:streamGenerateContent?key=k&alt=sse',
    ]);
    expect(sent[0]?.body.length).toBeLessThan(deployLog.length / 3);
    expect(sent[0]?.body).toContain('headroom_retrieve');
  });

  it('relays the JSON-array stream as it comes where no retrieve tool is offered (no tools, nothing compressed)', async () => {
    const before = upstream.received.length;
    const small = [{ role: 'user', parts: [{ text: 'Say hello.' }] }];
    const response = await fetch(`${proxy.url}/v1beta/models/gemini-2.5-flash:streamGenerateContent`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-goog-api-key': 'k' },
      body: JSON.stringify({ contents: small }),
    });
    expect(response.status).toBe(200);
    expect(JSON.parse(await response.text())).toBeInstanceOf(Array);
    expect(upstream.received[before]?.path).toBe('/v1beta/models/gemini-2.5-flash:streamGenerateContent');
  });

  it('counts what every round billed in /stats, from Gemini’s usageMetadata, streamed or not', async () => {
    const before = (await (await fetch(`${proxy.url}/stats`)).json()) as { inputTokens: number };
    await client().models.generateContent({ model: 'gemini-2.5-flash', contents, config });
    const stream = await client().models.generateContentStream({ model: 'gemini-2.5-flash', contents, config });
    for await (const _ of stream) {
      // read to the end
    }
    const after = (await (await fetch(`${proxy.url}/stats`)).json()) as { inputTokens: number };
    // Two calls of two rounds each; the fake model reports a 10-token prompt per round.
    expect(after.inputTokens - before.inputTokens).toBe(40);
  });

  it('passes countTokens through, and counts the request under its model', async () => {
    const counted = await client().models.countTokens({ model: 'gemini-2.5-flash', contents: 'hello' });
    expect(counted.totalTokens).toBe(4242);
    const stats = (await (await fetch(`${proxy.url}/stats`)).json()) as { byModel: Record<string, unknown> };
    expect(Object.keys(stats.byModel)).toContain('gemini-2.5-flash');
  });

  it('forwards a key given as `?key=` untouched and keeps it out of /stats', async () => {
    const before = upstream.received.length;
    const response = await fetch(`${proxy.url}/v1beta/models/gemini-2.5-flash:generateContent?key=secret-key-123`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] }),
    });
    expect(response.status).toBe(200);
    expect(upstream.received[before]?.path).toBe('/v1beta/models/gemini-2.5-flash:generateContent?key=secret-key-123');
    expect(await (await fetch(`${proxy.url}/stats`)).text()).not.toContain('secret-key-123');
  });

  it('relays the upstream’s error as it is, and answers its own in Gemini’s shape', async () => {
    const busy = client().models.generateContent({ model: 'gemini-2.5-flash', contents: 'overloaded please' });
    await expect(busy).rejects.toMatchObject({ status: 503 });
    const down = await serveProxy({ port: 0, upstreamGemini: 'http://127.0.0.1:9' });
    try {
      const unreachable = new GoogleGenAI({ apiKey: 'k', httpOptions: { baseUrl: down.url } });
      const error = await unreachable.models
        .generateContent({ model: 'gemini-2.5-flash', contents: 'hi' })
        .catch((e) => e);
      expect(error).toBeInstanceOf(ApiError);
      expect((error as ApiError).status).toBe(502);
      expect((error as ApiError).message).toContain('could not be reached');
    } finally {
      await down.close();
    }
  });
});
