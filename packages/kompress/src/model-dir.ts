import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** What a Kompress model directory holds, read and checked. */
export interface ModelFiles {
  readonly dir: string;
  readonly onnx: string;
  readonly tokenizer: object;
  readonly tokenizerConfig: object;
  /** Index of the "keep" label in the model's output. */
  readonly keepLabel: number;
  /** Most sub-tokens one inference takes, special tokens included. */
  readonly maxTokens: number;
}

/** Kompress cannot run: no model configured, or its directory is incomplete. The message says how to fix it. */
export class KompressUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KompressUnavailableError';
  }
}

/** Which model a directory is for, so messages name the right variable and consequence. */
export interface ModelRole {
  readonly name: string;
  readonly variable: string;
  readonly meanwhile: string;
}

export const KOMPRESS_ROLE: ModelRole = {
  name: 'Kompress model',
  variable: 'HEADROOM_KOMPRESS_MODEL',
  meanwhile: 'prose falls back to the extractive compressor meanwhile',
};

const fix = (role: ModelRole) =>
  `set ${role.variable} to a directory with model.onnx, tokenizer.json and config.json ` +
  `(or run \`headroom models pull <hub-id>\` where a network exists); ${role.meanwhile}`;

/**
 * Reads a model directory: `model.onnx` (or `onnx/model.onnx`), `tokenizer.json`, optional
 * `tokenizer_config.json`, and `config.json` whose `id2label` names the label that keeps a token
 * (`keep`, `preserve` or `LABEL_1`, else index 1).
 */
export function readModelDir(dir: string | undefined, role: ModelRole = KOMPRESS_ROLE): ModelFiles {
  const FIX = fix(role);
  if (!dir) throw new KompressUnavailableError(`no ${role.name} is configured: ${FIX}`);
  if (!existsSync(dir)) throw new KompressUnavailableError(`the ${role.name} directory ${dir} does not exist: ${FIX}`);
  if (!statSync(dir).isDirectory())
    throw new KompressUnavailableError(`${dir} is a file, not a ${role.name} directory: ${FIX}`);
  const onnx = [join(dir, 'model.onnx'), join(dir, 'onnx', 'model.onnx')].find((p) => existsSync(p));
  const missing = [
    ...(onnx ? [] : ['model.onnx']),
    ...['tokenizer.json', 'config.json'].filter((f) => !existsSync(join(dir, f))),
  ];
  if (missing.length || !onnx)
    throw new KompressUnavailableError(`the ${role.name} directory ${dir} lacks ${missing.join(', ')}: ${FIX}`);
  const json = (file: string) => {
    try {
      return JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, unknown>;
    } catch (error) {
      throw new KompressUnavailableError(`${join(dir, file)} is not valid JSON (${(error as Error).message}): ${FIX}`);
    }
  };
  const config = json('config.json');
  const tokenizerConfig = existsSync(join(dir, 'tokenizer_config.json')) ? json('tokenizer_config.json') : {};
  const labels = Object.entries((config.id2label ?? {}) as Record<string, string>);
  const keep = labels.find(([, name]) => /keep|preserve/i.test(name)) ?? labels.find(([, name]) => name === 'LABEL_1');
  const limit = Number(tokenizerConfig.model_max_length ?? config.max_position_embeddings ?? 512);
  return {
    dir,
    onnx,
    tokenizer: json('tokenizer.json'),
    tokenizerConfig,
    keepLabel: keep ? Number(keep[0]) : 1,
    // Position limits beyond 4,096 are placeholders in many configs (1e30); chunks stay at 512.
    maxTokens: Number.isFinite(limit) && limit >= 16 && limit <= 4096 ? limit : 512,
  };
}
