/**
 * Turns the requests the agents sent in the last e2e run (`.test-results/e2e-<agent>-exchange.json`)
 * into parser regression fixtures for `@headroom/core`: every field, role, block and item type and
 * header as the agent sent them, with every text longer than a short identifier replaced by
 * placeholder text of the same length and line structure (the agents' prompts, tool descriptions
 * and the machine's outputs are not ours to publish); headers are kept but for keys. Run: pnpm --filter @headroom/e2e capture [agent…]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMain } from '../src/analysis.js';

const RESULTS = join(import.meta.dirname, '..', '.test-results');
const OUT = join(import.meta.dirname, '..', '..', 'packages', 'core', 'test', 'fixtures', 'agents');
const VERSIONS: Record<string, string> = {
  claude: '2.1.332',
  codex: '0.171.0',
  opencode: '1.18.33',
  pi: '0.73.1',
  gemini: '0.61.0',
};
const FORMATS: Record<string, 'anthropic' | 'responses' | 'gemini'> = {
  claude: 'anthropic',
  codex: 'responses',
  opencode: 'anthropic',
  pi: 'anthropic',
  gemini: 'gemini',
};
const KEEP = 24;
const WORDS = 'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore'.split(
  ' ',
);

/** Placeholder text as long as `text`, line for line. */
function placeholder(text: string): string {
  let w = 0;
  return text
    .split('\n')
    .map((line) => {
      let out = '';
      while (out.length < line.length) out += `${WORDS[w++ % WORDS.length]} `;
      return out.slice(0, line.length);
    })
    .join('\n');
}

function scrub(value: unknown): unknown {
  if (typeof value === 'string') {
    if (value.length <= KEEP) return value;
    // A JSON document inside a string (Codex's turn metadata, tool arguments) keeps its shape.
    try {
      const inner = JSON.parse(value) as unknown;
      if (typeof inner === 'object' && inner !== null) return JSON.stringify(scrub(inner));
    } catch {
      // Not JSON: text.
    }
    return placeholder(value);
  }
  if (Array.isArray(value)) return value.map(scrub);
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrub(v)]));
  return value;
}

const SECRET = /^(x-api-key|authorization|x-goog-api-key)$/i;
// `capture gemini` takes one agent's last run; no names, every agent's.
const wanted = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(VERSIONS);
for (const agent of wanted) {
  const exchange = JSON.parse(readFileSync(join(RESULTS, `e2e-${agent}-exchange.json`), 'utf8')) as {
    sent: {
      method: string;
      path: string;
      headers: Record<string, string>;
      body: string;
      transport: 'http' | 'websocket';
    }[];
  };
  const format = FORMATS[agent] as 'anthropic' | 'responses' | 'gemini';
  const turns = exchange.sent.filter((r) => isMain(format, r.body, r.transport));
  // The first turn and the last (which carries tool results), as the agent sent them.
  const picked = [turns[0], turns.at(-1)].filter((t, i, all) => t && all.indexOf(t) === i);
  const requests = picked.map((r) => ({
    transport: r?.transport,
    method: r?.method,
    path: r?.path,
    headers: Object.fromEntries(Object.entries(r?.headers ?? {}).map(([k, v]) => [k, SECRET.test(k) ? 'fake-key' : v])),
    body: scrub(JSON.parse(r?.body ?? '{}')),
  }));
  const fixture = { agent, version: VERSIONS[agent], format, requests };
  writeFileSync(join(OUT, `${agent}.json`), `${JSON.stringify(fixture, null, 1)}\n`);
  console.log(`${agent}: ${requests.length} requests`);
}
