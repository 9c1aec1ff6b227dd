import type { CcrStore } from '@headroom/ccr';
import {
  type CompressionFigures,
  type CompressionPolicy,
  carriesInstruction,
  compress,
  compressText,
  contextWindowOf,
  DEFAULT_POLICY,
  DIALECTS,
  detectFormat,
  FirstSightCache,
  FORMAT_NAMES,
  fitRequest,
  getTokenizer,
  InvalidRequestError,
  type OutputArm,
  promptBudget,
  requestImages,
  type Store,
  shapeOutput,
  spliceJsonText,
  verbosityInstruction,
  type WireFormat,
  withArticle,
} from '@headroom/core';
import { parseCommandArgs } from '../internal/args.js';
import { CliError, inputError, usageError } from '../internal/cli-error.js';
import { type CliConfig, loadConfig } from '../internal/config.js';
import { COMPRESS_HELP } from '../internal/help.js';
import { decodeText, readInput } from '../internal/input.js';
import { type CliIo, write } from '../internal/io.js';
import { outputShaperSettings } from '../internal/output-shaper.js';
import { contextWindowsOf } from '../internal/proxy-setup.js';
import type { Storage } from '../internal/storage.js';

const FORMATS = ['auto', 'text', 'openai', 'anthropic', 'responses', 'gemini'] as const;
type FormatFlag = (typeof FORMATS)[number];

const requestOf = (format: WireFormat) => `${withArticle(FORMAT_NAMES[format])} request`;

/** What `compress` produced, before it is printed. */
interface Outcome {
  /** Exact bytes for plain output. */
  readonly plain: string | Uint8Array;
  /** The `output` member of `--json`: a JSON string literal, or the request's JSON text. */
  readonly jsonOutput: string;
  readonly figures: Pick<CompressionFigures, 'tokensBefore' | 'tokensAfter' | 'ms' | 'transforms' | 'ccrKeys'>;
  readonly estimate: boolean;
  readonly encoding: string;
  /** The request's inline images: where, their size, and their cost in tokens at its provider. */
  readonly images?: readonly Record<string, unknown>[];
}

