import { isStopword } from '@headroom/core';
import { exactForm, fingerprint, words } from './similarity.js';
import type { MemoryContext, MemoryScope, Provenance, SaveInput } from './types.js';

/** The rules every memory applies the same way, whatever holds it. */

export const SCOPES: readonly MemoryScope[] = ['global', 'project', 'session'];
export const DEFAULT_LIMIT = 10;
/** Reciprocal rank fusion constant: how much the first ranks outweigh later ones. */
const RRF_K = 60;

/** A save, checked and normalised: where it belongs, who said it, its fingerprint. */
export interface PreparedSave {
  readonly text: string;
  readonly scope: MemoryScope;
  readonly project: string | null;
  readonly session: string | null;
  /** scope, project and session in one string: a memory is a duplicate only of one in the same place. */
  readonly place: string;
  readonly fingerprint: string;
  readonly said: Provenance[];
  readonly tags: string[];
}

export function prepareSave(input: SaveInput, maxChars: number, t: number): PreparedSave {
  const text = exactForm(input.text ?? '');
  if (!text) throw new TypeError('a memory needs some text');
  if (text.length > maxChars) throw new RangeError(`a memory is at most ${maxChars} characters (got ${text.length})`);
  const scope = input.scope ?? (input.project ? 'project' : 'global');
  if (!SCOPES.includes(scope)) throw new TypeError(`scope must be one of ${SCOPES.join(', ')} (got '${scope}')`);
  if (scope === 'project' && !input.project) throw new TypeError('a project-scoped memory needs its project');
  if (scope === 'session' && !input.session) throw new TypeError('a session-scoped memory needs its session');
  const project = scope === 'project' ? (input.project as string) : null;
  const session = scope === 'session' ? (input.session as string) : null;
  const place = `${scope}\u0000${project ?? ''}\u0000${session ?? ''}`;
  const said: Provenance[] = input.provenance?.length
    ? [...input.provenance]
    : [
        {
          agent: input.agent || 'unknown',
          ...(input.session ? { session: input.session } : {}),
          ...(input.project ? { project: input.project } : {}),
          at: t,
        },
      ];
  const tags = [...new Set((input.tags ?? []).map((tag) => tag.trim()).filter(Boolean))];
  return { text, scope, project, session, place, fingerprint: fingerprint(text, place), said, tags };
}

/** The later statement wins the wording; tags and provenance of both are kept; the later expiry holds. */
export function mergedInto(
  kept: { text: string; tags: readonly string[]; provenance: readonly Provenance[]; expiresAt: number | null },
  save: PreparedSave,
  exact: boolean,
  expiresAt: number | undefined,
): { text: string; tags: string[]; provenance: Provenance[]; expiresAt: number | null } {
  return {
    text: exact ? kept.text : save.text,
    tags: [...new Set([...kept.tags, ...save.tags])],
    provenance: [...kept.provenance, ...save.said],
    expiresAt: kept.expiresAt === null || expiresAt === undefined ? null : Math.max(kept.expiresAt, expiresAt),
  };
}

/** Whether a memory is visible to who asks: unexpired, and global, of their project (or a parent), or of their session. */
export function isVisible(
  row: { scope: MemoryScope; project: string | null; session: string | null; expiresAt: number | null },
  context: MemoryContext,
  t: number,
): boolean {
  return (
    (row.expiresAt === null || row.expiresAt > t) &&
    (row.scope === 'global' ||
      (row.scope === 'project' && within(context.project, row.project)) ||
      (row.scope === 'session' && row.session === (context.session ?? null)))
  );
}

/** Whether `dir` is the project directory or inside it: a project's memories hold in its subdirectories too. */
export function within(dir: string | undefined, project: string | null): boolean {
  if (!dir || !project) return false;
  const root = project.replace(/[\\/]+$/, '');
  return dir === project || dir === root || dir.startsWith(`${root}/`) || dir.startsWith(`${root}\\`);
}

/** The meaningful words of a query, for a full-text search: at most 64, stopwords out. */
export function searchTerms(query: string): string[] {
  return [...new Set(words(query))].filter((w) => !isStopword(w)).slice(0, 64);
}

/** Rankings fused by reciprocal rank: ids best first, with their score and which searches found them. */
export function fuseRankings(
  rankings: readonly { readonly ids: readonly number[]; readonly by: 'text' | 'vector' }[],
): [number, { score: number; matchedBy: ('text' | 'vector')[] }][] {
  const ranked = new Map<number, { score: number; matchedBy: Set<'text' | 'vector'> }>();
  for (const { ids, by } of rankings) {
    ids.forEach((id, rank) => {
      const hit = ranked.get(id) ?? { score: 0, matchedBy: new Set() };
      hit.score += 1 / (RRF_K + rank + 1);
      hit.matchedBy.add(by);
      ranked.set(id, hit);
    });
  }
  return [...ranked]
    .sort((a, b) => b[1].score - a[1].score || a[0] - b[0])
    .map(([id, hit]) => [id, { score: Math.round(hit.score * 1e6) / 1e6, matchedBy: [...hit.matchedBy] }]);
}
