import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLAUDE } from '../src/agents.js';
import { isMain, isRetrieveRound } from '../src/analysis.js';
import { baseEnv, removeScratchHomes, run, scratchHome, startHeadroomProxy } from '../src/processes.js';
import { startRelay } from '../src/relay.js';
import { ANSWER_PREFIX, PLAN_TAG } from '../src/script.js';
import { type ScriptedModel, startScriptedModel } from '../src/scripted-model.js';

type Json = Record<string, unknown>;
interface Block {
  type: string;
  text?: string;
  source?: { data: string };
  content?: Block[] | string;
}

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

/** Every tool result's content blocks in an Anthropic request body, in order (read here, not with Headroom's readers). */
function toolResultBlocks(body: string): Block[][] {
  const messages = (JSON.parse(body) as Json).messages as { content: Block[] | string }[];
  return messages.flatMap((m) =>
    Array.isArray(m.content)
      ? m.content.filter((b) => b.type === 'tool_result').map((b) => (Array.isArray(b.content) ? b.content : []))
      : [],
  );
}
const sizeOf = async (data: string) => {
  const { width, height } = await sharp(Buffer.from(data, 'base64')).metadata();
  return { width: width as number, height: height as number };
};

describe(`claude ${CLAUDE.version}: a screenshot read with its own Read tool`, () => {
  it('reaches the model within the image budget beside a note with its key; the zoom comes back as an image inside the stream', async () => {
    const home = scratchHome('claude-image');
    const env = baseEnv(home);
    const shot = join(home, 'work', 'screen.png');
    writeFileSync(shot, await terminalShot());
    const proxy = await startHeadroomProxy({ ...env, HEADROOM_UPSTREAM_ANTHROPIC: model.url });
    const relay = await startRelay(proxy.url);
    model.plan = [() => ({ name: 'Read', input: { file_path: shot } })];
    const from = model.received.length;
    try {
      const result = await run(
        CLAUDE.command,
        CLAUDE.args(`${PLAN_TAG} Look at screen.png and say which job failed.`),
        {
          env: { ...env, ...CLAUDE.env, ...CLAUDE.routeEnv(relay.url) },
          cwd: join(home, 'work'),
        },
      );
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain(ANSWER_PREFIX);
      expect(result.stdout).toContain('retrieved');

      // What Claude Code sent: the screenshot as an image block in the Read tool's result.
      const sent = relay.sent.filter((r) => isMain('anthropic', r.body)).at(-1)?.body as string;
      const sentImage = toolResultBlocks(sent)
        .flat()
        .find((b) => b.type === 'image');
      expect(sentImage?.source?.data).toBeDefined();
      const original = await sizeOf(sentImage?.source?.data as string);

      // What reached the model: the same result, the image smaller, a note beside it naming its key.
      const reached = model.received.slice(from).filter((r) => r.main);
      const turn = reached.find((r) => !isRetrieveRound('anthropic', r.body) && r.body.includes('of its original')) as {
        body: string;
      };
      const blocks = toolResultBlocks(turn.body).find((b) => b.some((x) => x.type === 'image')) as Block[];
      const image = blocks.find((b) => b.type === 'image') as Block;
      const note = blocks.find((b) => b.type === 'text' && b.text?.includes('headroom:'))?.text ?? '';
      expect(note).toContain(`of its original ${original.width}×${original.height}`);
      const shown = await sizeOf(image.source?.data as string);
      expect(shown.width * shown.height).toBeLessThan(original.width * original.height);
      expect(Math.ceil((shown.width * shown.height) / 750)).toBeLessThanOrEqual(1_600);

      // The model asked for the top-left quarter; the proxy answered with it at full resolution, then the agent's answer came.
      const round = reached.find((r) => isRetrieveRound('anthropic', r.body)) as { body: string };
      const zoom = toolResultBlocks(round.body)
        .at(-1)
        ?.find((b) => b.type === 'image');
      expect(await sizeOf(zoom?.source?.data as string)).toEqual({
        width: Math.floor(original.width / 2),
        height: Math.floor(original.height / 2),
      });
      for (const r of relay.sent) expect(r.body).not.toContain('"name":"headroom_retrieve"');
    } finally {
      await relay.close();
      await proxy.stop();
    }
  });
});