export async function runCompress(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('compress', args, {
    query: { type: 'string' },
    model: { type: 'string' },
    format: { type: 'string', default: 'auto' },
    json: { type: 'boolean', default: false },
    stats: { type: 'boolean', default: false },
    'no-store': { type: 'boolean', default: false },
    store: { type: 'string' },
    'output-shaper': { type: 'boolean', default: false },
    verbosity: { type: 'string' },
    'effort-routing': { type: 'boolean', default: false },
    'context-window': { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
    debug: { type: 'boolean', default: false },
  });
  if (values.help) {
    await write(io.stdout, COMPRESS_HELP);
    return 0;
  }
  if (positionals.length > 1)
    throw usageError(`compress takes one FILE (got ${positionals.length}). Run 'headroom compress --help'`);
  const format = values.format as FormatFlag;
  // Output shaping of one request: always shaped (there is no session to hold out).
  const shaper = outputShaperSettings(io, {
    'output-shaper': values['output-shaper'],
    verbosity: values.verbosity,
    'effort-routing': values['effort-routing'],
  });
  const shaping: OutputArm | undefined = shaper
    ? { arm: 'shaped', level: shaper.level, effortRouting: shaper.effortRouting === true }
    : undefined;
  if (shaping && format === 'text') throw usageError('--output-shaper applies to a request, not to --format text');
  const contextWindows = contextWindowsOf(io, values['context-window']);
  if (!FORMATS.includes(format)) {
    throw usageError(`unknown --format '${values.format}' (expected one of ${FORMATS.join(', ')})`);
  }

  const config = await loadConfig(io);
  const bytes = await readInput(positionals[0], io);
  // A declared request format is still checked, however small the input.
  const undeclared = format === 'auto' || format === 'text';
  if (
    undeclared &&
    !shaping &&
    !values.json &&
    !values.stats &&
    !io.stderr.isTTY &&
    tooSmallToCompress(bytes, config.policy)
  ) {
    await write(io.stdout, bytes);
    return 0;
  }
  const storage =
    values['no-store'] || !config.store.enabled ? undefined : await tryOpenStorage(io, config, values.store);
  try {
    return await compressAndPrint(bytes, format, values, config, storage?.store, io, { shaping, contextWindows });
  } finally {
    await storage?.close();
  }
}

/**
 * Whether no segment of the input can reach the compression threshold: a token is at least one
 * byte, so an input of fewer bytes than `minTokens` leaves every segment below it (tool schemas,
 * which ignore the threshold, aside). Such an input is written back as it came, with nothing
 * loaded — no compressors, no store, no vocabulary — when no figures are asked for.
 */
function tooSmallToCompress(bytes: Buffer, configured: Partial<CompressionPolicy>): boolean {
  const policy = { ...DEFAULT_POLICY, ...configured };
  return bytes.length < policy.minTokens && !policy.toolSchemas;
}

/**
 * Originals go to the store (`--store`, HEADROOM_STORE, else the machine's database) so `headroom
 * retrieve` can give them back. A store that cannot be opened is not worth failing the compression
 * for: omissions are still counted in the markers, they just carry no key. A malformed URL is the
 * user's to fix, and says so.
 */
async function tryOpenStorage(io: CliIo, config: CliConfig, url: string | undefined): Promise<Storage | undefined> {
  try {
    const { openStorage, storageUrl } = await import('../internal/storage.js');
    const storage = await openStorage(io, config, storageUrl(io, config, url));
    void storage.store; // opened now, so a store that cannot be opened is reported here
    return storage;
  } catch (error) {
    if (error instanceof CliError) throw error;
    io.stderr.write(
      `headroom: the CCR store is unavailable (${(error as Error).message.split('\n')[0]}); compressing without keys\n`,
    );
    return undefined;
  }
}

async function compressAndPrint(
  bytes: Buffer,
  format: FormatFlag,
  values: {
    query?: string | undefined;
    model?: string | undefined;
    json?: boolean | undefined;
    stats?: boolean | undefined;
  },
  config: CliConfig,
  store: CcrStore | undefined,
  io: CliIo,
  request: RequestOptions,
): Promise<number> {
  const { assemblePipeline } = await import('../internal/transforms.js');
  const { kompress, deadlineMs: pipelineDeadline, prose: _prose, ...pipeline } = await assemblePipeline(io);
  const deadlineMs = config.deadlineMs ?? pipelineDeadline;
  const options = {
    ...pipeline,
    ...(store ? { store } : {}),
    policy: config.policy,
    ...(deadlineMs !== undefined ? { deadlineMs } : {}),
    ...((values.model ?? config.model) !== undefined ? { model: (values.model ?? config.model) as string } : {}),
    ...(values.query !== undefined ? { query: values.query } : {}),
  };

  const outcome = await compressInput(bytes, format, options, request).finally(() => kompress?.close());
  if (values.json) {
    const { tokensBefore, tokensAfter, ms, transforms, ccrKeys } = outcome.figures;
    const entries = transforms.map(({ name, contentType, tokensBefore, tokensAfter, ms, skipped }) => ({
      name,
      contentType,
      tokensBefore,
      tokensAfter,
      ms,
      ...(skipped ? { skipped } : {}),
    }));
    const images = outcome.images?.length ? { images: outcome.images } : {};
    const rest = JSON.stringify({ tokensBefore, tokensAfter, ms, transforms: entries, ccrKeys, ...images });
    await write(io.stdout, `{"output":${outcome.jsonOutput},${rest.slice(1)}\n`);
  } else {
    await write(io.stdout, outcome.plain);
  }
  // Kompress was set up but could not run (a model that does not load, a late inference): say why.
  const failed = kompress?.status().lastFallback;
  if (failed)
    await write(io.stderr, `headroom: Kompress could not run (${failed}); prose used the extractive compressor\n`);
  if (values.stats || (!values.json && io.stderr.isTTY)) {
    // Prose went to the extractive compressor because no learned one is in use: say so, once.
    const extractive = !kompress && outcome.figures.transforms.some((t) => t.name === 'prose-crusher' && !t.skipped);
    const why = io.env.HEADROOM_KOMPRESS_MODEL
      ? 'the Kompress model could not be used'
      : 'set HEADROOM_KOMPRESS_MODEL for Kompress';
    await write(io.stderr, `${statsLine(outcome)}${extractive ? ` · prose: extractive (${why})` : ''}\n`);
  }
  return 0;
}

/**
 * `ms` covers the compression itself: reading input and loading the tokenizer's vocabulary
 * (a one-off per process) happen before the clock starts.
 */
async function compressInput(
  bytes: Buffer,
  format: FormatFlag,
  options: Parameters<typeof compressText>[1] & { query?: string },
  { shaping, contextWindows }: RequestOptions = {},
): Promise<Outcome> {
  const text = decodeText(bytes);
  if (text === undefined) {
    if (format !== 'auto' && format !== 'text') {
      throw inputError(`the input is not UTF-8 text, so it cannot be ${requestOf(format)}`);
    }
    return binaryPassThrough(bytes, options.model);
  }

  if (format !== 'text') {
    const request = parseRequestJson(text, format);
    const wire = format === 'auto' ? detectFormat(request) : format;
    if (request !== undefined && wire) {
      await getTokenizer(options.model ?? modelOf(request));
      const started = performance.now();
      // A body shaped like a request is never crushed as data: it compresses as one or fails.
      let result = await compress(request, { ...options, format: wire }).catch((error: unknown) => {
        throw error instanceof InvalidRequestError ? inputError(error.message, error) : error;
      });
      const compressedText =
        result.edits.length === 0
          ? text
          : (spliceJsonText(text, result.edits, { valid: true }) ?? JSON.stringify(result.request));
      const fit = await fitToModel(
        compressedText,
        request as Record<string, unknown>,
        wire,
        result,
        options,
        contextWindows,
      );
      const compressed = fit?.text ?? compressedText;
      if (fit) result = { ...result, tokensAfter: fit.tokensAfter };
      const shaped = shaping ? shapeOutput(compressed, request as Record<string, unknown>, wire, shaping) : undefined;
      const body = shaped?.text ?? compressed;
      // The instruction is tokens the request carries now: counted on the after side.
      const added = shaped?.instructed
        ? (await getTokenizer(options.model ?? modelOf(request))).count(
            verbosityInstruction(shaping?.arm === 'shaped' ? shaping.level : 2),
          )
        : 0;
      if (shaping && !shaped?.instructed && !carriesInstruction(compressed))
        throw inputError(`the system prompt of this ${requestOf(wire)} cannot be added to, so it cannot be shaped`);
      return {
        plain: body === text ? bytes : body,
        jsonOutput: body,
        figures: { ...result, tokensAfter: result.tokensAfter + added, ms: elapsed(started) },
        estimate: result.tokenizer.estimate,
        encoding: result.tokenizer.encoding,
        images: requestImages(request as Record<string, unknown>, wire, options.model ?? modelOf(request)).map(
          ({ ref, bytes, width, height, format, tokens }) => ({
            path: ref.path,
            mediaType: ref.mediaType,
            bytes,
            ...(width !== undefined ? { width, height, format, tokens } : { unreadable: true }),
          }),
        ),
      };
    }
  }

  if (shaping)
    throw inputError(
      '--output-shaper applies to a request (Chat Completions, Messages, Responses or Gemini), and this input is none',
    );
  await getTokenizer(options.model);
  const started = performance.now();
  const result = await compressText(text, options);
  return {
    plain: result.text === text ? bytes : result.text,
    jsonOutput: JSON.stringify(result.text),
    figures: { ...result, ms: elapsed(started) },
    estimate: result.tokenizer.estimate,
    encoding: result.tokenizer.encoding,
  };
}

/**
 * The parsed body when the text is JSON. Under `--format auto` anything else is simply not a
 * request (it is compressed as raw text); under a declared format it is an error.
 */
function parseRequestJson(text: string, format: Exclude<FormatFlag, 'text'>): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    if (format === 'auto') return undefined;
    const why = (error as Error).message.split('\n')[0];
    throw inputError(`the input is not valid JSON (${why}), so it cannot be ${requestOf(format)}`, error);
  }
}

