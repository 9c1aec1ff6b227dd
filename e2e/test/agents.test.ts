import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_VERBOSITY_LEVEL, verbosityInstruction } from '@headroom/core';
import type { Breakdown, ProxyStats } from '@headroom/proxy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AgentSpec, CLAUDE, CODEX, GEMINI, OPENCODE, PI, PROMPT } from '../src/agents.js';
import {
  allToolResults,
  countTokens,
  endToEndHeaders,
  isRetrieveRound,
  median,
  outsideToolResults,
  pairTurns,
  toolResults,
} from '../src/analysis.js';
import { baseEnv, HEADROOM_BIN, removeScratchHomes, run, scratchHome, startHeadroomProxy } from '../src/processes.js';
import { startRelay } from '../src/relay.js';
import { ANSWER_PREFIX, RETRIEVE_TOOL } from '../src/script.js';
import { type ScriptedModel, startScriptedModel } from '../src/scripted-model.js';

const ALL = [CLAUDE, CODEX, OPENCODE, PI, GEMINI];
/** E2E_AGENTS=claude,codex runs some of them. */
const AGENTS: readonly AgentSpec[] = process.env.E2E_AGENTS
  ? ALL.filter((a) => process.env.E2E_AGENTS?.split(',').includes(a.name))
  : ALL;
const RESULTS = join(import.meta.dirname, '..', '.test-results');

let model: ScriptedModel;
beforeAll(async () => {
  model = await startScriptedModel();
});
afterAll(async () => {
  await model.close();
  removeScratchHomes();
});

