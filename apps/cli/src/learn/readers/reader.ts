import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentName, LearnSession } from '../session.js';

/** Where a reader looks: the user's home and environment. */
export interface ReadContext {
  readonly home: string;
  readonly env: NodeJS.ProcessEnv;
}

/** One agent's session files: where they are, and how one reads. */
export interface Reader {
  readonly agent: AgentName;
  /** The session files present (none when the agent has never run here). */
  locate(context: ReadContext): string[];
  /** The sessions in one file (its text; a database reader opens `file` itself and ignores `text`). */
  read(file: string, text: string): LearnSession[];
  /** True when `read` opens the file itself (a database), so its text is not read first. */
  readonly binary?: boolean;
}

/** Files under `dir` whose names match, at most `depth` folders down; none when `dir` is missing. */
export function filesUnder(dir: string, name: RegExp, depth: number): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (at: string, level: number) => {
    let entries: string[];
    try {
      entries = readdirSync(at).sort();
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(at, entry);
      let isDir = false;
      try {
        isDir = statSync(path).isDirectory();
      } catch {
        continue;
      }
      if (isDir) {
        if (level < depth) walk(path, level + 1);
      } else if (name.test(entry)) out.push(path);
    }
  };
  walk(dir, 0);
  return out;
}