function modelOf(request: unknown): string | undefined {
  const model = (request as { model?: unknown }).model;
  return typeof model === 'string' ? model : undefined;
}

async function binaryPassThrough(bytes: Buffer, model: string | undefined): Promise<Outcome> {
  const tokenizer = await getTokenizer(model);
  const started = performance.now();
  const lossy = bytes.toString('utf8');
  const tokens = tokenizer.count(lossy);
  const ms = elapsed(started);
  return {
    plain: bytes,
    jsonOutput: JSON.stringify(lossy),
    figures: {
      tokensBefore: tokens,
      tokensAfter: tokens,
      ms,
      transforms: [
        {
          segment: 0,
          name: 'none',
          contentType: 'text',
          tokensBefore: tokens,
          tokensAfter: tokens,
          ms,
          skipped: 'binary',
        },
      ],
      ccrKeys: [],
    },
    estimate: tokenizer.estimate,
    encoding: tokenizer.encoding,
  };
}

function statsLine({ figures, estimate, encoding }: Outcome): string {
  const { tokensBefore: before, tokensAfter: after, ms } = figures;
  const approx = estimate ? '~' : '';
  const saved = before > 0 ? ((before - after) / before) * 100 : 0;
  const changed = figures.transforms.filter((t) => !t.skipped).length;
  // A segment left whole because its compressor ran out of time is worth saying: it is not the input's doing.
  const late = figures.transforms.filter((t) => t.skipped === 'deadline').length;
  return (
    `headroom: ${approx}${before.toLocaleString('en-US')} → ${approx}${after.toLocaleString('en-US')} tokens ` +
    `(−${saved.toFixed(1)}%) · ${changed} of ${figures.transforms.length} segments compressed` +
    `${late ? ` (${late} left whole: past the deadline)` : ''} · ${ms} ms · ` +
    `${encoding}${estimate ? ' (estimate for this model)' : ''}`
  );
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 100) / 100;
}