describe.each(AGENTS)('$name $version', (agent) => {
  const figures: Record<string, unknown> = { agent: agent.name, version: agent.version, defaultConfiguration: true };
  afterAll(() => {
    mkdirSync(RESULTS, { recursive: true });
    writeFileSync(join(RESULTS, `e2e-${agent.name}.json`), `${JSON.stringify(figures, null, 2)}\n`);
  });

  it('through `headroom proxy`: compresses, answers retrieve in the stream, keeps everything else and the history exact', async () => {
    const home = scratchHome(agent.name);
    agent.prepareHome?.(home);
    const env = baseEnv(home);
    const upstreams = {
      HEADROOM_UPSTREAM_ANTHROPIC: model.url,
      HEADROOM_UPSTREAM_OPENAI: model.url,
      HEADROOM_UPSTREAM_GEMINI: model.url,
    };
    let proxy = await startHeadroomProxy({ ...env, ...upstreams });
    const relay = await startRelay(proxy.url);
    model.plan = agent.plan;
    const from = model.received.length;
    const runWith = (prompt: string, options?: { continue?: boolean }) =>
      run(agent.command, [...(agent.routeArgs?.(relay.url) ?? []), ...agent.args(prompt, options)], {
        env: { ...env, ...agent.env, ...agent.routeEnv(relay.url) },
        cwd: join(home, 'work'),
      });
    try {
      const first = await runWith(PROMPT);
      // What each side saw, for a look when something fails (and the source of the captured fixtures).
      mkdirSync(RESULTS, { recursive: true });
      writeFileSync(
        join(RESULTS, `e2e-${agent.name}-exchange.json`),
        JSON.stringify({ sent: relay.sent, reached: model.received.slice(from) }, null, 1),
      );
      expect(first.code, first.stderr).toBe(0);
      expect(first.stdout).toContain(ANSWER_PREFIX);
      expect(first.stdout).toContain('retrieved');
      const reached = model.received.slice(from);
      if (agent.webSocket) expect(reached.map((r) => r.transport)).toEqual(reached.map(() => 'websocket'));
      const turns = pairTurns(agent.format, relay.sent, reached);
      expect(turns.length).toBe(agent.plan.length + 1);

      // The large outputs reached the model smaller, and with keys to get them back.
      const sentResults = allToolResults(
        agent.format,
        turns.map((t) => t.sent.body),
      );
      const reachedResults = allToolResults(
        agent.format,
        turns.map((t) => t.reached.body),
      );
      expect(reachedResults.length).toBe(sentResults.length);
      const sentTokens = await countTokens(sentResults.map((r) => r.text).join('\n'));
      const reachedTokens = await countTokens(reachedResults.map((r) => r.text).join('\n'));
      expect(reachedTokens).toBeLessThan(sentTokens * 0.6);
      expect(reachedResults.some((r) => /headroom:[0-9a-f]{24}/.test(r.text))).toBe(true);

      // headroom_retrieve was offered, called and answered inside the stream; the agent never saw it.
      const rounds = reached.filter((r) => r.main && isRetrieveRound(agent.format, r.body));
      expect(rounds.length).toBe(1);
      const retrieved = toolResults(agent.format, (rounds[0] as { body: string }).body).at(-1);
      expect(retrieved?.name).toBe(RETRIEVE_TOOL);
      expect(retrieved?.text).toMatch(/^\[headroom retrieved [0-9a-f]{24}/);
      for (const r of relay.sent) expect(r.body).not.toContain(`"name":"${RETRIEVE_TOOL}"`);

      // Everything outside tool results reached the model as the agent sent it (the retrieve tool aside).
      for (const { sent, reached: at } of turns) {
        expect(outsideToolResults(agent.format, at.body)).toEqual(outsideToolResults(agent.format, sent.body));
        expect(endToEndHeaders(at.headers)).toEqual(endToEndHeaders(sent.headers));
      }
      // Every later turn repeats the history already sent, byte for byte but for the agent's own cache
      // marker (over a WebSocket, the history is not sent again at all).
      for (let i = 1; i < turns.length && turns[i]?.sent.transport === 'http'; i++) {
        const before = toolResults(agent.format, (turns[i - 1] as (typeof turns)[number]).reached.body);
        const after = toolResults(agent.format, (turns[i] as (typeof turns)[number]).reached.body);
        expect(after.slice(0, before.length)).toEqual(before);
      }

      // After a restart, the same history goes upstream in the same bytes.
      await proxy.stop();
      proxy = await startHeadroomProxy({ ...env, ...upstreams }, ['--port', new URL(proxy.url).port]);
      const since = model.received.length;
      const again = await runWith('What did you find?', { continue: true });
      expect(again.code, again.stderr).toBe(0);
      const resumed = model.received.slice(since).filter((r) => r.main);
      const resent = allToolResults(
        agent.format,
        resumed.map((r) => r.body),
      );
      const texts = (results: { text: string }[]) => results.map((r) => r.text);
      expect(texts(resent).slice(0, reachedResults.length)).toEqual(texts(reachedResults));
      expect(resent.some((r) => r.name === RETRIEVE_TOOL)).toBe(false);

      const tokens = async (bodies: string[]) =>
        (await Promise.all(bodies.map((b) => countTokens(b)))).reduce((a, b) => a + b, 0);
      const added = turns.map((t) => t.sent.firstByte - t.sent.sent - (t.reached.answered - t.reached.arrived));
      Object.assign(figures, {
        mainRequests: turns.length,
        // Whole request bodies (o200k tokens), the agent's side against the model's side.
        tokensSent: await tokens(turns.map((t) => t.sent.body)),
        tokensReachedModel: await tokens(turns.map((t) => t.reached.body)),
        retrieveRounds: rounds.length,
        retrieveRoundTokens: await tokens(rounds.map((r) => r.body)),
        addedMsFirst: Math.round(added[0] ?? 0),
        addedMsLaterP50: Math.round(median(added.slice(1))),
      });
    } finally {
      await relay.close();
      await proxy.stop();
    }
  });

  it('through `headroom proxy --output-shaper`: the instruction ends the system prompt of every turn, the agent’s own bytes before it untouched', async () => {
    const home = scratchHome(`${agent.name}-shaped`);
    agent.prepareHome?.(home);
    const env = {
      ...baseEnv(home),
      HEADROOM_UPSTREAM_ANTHROPIC: model.url,
      HEADROOM_UPSTREAM_OPENAI: model.url,
      HEADROOM_UPSTREAM_GEMINI: model.url,
    };
    const proxy = await startHeadroomProxy(env, ['--output-shaper']);
    const relay = await startRelay(proxy.url);
    model.plan = agent.plan;
    const from = model.received.length;
    try {
      const done = await run(agent.command, [...(agent.routeArgs?.(relay.url) ?? []), ...agent.args(PROMPT)], {
        env: { ...env, ...agent.env, ...agent.routeEnv(relay.url) },
        cwd: join(home, 'work'),
      });
      expect(done.code, done.stderr).toBe(0);
      expect(done.stdout).toContain(ANSWER_PREFIX);
      const turns = pairTurns(agent.format, relay.sent, model.received.slice(from));
      expect(turns.length).toBe(agent.plan.length + 1);
      const instruction = JSON.stringify(verbosityInstruction(DEFAULT_VERBOSITY_LEVEL)).slice(1, -1);
      // Where the instruction goes in each format: a system block or part of its own, the end of the
      // system text, or a system prompt of its own where the agent sends none (Codex's developer
      // messages are input items; its `instructions` field is Headroom's).
      const additions = [
        `,{"type":"text","text":"${instruction}"}`,
        `,{"text":"${instruction}"}`,
        `\\n\\n${instruction}`,
        `"instructions":"${instruction}",`,
        `"system":"${instruction}",`,
      ];
      let shaped = 0;
      for (const { sent, reached } of turns) {
        shaped++;
        expect(reached.body.split(instruction)).toHaveLength(2);
        const unshaped = additions.reduce((body, added) => body.replace(added, ''), reached.body);
        expect(outsideToolResults(agent.format, unshaped)).toEqual(outsideToolResults(agent.format, sent.body));
      }
      expect(shaped).toBeGreaterThan(0);
      const savings = await run(process.execPath, [HEADROOM_BIN, 'output-savings', '--json', '--url', proxy.url], {
        env,
        cwd: join(home, 'work'),
      });
      expect(savings.code, savings.stderr).toBe(0);
      const output = JSON.parse(savings.stdout) as { shapedTurns: number; outputTokens: number };
      expect(output.shapedTurns).toBeGreaterThanOrEqual(turns.length);
      expect(output.outputTokens).toBeGreaterThan(0);
    } finally {
      await relay.close();
      await proxy.stop();
    }
  });

  it('through `headroom wrap`: the agent runs in its default configuration and its requests are compressed', async () => {
    const home = scratchHome(`${agent.name}-wrap`);
    agent.prepareHome?.(home);
    const env = {
      ...baseEnv(home),
      ...agent.env,
      HEADROOM_UPSTREAM_ANTHROPIC: model.url,
      HEADROOM_UPSTREAM_OPENAI: model.url,
      HEADROOM_UPSTREAM_GEMINI: model.url,
      HEADROOM_PROXY_PORT: '0',
    };
    model.plan = agent.plan;
    const from = model.received.length;
    const wrapped = await run(process.execPath, [HEADROOM_BIN, 'wrap', agent.name, '--', ...agent.args(PROMPT)], {
      env,
      cwd: join(home, 'work'),
    });
    expect(wrapped.code, wrapped.stderr).toBe(0);
    expect(wrapped.stdout).toContain(ANSWER_PREFIX);
    expect(wrapped.stderr).toMatch(/headroom: \w+ → http:\/\/127\.0\.0\.1:\d+ · stats: /);
    // The wrapped session's own proxy added its figures to the counters `headroom proxy` uses;
    // `headroom stats` reads them with no proxy running.
    const kept = await run(process.execPath, [HEADROOM_BIN, 'stats', '--json'], { env, cwd: join(home, 'work') });
    expect(kept.code, kept.stderr).toBe(0);
    const stats = JSON.parse(kept.stdout) as ProxyStats & Breakdown;
    expect(Object.keys(stats.byAgent)).not.toContain('unknown');
    expect(stats.compressedRequests).toBeGreaterThan(0);
    expect(stats.retrieveRounds).toBe(1);
    if (agent.webSocket) expect(model.received.slice(from).every((r) => r.transport === 'websocket')).toBe(true);
    const reached = model.received.slice(from).filter((r) => r.main);
    expect(reached.some((r) => isRetrieveRound(agent.format, r.body))).toBe(true);
    const results = allToolResults(
      agent.format,
      reached.map((r) => r.body),
    );
    expect(results.filter((r) => /headroom:[0-9a-f]{24}/.test(r.text)).length).toBeGreaterThan(0);
  });
});
