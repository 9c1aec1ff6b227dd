import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AgentSpec, CLAUDE, GEMINI, OPENCODE, PI } from '../src/agents.js';
import { isMain, isRetrieveRound } from '../src/analysis.js';
import { baseEnv, removeScratchHomes, run, scratchHome, startHeadroomProxy } from '../src/processes.js';
import { startRelay } from '../src/relay.js';
import { ANSWER_PREFIX, PLAN_TAG, RETRIEVE_TOOL } from '../src/script.js';
import { type ScriptedModel, startScriptedModel } from '../src/scripted-model.js';

/** The agents whose own file-reading tool shows the model an image; E2E_AGENTS=claude,gemini runs some. */
const AGENTS = [CLAUDE, OPENCODE, PI, GEMINI].filter(
  (a) => a.readImage && (!process.env.E2E_AGENTS || process.env.E2E_AGENTS.split(',').includes(a.name)),
);
/** The proxy's default per-image budget, in Anthropic's and Gemini's tokens alike. */
const BUDGET = 1_600;

let model: ScriptedModel;
beforeAll(async () => {
  model = await startScriptedModel();
});
afterAll(async () => {
  await model.close();
  removeScratchHomes();
});

/** A 2× terminal screenshot: 2,400 × 1,500 pixels of monospaced lines, drawn here so nothing is borrowed. */
async function terminalShot(): Promise<Buffer> {
  const lines = Array.from(
    { length: 44 },
    (_, i) =>
      `<text x="24" y="${40 + i * 33}">$ worker-${String(i).padStart(2, '0')} handled job ${4100 + i * 7} in ${(i * 37) % 900} ms status=${i === 17 ? 'FAILED deadline exceeded' : 'ok'}</text>`,
  );
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="2400" height="1500"><rect width="100%" height="100%" fill="#1e1e1e"/><g font-family="monospace" font-size="26" fill="#d4d4d4">${lines.join('')}</g></svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/**
 * The base64 of every inline image in a request body, in order, in any wire format: Anthropic
 * image blocks, Gemini `inlineData`, data URLs (read here, not with Headroom's own readers).
 */
function imagesIn(body: string): string[] {
  const found: string[] = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const item of value) walk(item);
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    const v = value as { type?: unknown; source?: { data?: unknown }; inlineData?: { data?: unknown } };
    if (v.type === 'image' && typeof v.source?.data === 'string') found.push(v.source.data);
    else if (typeof v.inlineData?.data === 'string') found.push(v.inlineData.data);
    else for (const item of Object.values(value)) walk(item);
  };
  walk(JSON.parse(body));
  return found;
}
const sizeOf = async (data: string) => {
  const { width, height } = await sharp(Buffer.from(data, 'base64')).metadata();
  return { width: width as number, height: height as number };
};
const tokensOf = (size: { width: number; height: number }, agent: AgentSpec) =>
  agent.format === 'gemini'
    ? 258 * Math.ceil(size.width / 768) * Math.ceil(size.height / 768)
    : Math.ceil((size.width * size.height) / 750);

describe.each(AGENTS)('$name $version: a screenshot read with its own file tool', (agent) => {
  it('reaches the model sized for it: within the budget beside a note with its key and zoomed inside the stream, or as it came where size costs nothing (Gemini 3)', async () => {
    const home = scratchHome(`${agent.name}-image`);
    agent.prepareHome?.(home);
    const env = baseEnv(home);
    const shot = join(home, 'work', 'screen.png');
    writeFileSync(shot, await terminalShot());
    const proxy = await startHeadroomProxy({
      ...env,
      HEADROOM_UPSTREAM_ANTHROPIC: model.url,
      HEADROOM_UPSTREAM_GEMINI: model.url,
    });
    const relay = await startRelay(proxy.url);
    model.plan = [() => agent.readImage?.(shot) as { name: string; input: Record<string, unknown> }];
    const from = model.received.length;
    try {
      const result = await run(
        agent.command,
        [
          ...(agent.routeArgs?.(relay.url) ?? []),
          ...agent.args(`${PLAN_TAG} Look at screen.png and say which job failed.`),
        ],
        { env: { ...env, ...agent.env, ...agent.routeEnv(relay.url) }, cwd: join(home, 'work') },
      );
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain(ANSWER_PREFIX);

      // What the agent sent: the screenshot, as its own tool read it (each agent may scale or re-encode it).
      const last = relay.sent.filter((r) => isMain(agent.format, r.body)).at(-1);
      const sent = last?.body as string;
      const sentImage = imagesIn(sent).at(-1) as string;
      expect(sentImage).toBeDefined();
      const original = await sizeOf(sentImage);
      const reached = model.received.slice(from).filter((r) => r.main);

      if (/\/models\/gemini-([3-9]|\d\d)/.test(last?.path ?? '')) {
        // Gemini 3 spends the same tokens on an image whatever its size (1,120 at its default media
        // resolution): fewer pixels would save nothing, so the image reaches the model as it came.
        expect(imagesIn(reached.at(-1)?.body as string).at(-1)).toBe(sentImage);
        for (const r of reached) expect(r.body).not.toContain('of its original');
        return;
      }
      expect(result.stdout).toContain('retrieved');

      // What reached the model: the image smaller, within the budget, a note beside it naming its key.
      const turn = reached.find((r) => !isRetrieveRound(agent.format, r.body) && r.body.includes('of its original'));
      expect(turn, 'no request reached the model with an image note').toBeDefined();
      const body = (turn as { body: string }).body;
      expect(body).toContain(`of its original ${original.width}×${original.height}`);
      expect(body).toMatch(/headroom:[0-9a-f]{24}/);
      const shown = await sizeOf(imagesIn(body).at(-1) as string);
      expect(shown.width).toBeLessThan(original.width);
      expect(tokensOf(shown, agent)).toBeLessThanOrEqual(BUDGET);

      // The model asked for the top-left quarter; the proxy answered with it at full resolution, then the agent's answer came.
      const round = reached.find((r) => isRetrieveRound(agent.format, r.body)) as { body: string };
      const quarter = { width: Math.floor(original.width / 2), height: Math.floor(original.height / 2) };
      const zoom = imagesIn(round.body).at(-1) as string;
      expect(await sizeOf(zoom)).toEqual(quarter);
      // The very pixels of the agent's image there (a JPEG re-encoded for the crop differs only in its noise).
      const rgb = (image: ReturnType<typeof sharp>) => image.removeAlpha().raw().toBuffer();
      const cut = await rgb(sharp(Buffer.from(zoom, 'base64')));
      const truth = await rgb(sharp(Buffer.from(sentImage, 'base64')).extract({ left: 0, top: 0, ...quarter }));
      let difference = 0;
      for (let i = 0; i < truth.length; i++) difference += Math.abs((cut[i] as number) - (truth[i] as number));
      expect(cut.length).toBe(truth.length);
      expect(difference / truth.length).toBeLessThan(2);
      for (const r of relay.sent) expect(r.body).not.toContain(`"name":"${RETRIEVE_TOOL}"`);
    } finally {
      await relay.close();
      await proxy.stop();
    }
  });
});
