import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { type ImageProvider, imageSize, imageTokens, providerMaxSize, sizeWithinBudget } from '@headroom/core';
import { createSharpCodec } from '@headroom/crushers/node';
import { serveProxy } from '@headroom/proxy/node';
import { type BrowserContext, chromium } from 'playwright-core';
import sharp from 'sharp';
import { datasetsDir, round } from './corpus.js';
import { chatBody, fakeUpstream } from './proxy-load.js';

/**
 * Legibility against tokens: real screenshots, made here by headless Chromium, sent at each
 * per-image token budget, and read back by OCR. A budget's legibility is the share of the words of
 * four or more characters that tesseract reads in the original screenshot and still reads in the
 * image as the provider would get it. The smaller image is scaled back to the original's size
 * before OCR: tesseract needs text about 20 px high, a model reads the pixels it is given, and
 * scaling up adds no information — it only lets the OCR see what the pixels still hold.
 */
const CHROMIUM = '/usr/bin/chromium';
const execFileAsync = promisify(execFile);
const BUDGETS = [300, 400, 600, 800, 1000, 1200, 1600] as const;
const PROVIDERS: readonly ImageProvider[] = ['anthropic', 'openai', 'google'];
/** A computer-use display (1280 × 800) and a pasted HiDPI screenshot (1440 × 900 at 2×: 2880 × 1800 pixels). */
const VIEWPORTS = [
  { width: 1280, height: 800, scale: 1 },
  { width: 1440, height: 900, scale: 2 },
] as const;

interface Page {
  readonly name: string;
  readonly url: string;
  readonly ready?: string;
}

export async function runImagesBenchmark(): Promise<object> {
  const missing = [CHROMIUM, '/usr/bin/tesseract'].filter((path) => !existsSync(path));
  if (missing.length) return { skipped: `needs ${missing.join(' and ')} (apt-get install chromium tesseract-ocr)` };
  const scratch = mkdtempSync(join(tmpdir(), 'headroom-images-'));
  const upstream = await fakeUpstream();
  const proxy = await serveProxy({ port: 0, upstreamOpenAI: upstream.url, upstreamAnthropic: upstream.url });
  try {
    // Traffic first, so the dashboard shows figures rather than empty panels.
    for (let run = 0; run < 12; run++) {
      await fetch(`${proxy.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer test' },
        body: chatBody(120 + run * 40, run),
      });
    }
    const shots = [];
    for (const viewport of VIEWPORTS) {
      // A persistent profile: Chromium's own settings pages open only in one.
      const context = await chromium.launchPersistentContext(join(scratch, `profile-${viewport.scale}`), {
        executablePath: CHROMIUM,
        args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
        viewport: { width: viewport.width, height: viewport.height },
        deviceScaleFactor: viewport.scale,
      });
      try {
        for (const page of pagesToShoot(proxy.url, scratch)) {
          const png = await screenshot(context, page);
          if (png) shots.push(await measureShot(page.name, png, scratch));
        }
      } finally {
        await context.close();
      }
    }
    return { budgets: BUDGETS, providers: PROVIDERS, shots, summary: summarizeShots(shots) };
  } finally {
    await proxy.close();
    await upstream.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The dashboard, HTML documentation Debian installs, a long table, a code view and a form. */
function pagesToShoot(proxyUrl: string, scratch: string): Page[] {
  const pages: Page[] = [{ name: 'proxy dashboard', url: `${proxyUrl}/dashboard`, ready: 'body[data-ready=true]' }];
  for (const [name, path] of [
    ['Debian docs: Python policy', '/usr/share/doc/python3/python-policy.html'],
    ['Debian docs: libffi closure API', '/usr/share/doc/libffi8/html/The-Closure-API.html'],
  ] as const) {
    if (existsSync(path)) pages.push({ name, url: `file://${path}` });
  }
  const csv = join(datasetsDir(), 'loghub', 'Android', 'Android_2k.log_structured.csv');
  if (existsSync(csv)) {
    const table = join(scratch, 'table.html');
    writeFileSync(table, tableHtml(readFileSync(csv, 'utf8')));
    pages.push({ name: 'long table: LogHub Android log', url: `file://${table}` });
  }
  pages.push({ name: 'code view', url: `view-source:file://${resolve(import.meta.dirname, 'images.ts')}` });
  pages.push({ name: 'form: Chromium settings', url: 'chrome://settings/appearance' });
  return pages;
}

/** A log as a plain striped HTML table, the way a log viewer shows it. */
function tableHtml(csv: string): string {
  const rows = csv.trim().split('\n').slice(0, 200).map(csvCells);
  const html = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const [head, ...body] = rows;
  return `<!doctype html><meta charset=utf-8><style>body{font:13px system-ui,sans-serif;margin:8px}table{border-collapse:collapse}td,th{padding:2px 8px;border-bottom:1px solid #ddd;text-align:left;white-space:nowrap}tr:nth-child(even){background:#f6f8fa}</style><table><tr>${(head ?? []).map((h) => `<th>${html(h)}</th>`).join('')}</tr>${body.map((r) => `<tr>${r.map((c) => `<td>${html(c)}</td>`).join('')}</tr>`).join('')}</table>`;
}

function csvCells(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted && c === '"' && line[i + 1] === '"') {
      cell += '"';
      i++;
    } else if (c === '"') quoted = !quoted;
    else if (c === ',' && !quoted) {
      cells.push(cell);
      cell = '';
    } else cell += c;
  }
  cells.push(cell);
  return cells;
}

