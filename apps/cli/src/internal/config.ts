import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CompressionPolicy } from '@headroom/core';
import { headroomHome } from '@headroom/core';
import { inputError } from './cli-error.js';
import type { CliIo } from './io.js';
import { parseByteSize, parseDuration } from './units.js';

export const CONFIG_FILE = 'headroom.config.json';

/** Options a user would otherwise repeat on every call, read from `headroom.config.json`. */
export interface CliConfig {
  readonly model?: string;
  readonly deadlineMs?: number;
  readonly policy: Partial<CompressionPolicy>;
  readonly store: StoreConfig;
  /** Where the config came from, for messages; undefined when no file was found. */
  readonly source?: string;
}

/** The reversible store: on by default; retention and size cap as durations and sizes. */
export interface StoreConfig {
  readonly enabled: boolean;
  /** Where originals, first sights and figures live (`sqlite:`, `memory:`, `redis://…`); see `openStorage`. */
  readonly url?: string;
  readonly retentionMs?: number;
  readonly maxBytes?: number;
}

/**
 * Loads the first `headroom.config.json` found in the working directory, then in
 * `HEADROOM_HOME`. A file that exists but is wrong is an error naming the file and the field;
 * it is never silently ignored.
 */
export async function loadConfig(io: CliIo): Promise<CliConfig> {
  for (const dir of [io.cwd, headroomHome(io.env)]) {
    const path = join(dir, CONFIG_FILE);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') continue;
      throw inputError(`cannot read ${path}: ${(error as Error).message}`, error);
    }
    return parseConfig(text, path);
  }
  return { policy: {}, store: { enabled: true } };
}

const POLICY_SWITCHES = ['toolResults', 'userData', 'userProse', 'system', 'assistant', 'toolSchemas'] as const;
const TOP_LEVEL = ['model', 'minTokens', 'excludeTools', 'deadlineMs', 'compress', 'store'];
const STORE_KEYS = ['enabled', 'url', 'retention', 'maxSize'];

export function parseConfig(text: string, path: string): CliConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw inputError(`${path} is not valid JSON (${(error as Error).message}); fix or remove it`, error);
  }
  const bad = (field: string, expected: string) => inputError(`${path}: "${field}" must be ${expected}`);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw bad('(root)', 'an object');
  const obj = raw as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    if (!TOP_LEVEL.includes(key)) throw inputError(`${path}: unknown option "${key}" (known: ${TOP_LEVEL.join(', ')})`);
  }
  const policy: Partial<Record<keyof CompressionPolicy, unknown>> = {};
  if (obj.minTokens !== undefined) {
    if (!Number.isInteger(obj.minTokens) || (obj.minTokens as number) < 0)
      throw bad('minTokens', 'a non-negative integer');
    policy.minTokens = obj.minTokens;
  }
  if (obj.excludeTools !== undefined) {
    if (!Array.isArray(obj.excludeTools) || !obj.excludeTools.every((t) => typeof t === 'string')) {
      throw bad('excludeTools', 'an array of tool names');
    }
    policy.excludeTools = obj.excludeTools;
  }
  if (obj.compress !== undefined) {
    if (typeof obj.compress !== 'object' || obj.compress === null || Array.isArray(obj.compress)) {
      throw bad('compress', `an object with true/false for ${POLICY_SWITCHES.join(', ')}`);
    }
    for (const [key, value] of Object.entries(obj.compress)) {
      if (!(POLICY_SWITCHES as readonly string[]).includes(key)) {
        throw inputError(`${path}: unknown option "compress.${key}" (known: ${POLICY_SWITCHES.join(', ')})`);
      }
      if (typeof value !== 'boolean') throw bad(`compress.${key}`, 'true or false');
      policy[key as keyof CompressionPolicy] = value;
    }
  }
  if (obj.model !== undefined && typeof obj.model !== 'string') throw bad('model', 'a model name');
  if (obj.deadlineMs !== undefined && !(typeof obj.deadlineMs === 'number' && obj.deadlineMs > 0)) {
    throw bad('deadlineMs', 'a positive number of milliseconds');
  }
  return {
    ...(typeof obj.model === 'string' ? { model: obj.model } : {}),
    store: parseStoreConfig(obj.store, path),
    ...(typeof obj.deadlineMs === 'number' ? { deadlineMs: obj.deadlineMs } : {}),
    policy: policy as Partial<CompressionPolicy>,
    source: path,
  };
}

function parseStoreConfig(raw: unknown, path: string): StoreConfig {
  if (raw === undefined) return { enabled: true };
  const bad = (field: string, expected: string) => inputError(`${path}: "store.${field}" must be ${expected}`);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw inputError(`${path}: "store" must be an object like {"enabled": true, "retention": "7d", "maxSize": "2GB"}`);
  }
  const obj = raw as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    if (!STORE_KEYS.includes(key))
      throw inputError(`${path}: unknown option "store.${key}" (known: ${STORE_KEYS.join(', ')})`);
  }
  if (obj.enabled !== undefined && typeof obj.enabled !== 'boolean') throw bad('enabled', 'true or false');
  if (obj.url !== undefined && typeof obj.url !== 'string') throw bad('url', 'a storage URL like "redis://host:6379"');
  const retentionMs = obj.retention === undefined ? undefined : parseDuration(String(obj.retention));
  if (obj.retention !== undefined && !(typeof obj.retention === 'string' && retentionMs)) {
    throw bad('retention', 'a duration like "12h", "7d" or "2w"');
  }
  const maxBytes = obj.maxSize === undefined ? undefined : parseByteSize(String(obj.maxSize));
  if (obj.maxSize !== undefined && !(typeof obj.maxSize === 'string' && maxBytes)) {
    throw bad('maxSize', 'a size like "500MB" or "2GB"');
  }
  return {
    enabled: obj.enabled !== false,
    ...(typeof obj.url === 'string' ? { url: obj.url } : {}),
    ...(retentionMs ? { retentionMs } : {}),
    ...(maxBytes ? { maxBytes } : {}),
  };
}
