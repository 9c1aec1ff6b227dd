import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { isRecord, type LearnSession, type ToolCall, toolCall } from '../session.js';
import type { Reader } from './reader.js';

const require = createRequire(import.meta.url);

/**
 * opencode: every session in one SQLite database, `~/.local/share/opencode/opencode.db` (or
 * `$XDG_DATA_HOME/opencode`): `session` rows with their directory, and `part` rows whose JSON
 * `data` holds each tool call (`type: "tool"`) with its input, status (`completed` or `error`),
 * output or error, and a shell command's exit code in its metadata. Opened read-only.
 */
export const opencodeReader: Reader = {
  agent: 'opencode',
  binary: true,
  locate({ home, env }) {
    const file = join(env.XDG_DATA_HOME ?? join(home, '.local', 'share'), 'opencode', 'opencode.db');
    return existsSync(file) ? [file] : [];
  },
  read(file) {
    const Database = require('better-sqlite3') as typeof import('better-sqlite3');
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      const sessions = db.prepare('SELECT id, directory, time_created FROM session ORDER BY time_created').all() as {
        id: string;
        directory: string | null;
        time_created: number;
      }[];
      const parts = db.prepare('SELECT session_id, data FROM part ORDER BY time_created, id').all() as {
        session_id: string;
        data: string;
      }[];
      const calls = new Map<string, ToolCall[]>();
      for (const part of parts) {
        let data: unknown;
        try {
          data = JSON.parse(part.data);
        } catch {
          continue;
        }
        if (!isRecord(data) || data.type !== 'tool' || !isRecord(data.state)) continue;
        const state = data.state;
        if (state.status !== 'completed' && state.status !== 'error') continue;
        const metadata = isRecord(state.metadata) ? state.metadata : {};
        const list = calls.get(part.session_id) ?? [];
        list.push(
          toolCall({
            tool: String(data.tool ?? ''),
            args: isRecord(state.input) ? state.input : {},
            output:
              typeof state.output === 'string' ? state.output : typeof state.error === 'string' ? state.error : '',
            failed: state.status === 'error',
            exitCode: typeof metadata.exit === 'number' ? metadata.exit : undefined,
          }),
        );
        calls.set(part.session_id, list);
      }
      return sessions.map(
        (s): LearnSession => ({
          agent: 'opencode',
          id: s.id,
          file,
          calls: calls.get(s.id) ?? [],
          ...(s.directory ? { cwd: s.directory } : {}),
          startedAt: new Date(s.time_created).toISOString(),
        }),
      );
    } finally {
      db.close();
    }
  },
};