async function screenshot(context: BrowserContext, page: Page): Promise<Uint8Array | undefined> {
  const tab = await context.newPage();
  try {
    await tab.goto(page.url, { timeout: 15_000 });
    if (page.ready) await tab.waitForSelector(page.ready, { timeout: 15_000 });
    await tab.waitForTimeout(500);
    return new Uint8Array(await tab.screenshot({ type: 'png' }));
  } catch (error) {
    console.error(`${page.name}: not shot (${(error as Error).message.split('\n')[0]})`);
    return undefined;
  } finally {
    await tab.close();
  }
}

interface BudgetRow {
  readonly budget: number | 'none';
  readonly width: number;
  readonly height: number;
  readonly tokens: number;
  readonly bytes: number;
  readonly legibility: number;
}

async function measureShot(page: string, png: Uint8Array, scratch: string) {
  const size = imageSize(png);
  if (!size) throw new Error(`${page}: Chromium's screenshot does not read as an image`);
  const codec = createSharpCodec();
  const plan = PROVIDERS.map((provider) => {
    const full = providerMaxSize(size, provider);
    return {
      provider,
      targets: [...BUDGETS, 'none' as const].map((budget) => ({
        budget,
        ...(budget === 'none' ? full : sizeWithinBudget(full, provider, budget)),
      })),
    };
  });
  // One image and one OCR per distinct size: budgets above an image's cost give the same image.
  const sized = new Map<string, { bytes: Uint8Array; resizeMs: number }>();
  for (const { width, height } of plan.flatMap((p) => p.targets)) {
    const id = `${width}x${height}`;
    if (sized.has(id)) continue;
    const started = performance.now();
    const bytes = width === size.width && height === size.height ? png : await codec.resize(png, { width, height });
    if (!bytes) throw new Error(`${page}: could not resize to ${id}`);
    sized.set(id, { bytes, resizeMs: performance.now() - started });
  }
  const ids = [...sized.keys()];
  const readings = await inPool(2, [
    () => ocr(png, scratch),
    ...ids.map((id) => async () => {
      const back = await sharp((sized.get(id) as { bytes: Uint8Array }).bytes)
        .resize(size.width, size.height, { kernel: 'lanczos3' })
        .png()
        .toBuffer();
      return ocr(back, scratch);
    }),
  ]);
  const originalWords = words(readings[0] as string);
  const legible = new Map(ids.map((id, i) => [id, shareRead(originalWords, words(readings[i + 1] as string))]));
  const providers: Record<string, { tokensBefore: number; rows: BudgetRow[] }> = {};
  for (const { provider, targets } of plan) {
    const rows = targets.map(({ budget, width, height }) => {
      const id = `${width}x${height}`;
      return {
        budget,
        width,
        height,
        tokens: imageTokens({ width, height }, provider),
        bytes: sized.get(id)?.bytes.length ?? 0,
        legibility: round(legible.get(id) ?? 0),
      };
    });
    providers[provider] = { tokensBefore: imageTokens(size, provider), rows };
  }
  const anthropicSize = plan[0]?.targets.at(-1) as { width: number; height: number };
  const resizeMs = round(sized.get(`${anthropicSize.width}x${anthropicSize.height}`)?.resizeMs ?? 0, 1);
  console.error(`${page} ${size.width}×${size.height}: ${originalWords.length} words, ${ids.length} sizes read`);
  return {
    page,
    width: size.width,
    height: size.height,
    bytes: png.length,
    words: originalWords.length,
    resizeMs,
    providers,
  };
}

