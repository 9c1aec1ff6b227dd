import type { Finding } from './find-mistakes.js';
import type { AgentName } from './session.js';

export const BLOCK_START = '<!-- headroom:learn:start -->';
export const BLOCK_END = '<!-- headroom:learn:end -->';

/** The file each agent reads its project notes from. */
export const NOTES_FILE: Readonly<Record<AgentName, string>> = {
  claude: 'CLAUDE.local.md',
  codex: 'AGENTS.md',
  opencode: 'AGENTS.md',
  pi: 'AGENTS.md',
  gemini: 'GEMINI.md',
};

/**
 * The marked block of corrections: one line per finding, with how often it was seen. Its text
 * depends on the findings alone (no dates), so a rerun that learns nothing new writes the same bytes.
 */
export function learnedBlock(findings: readonly { advice: string; sessions: number }[]): string {
  const lines = findings.map((f) => `- ${f.advice} (seen in ${f.sessions} session${f.sessions === 1 ? '' : 's'})`);
  return [
    BLOCK_START,
    '## Learned from earlier sessions',
    '',
    'Corrections found in this project’s agent sessions by `headroom learn`; rerun it to refresh them.',
    '',
    ...lines,
    BLOCK_END,
  ].join('\n');
}

/**
 * `existing` with its learned block replaced by `block` (or the block removed, when `block` is
 * empty), everything outside the markers kept byte for byte; a file without a block gets it
 * appended after a blank line.
 */
export function replaceBlock(existing: string, block: string): string {
  const start = existing.indexOf(BLOCK_START);
  const end = start < 0 ? -1 : existing.indexOf(BLOCK_END, start);
  if (start >= 0 && end >= 0) {
    const after = existing.slice(end + BLOCK_END.length);
    if (block) return `${existing.slice(0, start)}${block}${after}`;
    // Removed with the blank line that set it apart.
    return `${existing.slice(0, start).replace(/\n\n$/, '\n')}${after.replace(/^\n/, '')}`;
  }
  if (!block) return existing;
  if (!existing) return `${block}\n`;
  return `${existing}${existing.endsWith('\n') ? '' : '\n'}\n${block}\n`;
}

export type { Finding };
