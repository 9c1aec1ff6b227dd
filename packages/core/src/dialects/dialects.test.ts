import { readFileSync } from 'node:fs';
import * as replies from '../../test/stream-fixtures.js';
import { runDialectConformance } from '../testing/dialect-conformance.js';
import { DIALECTS } from './registry.js';

/** Captured requests of a format: the agents' own (Claude Code, opencode, pi, Codex, Gemini CLI) and the fixtures, compact and pretty-printed. */
function requestsOf(format: string) {
  const read = (name: string) =>
    JSON.parse(readFileSync(new URL(`../../test/fixtures/${name}`, import.meta.url), 'utf8'));
  const bodies: { name: string; body: unknown }[] = [];
  for (const agent of ['claude', 'opencode', 'pi', 'codex', 'gemini']) {
    const capture = read(`agents/${agent}.json`) as { format: string; requests: { body: unknown }[] };
    if (capture.format !== format) continue;
    for (const [i, r] of capture.requests.entries()) bodies.push({ name: `${agent}, request ${i + 1}`, body: r.body });
  }
  const fixture = { anthropic: 'anthropic-messages.json', openai: 'openai-chat.json', responses: 'responses.json' }[
    format
  ];
  if (fixture) bodies.push({ name: fixture, body: read(fixture) });
  return bodies.flatMap(({ name, body }) => [
    { name, text: JSON.stringify(body) },
    { name: `${name}, pretty-printed`, text: JSON.stringify(body, null, 2) },
  ]);
}

/** Request paths each format is sent to, as clients send them. */
const PATHS = {
  anthropic: ['/v1/messages'],
  openai: ['/v1/chat/completions', '/chat/completions'],
  responses: ['/v1/responses', '/responses'],
  gemini: ['/v1beta/models/gemini-2.5-flash:generateContent', '/v1/models/gemini-2.5-pro:streamGenerateContent'],
};

for (const dialect of Object.values(DIALECTS)) {
  const turns = {
    anthropic: replies.anthropic,
    openai: replies.openai,
    responses: replies.responses,
    gemini: replies.gemini,
  }[dialect.format];
  runDialectConformance({
    dialect,
    requests: requestsOf(dialect.format),
    ...turns,
    paths: PATHS[dialect.format],
    streamedText: replies.STREAMED,
    key: replies.KEY,
    roundPrompt: replies.ROUND_PROMPT,
  });
}
