import { randomUUID } from 'node:crypto';
import { type CcrStore, handleRetrieveCall } from '@headroom/ccr';
import type { ImageCodec, Transform } from '@headroom/core';
import { compressText } from '@headroom/crushers';
import type { Memory, MemoryEntry, MemoryScope } from '@headroom/memory';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { type LifetimeCounters, type McpFigures, ZERO } from './counters.js';

export interface HeadroomMcpOptions {
  /** Where originals go and retrieval reads from: the machine's SQLite store, shared with the proxy. */
  readonly store: CcrStore;
  readonly memory: Memory;
  /** Lifetime figures shared by every server on the machine. Without it, stats cover this process only. */
  readonly lifetime?: LifetimeCounters;
  /** The project directory memories are filed under by default. Default: the working directory. */
  readonly project?: string;
  /** Largest text `headroom_compress` takes, in characters. Default 8,000,000. */
  readonly maxInputChars?: number;
  /** The compressors, in routing order. Default: every crusher; put Kompress first for learned prose compression. */
  readonly transforms?: readonly Transform[];
  /** A per-transform deadline, for transforms (Kompress) that need longer than the default. */
  readonly deadlineMs?: number;
  /** Shared by the servers of one process (stdio has one; HTTP one per client session). */
  readonly figures?: SessionFigures;
  /** Cuts a region out of a stored image for `headroom_retrieve`; without it, images come back whole. */
  readonly imageCodec?: ImageCodec;
}

/** This process's figures, across its MCP sessions. */
export class SessionFigures {
  private current: McpFigures = ZERO;
  readonly startedAt = Date.now();

  add(delta: Partial<McpFigures>): void {
    const next = { ...this.current } as Record<keyof McpFigures, number>;
    for (const [name, value] of Object.entries(delta)) next[name as keyof McpFigures] += value ?? 0;
    this.current = next;
  }

  get(): McpFigures {
    return this.current;
  }
}

const SERVER_INFO = { name: 'headroom', version: '0.1.0' };
const DEFAULT_MAX_INPUT = 8_000_000;
const SCOPES = ['global', 'project', 'session'] as const;

const text = (value: string): CallToolResult['content'][number] => ({ type: 'text', text: value });
const failure = (message: string): CallToolResult => ({ content: [text(message)], isError: true });

/**
 * An MCP server with Headroom's tools: `headroom_compress`, `headroom_retrieve`, `headroom_stats`,
 * `memory_save`, `memory_search`, `memory_list` and `memory_forget`. Arguments are validated by
 * their schemas; a bad call gets an error result and the server carries on. Keys and memories
 * live in the machine's Headroom database, so a key made by the proxy can be retrieved here and a
 * memory saved by one agent found by another.
 */
