import { claudeReader } from './claude.js';
import { codexReader } from './codex.js';
import { geminiReader } from './gemini.js';
import { opencodeReader } from './opencode.js';
import { piReader } from './pi.js';
import type { Reader } from './reader.js';

/** Every agent whose sessions `headroom learn` reads. */
export const READERS: readonly Reader[] = [claudeReader, codexReader, geminiReader, opencodeReader, piReader];
export type { ReadContext, Reader } from './reader.js';
