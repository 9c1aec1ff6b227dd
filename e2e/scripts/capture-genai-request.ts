/**
 * Writes `packages/core/test/fixtures/gemini-genai.json`: the request `@google/genai` (the SDK
 * Gemini CLI is built on) sends for a turn with a system instruction, function declarations, a
 * function call and its response — captured from the SDK on loopback, so the fixture has the
 * SDK's own field names and encoding. Run: pnpm --filter @headroom/e2e exec tsx scripts/capture-genai-request.ts
 */
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { GoogleGenAI } from '@google/genai';

const OUT = join(import.meta.dirname, '..', '..', 'packages', 'core', 'test', 'fixtures', 'gemini-genai.json');
const log = Array.from(
  { length: 300 },
  (_, i) =>
    `2024-05-01T10:${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}Z INFO pod web-${i} ready`,
)
  .concat('2024-05-01T11:00:00Z WARN rollout paused: quota exceeded in region eu-west-3')
  .join('\n');

let captured: { path: string; headers: Record<string, unknown>; body: unknown } | undefined;
const server = createServer((req, res) => {
  let body = '';
  req.on('data', (c) => {
    body += c;
  });
  req.on('end', () => {
    const { 'x-goog-api-key': _key, ...headers } = req.headers;
    captured = { path: req.url ?? '', headers, body: JSON.parse(body) };
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({ candidates: [{ content: { role: 'model', parts: [{ text: 'ok' }] }, finishReason: 'STOP' }] }),
    );
  });
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const ai = new GoogleGenAI({ apiKey: 'fake-key', httpOptions: { baseUrl } });
await ai.models.generateContent({
  model: 'gemini-2.5-flash',
  contents: [
    { role: 'user', parts: [{ text: 'Why did the rollout stop?' }] },
    {
      role: 'model',
      parts: [
        {
          functionCall: { id: 'call-1', name: 'run_shell_command', args: { command: 'kubectl logs deploy/web' } },
          thoughtSignature: 'c2lnbmF0dXJl',
        },
      ],
    },
    {
      role: 'user',
      parts: [{ functionResponse: { id: 'call-1', name: 'run_shell_command', response: { output: log } } }],
    },
  ],
  config: {
    systemInstruction: 'You are a deployment assistant. Answer from the tool output.',
    tools: [
      {
        functionDeclarations: [
          {
            name: 'run_shell_command',
            description: 'Runs a shell command and returns its output.',
            parametersJsonSchema: {
              type: 'object',
              properties: { command: { type: 'string', description: 'The command to run.' } },
              required: ['command'],
            },
          },
        ],
      },
    ],
  },
});
server.close();
writeFileSync(OUT, `${JSON.stringify({ sdk: '@google/genai 3.3.0', ...captured }, null, 1)}\n`);
console.log(`wrote ${OUT} (${captured?.path})`);