export function createHeadroomMcpServer(options: HeadroomMcpOptions): McpServer {
  const server = new McpServer(SERVER_INFO, {
    instructions:
      'Headroom keeps context small. Use headroom_compress on a large tool output before reading it; ' +
      'markers like [… N of M lines omitted · headroom:KEY …] can be expanded with headroom_retrieve. ' +
      'memory_save and memory_search share what you learn with other agents on this machine.',
  });
  const maxChars = options.maxInputChars ?? DEFAULT_MAX_INPUT;
  const figures = options.figures ?? new SessionFigures();
  const processSession = randomUUID();
  const project = options.project ?? process.cwd();
  /** The agent on the other end, as its MCP client names itself (`claude-code`, `codex`, `cursor`…). */
  const agent = () => server.server.getClientVersion()?.name ?? 'unknown';
  const count = (delta: Partial<McpFigures>) => {
    figures.add(delta);
    try {
      options.lifetime?.record(delta);
    } catch {
      // Lifetime figures are a nicety; the tool's work is already done.
    }
  };

  server.registerTool(
    'headroom_compress',
    {
      title: 'Compress text',
      description:
        'Compress a large tool output (logs, JSON, search results, diffs, code, prose) while keeping the facts that matter ' +
        'for `query`. Omitted parts are counted in markers whose key headroom_retrieve expands.',
      inputSchema: {
        content: z
          .string()
          .max(maxChars, `content is at most ${maxChars} characters`)
          .describe('The text or JSON to compress.'),
        query: z.string().max(10_000).optional().describe('What you are looking for; matching content is kept.'),
        toolName: z.string().max(200).optional().describe('The tool that produced the content, if any.'),
      },
    },
    async ({ content, query, toolName }) => {
      const result = await compressText(content, {
        store: options.store,
        ...(options.transforms ? { transforms: [...options.transforms] } : {}),
        ...(options.deadlineMs ? { deadlineMs: options.deadlineMs } : {}),
        ...(query ? { query } : {}),
        ...(toolName ? { toolName } : {}),
      });
      count({ compressions: 1, tokensBefore: result.tokensBefore, tokensAfter: result.tokensAfter });
      const saved = result.tokensBefore - result.tokensAfter;
      return {
        content: [
          text(result.text),
          text(
            saved > 0
              ? `[headroom: ${result.tokensBefore} → ${result.tokensAfter} tokens${result.ccrKeys.length ? `; originals under ${result.ccrKeys.join(', ')}` : ''}]`
              : `[headroom: nothing to compress (${result.tokensBefore} tokens)]`,
          ),
        ],
        structuredContent: {
          tokensBefore: result.tokensBefore,
          tokensAfter: result.tokensAfter,
          keys: [...result.ccrKeys],
        },
      };
    },
  );

  server.registerTool(
    'headroom_retrieve',
    {
      title: 'Retrieve omitted content',
      description:
        'Get back what a marker like [… 412 of 500 lines omitted · headroom:KEY …] left out. ' +
        "With a query, only the matching lines or items. An image note's key gives the image, and with a region, that part at full resolution.",
      inputSchema: {
        key: z.string().min(1).max(200).describe('KEY from the marker.'),
        query: z.string().max(10_000).optional().describe('Optional words to match.'),
        region: z
          .object({ x: z.number(), y: z.number(), w: z.number(), h: z.number() })
          .optional()
          .describe('Images only: the part to see at full resolution, in original pixels.'),
      },
    },
    async ({ key, query, region }) => {
      const result = await handleRetrieveCall(
        options.store,
        { key, ...(query ? { query } : {}), ...(region ? { region } : {}) },
        options.imageCodec ? { codec: options.imageCodec } : undefined,
      );
      if (!result.isError) count({ retrievals: 1 });
      const image = result.image
        ? [{ type: 'image' as const, data: result.image.data, mimeType: result.image.mediaType }]
        : [];
      return { content: [text(result.text), ...image], ...(result.isError ? { isError: true } : {}) };
    },
  );

  server.registerTool(
    'headroom_stats',
    {
      title: 'Headroom figures',
      description: 'Tokens saved and tools used in this session and over the lifetime of this machine, and the store.',
      inputSchema: {},
    },
    async () => {
      const session = figures.get();
      const lifetime = options.lifetime?.read();
      const store = await options.store.stats();
      const report = {
        session: { ...session, savedTokens: session.tokensBefore - session.tokensAfter, since: figures.startedAt },
        ...(lifetime ? { lifetime: { ...lifetime, savedTokens: lifetime.tokensBefore - lifetime.tokensAfter } } : {}),
        store: { entries: store.entries, bytes: store.bytes },
        memories: await options.memory.count(),
      };
      return { content: [text(JSON.stringify(report, null, 2))], structuredContent: report };
    },
  );

  server.registerTool(
    'memory_save',
    {
      title: 'Save a memory',
      description:
        'Remember a fact for later sessions and for other agents on this machine (build commands, conventions, decisions, ' +
        'gotchas). Saving the same fact again, or nearly the same, updates the existing memory.',
      inputSchema: {
        text: z.string().min(1).max(20_000).describe('The fact, in one or a few sentences.'),
        scope: z
          .enum(SCOPES)
          .optional()
          .describe('project (default): this project directory; global: everywhere; session: this session only.'),
        tags: z.array(z.string().min(1).max(100)).max(20).optional(),
        project: z.string().max(4096).optional().describe('Project directory; default the server’s.'),
        expiresInDays: z.number().positive().max(36_500).optional(),
      },
    },
    async (args, extra) => {
      const session = extra.sessionId ?? processSession;
      const { entry, outcome } = await options.memory.save({
        text: args.text,
        scope: (args.scope ?? 'project') as MemoryScope,
        agent: agent(),
        session,
        project: args.project ?? project,
        ...(args.tags ? { tags: args.tags } : {}),
        ...(args.expiresInDays ? { expiresAt: Date.now() + args.expiresInDays * 86_400_000 } : {}),
      });
      count({ memoriesSaved: 1 });
      const said = { created: 'Saved', duplicate: 'Already known', merged: 'Merged into' }[outcome];
      return {
        content: [text(`${said} memory #${entry.id}: ${entry.text}`)],
        structuredContent: { outcome, memory: entry as unknown as Record<string, unknown> },
      };
    },
  );

  server.registerTool(
    'memory_search',
    {
      title: 'Search memories',
      description:
        'Find memories relevant to a question: this project’s, this session’s and the global ones, best first.',
      inputSchema: {
        query: z.string().min(1).max(10_000),
        limit: z.number().int().min(1).max(100).optional(),
        tags: z.array(z.string().min(1).max(100)).max(20).optional(),
        project: z.string().max(4096).optional(),
      },
    },
    async (args, extra) => {
      const hits = await options.memory.search(args.query, {
        project: args.project ?? project,
        session: extra.sessionId ?? processSession,
        ...(args.limit ? { limit: args.limit } : {}),
        ...(args.tags ? { tags: args.tags } : {}),
      });
      count({ memorySearches: 1 });
      return {
        content: [text(hits.length ? hits.map((h) => describe(h.entry)).join('\n') : 'No memories match.')],
        structuredContent: { memories: hits.map((h) => ({ ...h.entry, score: h.score, matchedBy: h.matchedBy })) },
      };
    },
  );

  server.registerTool(
    'memory_list',
    {
      title: 'List memories',
      description: 'The memories visible here (this project’s, this session’s and the global ones), newest first.',
      inputSchema: {
        scope: z.enum(SCOPES).optional(),
        limit: z.number().int().min(1).max(1000).optional(),
        project: z.string().max(4096).optional(),
      },
    },
    async (args, extra) => {
      const entries = await options.memory.list({
        project: args.project ?? project,
        session: extra.sessionId ?? processSession,
        limit: args.limit ?? 50,
        ...(args.scope ? { scope: args.scope } : {}),
      });
      return {
        content: [text(entries.length ? entries.map(describe).join('\n') : 'No memories yet.')],
        structuredContent: { memories: entries as unknown as Record<string, unknown>[] },
      };
    },
  );

  server.registerTool(
    'memory_forget',
    {
      title: 'Forget a memory',
      description: 'Delete a memory by its id (the #number memory_search and memory_list show).',
      inputSchema: { id: z.number().int().positive() },
    },
    async ({ id }) =>
      (await options.memory.forget(id))
        ? { content: [text(`Forgot memory #${id}.`)] }
        : failure(`There is no memory #${id}; memory_list shows the ids.`),
  );

  return server;
}

/** One line per memory: id, text, tags, where it applies and who said it. */
function describe(entry: MemoryEntry): string {
  const tags = entry.tags.length ? ` [${entry.tags.join(', ')}]` : '';
  const agents = [...new Set(entry.provenance.map((p) => p.agent))].join(', ');
  return `#${entry.id} ${entry.text}${tags} (${entry.scope}; from ${agents})`;
}