/** What `compress` may do to a request beyond compressing it. */
interface RequestOptions {
  readonly shaping?: OutputArm | undefined;
  readonly contextWindows?: Record<string, number> | undefined;
}

/**
 * A request that would overflow its model's window, fitted as the proxy fits it (see `fitRequest`):
 * the tool outputs of its earlier turns folded until it fits, originals kept under keys.
 */
async function fitToModel(
  text: string,
  request: Record<string, unknown>,
  format: WireFormat,
  figures: { tokensAfter: number; tokenizer: { estimate: boolean } },
  options: { readonly model?: string | undefined; readonly store?: Store | undefined },
  contextWindows: Record<string, number> | undefined,
) {
  const model = options.model ?? modelOf(request);
  const window = contextWindowOf(model, contextWindows ? { overrides: contextWindows } : {});
  if (!window) return undefined;
  const { budget } = promptBudget(window, {
    maxOutput: DIALECTS[format].maxOutputTokens(request),
    estimate: figures.tokenizer.estimate,
  });
  if (figures.tokensAfter <= budget) return undefined;
  const { foldToFit } = await import('@headroom/crushers');
  return fitRequest(text, request, format, figures.tokensAfter, {
    budget,
    tokenizer: await getTokenizer(model),
    fold: foldToFit,
    firstSight: new FirstSightCache(),
    ...(options.store ? { store: options.store } : {}),
  });
}