/** Runs the tasks, at most `width` at a time, and gives their results in order. */
async function inPool<T>(width: number, tasks: (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await (tasks[i] as () => Promise<T>)();
    }
  };
  await Promise.all(Array.from({ length: width }, worker));
  return results;
}

/** Tesseract on one PNG, single-threaded (two run side by side, which is faster than its own threads). */
async function ocr(png: Uint8Array, scratch: string): Promise<string> {
  const file = join(scratch, `ocr-${++ocrRuns}.png`);
  writeFileSync(file, png);
  try {
    const { stdout } = await execFileAsync('tesseract', [file, 'stdout', '-l', 'eng', '--psm', '3'], {
      encoding: 'utf8',
      env: { ...process.env, OMP_THREAD_LIMIT: '1' },
      maxBuffer: 64 << 20,
    });
    return stdout;
  } finally {
    rmSync(file, { force: true });
  }
}
let ocrRuns = 0;

/** Words of four or more characters, punctuation around them dropped, case kept. */
function words(text: string): string[] {
  return text
    .split(/\s+/)
    .map((w) => w.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, ''))
    .filter((w) => w.length >= 4);
}

/** The share of the original's words (counted with repeats) that the other reading also has. */
function shareRead(original: string[], other: string[]): number {
  if (!original.length) return 1;
  const left = new Map<string, number>();
  for (const w of other) left.set(w, (left.get(w) ?? 0) + 1);
  let kept = 0;
  for (const w of original) {
    const n = left.get(w) ?? 0;
    if (n > 0) {
      kept++;
      left.set(w, n - 1);
    }
  }
  return kept / original.length;
}

type Shot = Awaited<ReturnType<typeof measureShot>>;

/** Per provider and budget: mean tokens and legibility over the shots, and the worst shot's legibility. */
function summarizeShots(shots: Shot[]) {
  return PROVIDERS.map((provider) => ({
    provider,
    tokensBefore: round(mean(shots.map((s) => s.providers[provider]?.tokensBefore ?? 0)), 0),
    rows: [...BUDGETS, 'none' as const].map((budget) => {
      const rows = shots.map((s) => s.providers[provider]?.rows.find((r) => r.budget === budget) as BudgetRow);
      return {
        budget,
        tokens: round(mean(rows.map((r) => r.tokens)), 0),
        legibility: round(mean(rows.map((r) => r.legibility))),
        worst: round(Math.min(...rows.map((r) => r.legibility))),
        bytes: round(mean(rows.map((r) => r.bytes)), 0),
      };
    }),
  }));
}

function mean(xs: number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0;
}
