import { DIALECTS, sha256Hex, type WireFormat } from '@headroom/core';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Names the session a request belongs to: the `x-headroom-session` header when the client sends
 * one, otherwise a hash of the conversation's opening as its format's dialect reads it (system
 * prompt, first message, tool names), which every later request of the same conversation repeats.
 * Used for accounting; the history itself is kept byte-identical by content (see the first-sight
 * memory), so cache safety does not depend on recognising the session.
 */
export function sessionOf(parsed: unknown, header: string | null, format: WireFormat): string {
  const named = header?.trim();
  if (named) return named.slice(0, 200);
  if (!isRecord(parsed)) return 'unknown';
  // Clients move their cache breakpoints from turn to turn (Claude Code marks the newest message),
  // so `cache_control` is no part of what names a conversation.
  return sha256Hex(JSON.stringify(DIALECTS[format].sessionOpening(parsed), withoutCacheControl)).slice(0, 16);
}

function withoutCacheControl(key: string, value: unknown): unknown {
  return key === 'cache_control' ? undefined : value;
}

/** Remembers which sessions were seen, bounded: the oldest are forgotten first. */
export class SessionRegister {
  private readonly seen = new Map<string, number>();
  private total: number;

  /** `seenBefore`: sessions counted by an earlier run (their ids are not kept). */
  constructor(
    private readonly capacity = 10_000,
    seenBefore = 0,
  ) {
    this.total = seenBefore;
  }

  /** Notes a request of `session`; returns how many requests that session has made so far. */
  note(session: string): number {
    const count = (this.seen.get(session) ?? 0) + 1;
    if (count === 1) this.total++;
    this.seen.delete(session);
    this.seen.set(session, count);
    if (this.seen.size > this.capacity) this.seen.delete(this.seen.keys().next().value as string);
    return count;
  }

  has(session: string): boolean {
    return this.seen.has(session);
  }

  /** Sessions seen since the proxy started. */
  get count(): number {
    return this.total;
  }
}
