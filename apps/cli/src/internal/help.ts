export const MAIN_HELP = `headroom — context compression for AI agents

Usage:
  headroom compress [FILE|-] [options]   compress a tool output or a whole LLM request
  headroom retrieve KEY [--query TEXT]   give back what a marker left out
  headroom ccr stats | purge             inspect or empty the store of originals
  headroom eval <suite> [options]        measure what compression keeps (tool-qa, squad, gsm8k, bfcl)
  headroom proxy [--host] [--port]       serve the compressing proxy for any client
  headroom stats [--url URL]             what a running proxy has saved
  headroom output-savings [--url URL]    what output shaping saved, with its interval
  headroom savings [--days N]            tokens and money saved per day, agent and model
  headroom doctor                        what is running, how each agent is routed, what is broken
  headroom wrap <agent> [-- args]        run a coding agent through the proxy
  headroom learn [--apply]               write corrections of agents' repeated mistakes into their notes
  headroom mcp serve | install <client>  Headroom's tools and memory for MCP clients
  headroom memory add|search|list|…      the memory every agent on this machine shares
  headroom models pull <hub-id>          download a Kompress model once, verified
  headroom --version                     print the version
  headroom --help                        show this help

Run 'headroom <command> --help' for a command's options.
Exit codes: 0 success, 1 bad input, 2 bad usage.
`;

export const COMPRESS_HELP = `Usage: headroom compress [FILE|-] [options]

Compresses a raw tool output, or a request in OpenAI Chat Completions, Anthropic Messages,
OpenAI Responses or Gemini generateContent format (detected from its shape). Reads stdin when FILE is '-' or absent.
Prints the compressed output alone; kept text is verbatim and every omission is marked.

Options:
  --query TEXT      what the agent is after; matching content stays visible
  --model NAME      model whose tokenizer counts tokens (default: the request's model, else o200k_base)
  --format FORMAT   auto | text | openai | anthropic | responses | gemini (default auto)
  --json            print {output, tokensBefore, tokensAfter, ms, transforms, ccrKeys}
  --stats           print a one-line summary of the savings on stderr (default when stderr is a terminal)
  --no-store        do not keep originals; markers then count omissions but carry no key
  --store URL       where originals are kept (HEADROOM_STORE): sqlite: (default), sqlite:PATH,
                    memory: or redis://host:6379 (rediss://, redis+unix:///path.sock)
  --output-shaper   for a request: end its system prompt with the instruction that asks for
                    shorter replies (--verbosity 1|2|3, default 2), as 'headroom proxy
                    --output-shaper' does; --effort-routing also lowers the effort the request
                    sets when its last turn only resumes after successful tool calls
  --debug           show stack traces on errors
  -h, --help        show this help

Originals of everything compressed with loss are kept in $HEADROOM_HOME/ccr.db (default
~/.headroom) for seven days after their last use; 'headroom retrieve KEY' gives them back.

Settings you would otherwise repeat (model, minTokens, excludeTools, compress.{toolResults,
userData, userProse, system, assistant, toolSchemas}, deadlineMs, store.{enabled, url, retention, maxSize}) can
go in headroom.config.json in the working directory or in HEADROOM_HOME.
`;

export const RETRIEVE_HELP = `Usage: headroom retrieve KEY [--query TEXT] [--json] [--store URL]

Gives back what an omission marker left out. KEY is the hex after 'headroom:' in a marker such
as [… 412 of 500 lines omitted · headroom:8f3a9c2b1d4e5f60a7b8c9d0 …].

Without --query, stdout carries the exact original bytes and a header naming the key goes to
stderr. With --query, stdout carries the header and only the matching lines (L12: …) or JSON
array items ([3]: …), best first, with a count of the rest.

Options:
  --query TEXT   only the records matching TEXT (lines, stanzas, commits, JSON items and members), best first
  --json         print {key, query, content}
  --store URL    the store to ask (HEADROOM_STORE; default sqlite:, the machine's database);
                 redis://host:6379 for a fleet's shared store
  -h, --help     show this help

An unknown or expired key exits 1 with one line saying so.
`;

export const CCR_HELP = `Usage: headroom ccr stats [--json] [--store URL]
       headroom ccr purge (--older-than DURATION | --all) [--json] [--store URL]
       headroom ccr migrate --to URL [--store URL] [--json]

The store of originals lives in $HEADROOM_HOME/ccr.db (default ~/.headroom), or where --store
(HEADROOM_STORE) says: sqlite:PATH, memory: or redis://host:6379. It holds only tool content that
was compressed with loss — never request headers or API keys.

  stats                     entries, size, cap, retention, hits, expirations and evictions
  purge --older-than 3d     remove entries not used for DURATION (30m, 12h, 7d, 2w)
  purge --all               remove every entry
  migrate --to URL          copy every unexpired original into another store, e.g. a fleet's
                            redis://host:6379 (from --store, default this machine's database)
`;

export const EVAL_HELP = `Usage: headroom eval <tool-qa|squad|gsm8k|bfcl> [options]

Runs an offline evaluation suite against the assembled pipeline, with exact, model-free checks:
tool-qa and squad — is the answer still visible, only recoverable through a retrieval key, or
lost; gsm8k — are all numbers of the problem kept; bfcl — do the gold calls still validate
against the compressed tool schemas. Writes SUITE.md, SUITE.svg and SUITE.json to --out.

Options:
  --data DIR           datasets directory (default: HEADROOM_DATASETS, else ../shared/datasets)
  --dir DIR            tool-qa: a directory of {id, kind, content, question, answer} cases
  --no-query           tool-qa: compress each output without its question (the task says nothing
                       about it), then report what stays visible, what a retrieve with the
                       question or with one identifier of it returns, and what is lost
  --limit N            at most N cases, chosen by a seeded shuffle
  --seed N             the shuffle's seed (default 0)
  --json               print {suite, mode, cases, aggregate} on stdout
  --floor NAME=VALUE   exit 3 when an aggregate (retainedRate, savings, medianSavings,
                       numbersKeptRate, validRate, …) falls below VALUE; repeatable
  --out DIR            where the report goes (default ./headroom-eval)
  --mode MODE          offline (default: exact checks, no network) or online: every case also
                       goes to a model as built and as compressed, scored (exact match, EM/F1,
                       AST match, answer contained) with paired differences. Needs
                       OPENAI_API_KEY or ANTHROPIC_API_KEY, or OPENAI_BASE_URL /
                       HEADROOM_EVAL_BASE_URL for any OpenAI-compatible server;
                       HEADROOM_EVAL_MODEL picks the model
  -h, --help           show this help
`;

export const PROXY_HELP = `Usage: headroom proxy [--host 127.0.0.1] [--port 8787] [--upstream-anthropic URL] [--upstream-openai URL] [--upstream-gemini URL] [--memory] [--store URL]

Serves an HTTP proxy that compresses every request to /v1/messages, /v1/chat/completions,
/v1/responses and Gemini's models/{model}:generateContent and :streamGenerateContent, and passes
everything else through. Point your client at it:
  export ANTHROPIC_BASE_URL=http://127.0.0.1:8787
  export OPENAI_BASE_URL=http://127.0.0.1:8787/v1
  export GOOGLE_GEMINI_BASE_URL=http://127.0.0.1:8787

Options (environment variable in brackets):
  --host HOST                  address to bind (HEADROOM_PROXY_HOST; default 127.0.0.1)
  --port PORT                  port, 0 for any free one (HEADROOM_PROXY_PORT; default 8787)
  --upstream-anthropic URL     (HEADROOM_UPSTREAM_ANTHROPIC; default https://api.anthropic.com)
  --upstream-openai URL        any OpenAI-compatible server (HEADROOM_UPSTREAM_OPENAI;
                               default https://api.openai.com)
  --upstream-gemini URL        (HEADROOM_UPSTREAM_GEMINI;
                               default https://generativelanguage.googleapis.com)
  --memory                     start each session with the shared memories most relevant to
                               its opening (global ones and this directory's), chosen once per
                               session so the prompt cache holds
  --memory-budget TOKENS       most tokens of memories per session (default 400)
  --memory-db URL              where the memories live (HEADROOM_MEMORY_DB): sqlite: (default,
                               $HEADROOM_HOME/ccr.db), sqlite:PATH, or postgres://user@host/db
                               for a team's shared memory (pgvector used where the server has it)
  --store URL                  where originals, first sights and the figures live
                               (HEADROOM_STORE): sqlite: (default, $HEADROOM_HOME/ccr.db),
                               sqlite:PATH, memory:, or redis://host:6379 (rediss://,
                               redis+unix:///path.sock) to share them across a fleet of proxies
  --context-window MODEL=TOKENS,…
                               context windows over the built-in table (HEADROOM_CONTEXT_WINDOWS;
                               k and m allowed, a prefix ending in * matches a family). A request
                               that would overflow its model's window has the tool outputs of its
                               earlier turns folded (originals kept under keys) until it fits,
                               rather than being refused by the provider
  --image-budget TOKENS|off    most input tokens an image may cost (HEADROOM_IMAGE_BUDGET;
                               default 1600): a larger one is sent smaller, a note beside it
                               giving the key with which headroom_retrieve returns the original
                               or a region of it at full resolution. Every image is also sent no
                               larger than its provider uses it, and one the conversation already
                               showed is replaced by a note naming the earlier one
  --output-shaper              ask the model for shorter replies: a short instruction ends the
                               system prompt of every session that begins from now on (one that
                               began without it stays as it was) (HEADROOM_OUTPUT_SHAPER=1)
  --verbosity 1|2|3            1 no preamble or recap; 2 also never restate code, files or tool
                               output (default); 3 also conclusions only (HEADROOM_VERBOSITY_LEVEL)
  --output-holdout SHARE       keep this share of sessions unshaped (0 to 0.5, like 0.1), so
                               'headroom output-savings' measures the saving rather than
                               estimating it (HEADROOM_OUTPUT_HOLDOUT)
  --effort-routing             lower the effort or thinking budget the client set on turns that
                               only resume after successful tool calls; off by default because
                               providers re-write the cached prompt when it changes, which
                               costs more than it saves on long sessions (HEADROOM_EFFORT_ROUTING=1)
  -h, --help                   show this help

The request header x-headroom-bypass: 1 forwards a request untouched. GET /health and
GET /stats (from this machine only) report on the proxy.
`;

export const STATS_HELP = `Usage: headroom stats [--url http://127.0.0.1:8787] [--token TOKEN] [--json]

What Headroom has done on this machine: requests, tokens before and after, the upstream's
cache reads and writes, per agent, per model and per transform. Every proxy and wrapped session
adds its figures to the counters in $HEADROOM_HOME/ccr.db, so they survive restarts and add up.
Reads GET /stats from the proxy (default http://127.0.0.1:$HEADROOM_PROXY_PORT, else port 8787);
when none answers (and no --url was given), reads the counters themselves. A proxy bound beyond
loopback asks for the admin token it printed at start: --token, or HEADROOM_ADMIN_TOKEN.
`;

export const WRAP_HELP = `Usage: headroom wrap <claude|codex|opencode|pi|gemini|qwen|copilot|aider|cursor> [--port 8787] [--memory] [-- agent arguments]

Launches a coding agent in the current directory with its requests going through Headroom:
reuses the proxy already listening on the port, or starts one (configured as 'headroom proxy'
is: HEADROOM_UPSTREAM_*, headroom.config.json, the store and the shared counters) for as long as the
agent runs, and points the agent at it for this run only, the way its current version reads:
  claude    ANTHROPIC_BASE_URL
  codex     -c openai_base_url=… (Codex ignores OPENAI_BASE_URL; its WebSocket transport is served)
  opencode  OPENCODE_CONFIG_CONTENT with the anthropic and openai providers' baseURL
  pi        a small extension loaded with -e ($HEADROOM_HOME/agents/pi-headroom.js)
  gemini    GOOGLE_GEMINI_BASE_URL, with the API key login selected
  qwen      OPENAI_BASE_URL, ANTHROPIC_BASE_URL (by its documentation; not run here)
  copilot   COPILOT_PROVIDER_BASE_URL, with a provider of your own (COPILOT_PROVIDER_TYPE)
  aider     OPENAI_API_BASE, ANTHROPIC_BASE_URL (by its documentation; not run here)
The agent's own configuration files are never replaced or edited. Exits with the agent's exit
code. For cursor, prints the setting to paste and keeps the proxy
running until Ctrl-C. --memory [--memory-budget TOKENS] starts each session with the shared
memories most relevant to it (see 'headroom proxy --help').
`;

export const MCP_HELP = `Usage: headroom mcp serve [--http] [--host 127.0.0.1] [--port 8788] [--store URL]
       headroom mcp install <claude|cursor|codex|json> [--dry-run] [--config FILE]
       headroom mcp uninstall <claude|cursor|codex|json> [--dry-run] [--config FILE]
       headroom mcp print

Serves Headroom's MCP tools: headroom_compress, headroom_retrieve, headroom_stats, memory_save,
memory_search, memory_list and memory_forget. They share the store and the memories with the
proxy and the CLI ($HEADROOM_HOME/ccr.db).

  serve          over stdio (for a client to launch), or with --http at http://HOST:PORT/mcp
                 (default port 8788, or HEADROOM_MCP_PORT); --store URL (HEADROOM_STORE) answers
                 headroom_retrieve from another store, e.g. a fleet's redis://host:6379;
                 --memory-db URL (HEADROOM_MEMORY_DB) uses a team's postgres://… memory
  install        adds the server to a client's configuration: claude (~/.claude.json), cursor
                 (~/.cursor/mcp.json), codex ($CODEX_HOME/config.toml, ~/.codex), json (the
                 {"mcpServers": …} form in --config FILE). Idempotent; a changed file is backed
                 up first (FILE.headroom-backup-TIME); --dry-run shows the entry and writes nothing
  uninstall      takes it out again
  print          prints the {"mcpServers": …} entry to paste anywhere
`;

export const MEMORY_HELP = `Usage: headroom memory add TEXT [--scope project|global|session] [--tag T]... [--expires 30d]
       headroom memory search QUERY [--limit N] [--tag T]...
       headroom memory list [--all] [--scope S] [--limit N]
       headroom memory forget ID...
       headroom memory export [FILE] [--project DIR]
       headroom memory import FILE|-

The memory every agent on this machine shares (through MCP, the proxy and this command), kept
in $HEADROOM_HOME/ccr.db. A memory applies to this project directory (the default), globally,
or to one session; saving the same fact again, or nearly the same, updates the existing one.

Options:
  --memory-db URL the memory to use (HEADROOM_MEMORY_DB): sqlite: (default), sqlite:PATH, or a
                  team's postgres://user@host:5432/db
  --project DIR   the project directory (default: the current one; its memories hold in
                  its subdirectories too). export writes every memory unless --project is given
  --session ID    the session, for session-scoped memories
  --agent NAME    who is saving (default: cli)
  --json          machine-readable output
`;

export const MODELS_HELP = `Usage: headroom models pull <hub-id> [--revision main] [--dir DIR]

Downloads a Kompress model (a token-classification model with an ONNX export: onnx/model.onnx
or model.onnx, tokenizer.json, config.json) from the Hugging Face hub once, into
$HEADROOM_HOME/models/<hub-id> (or DIR), and checks it: sizes, the published SHA-256 of large
files, JSON files parse. Nothing replaces an earlier copy until every file is in. Then:
  export HEADROOM_KOMPRESS_MODEL=<the directory it prints>

The hub is HEADROOM_HUB_URL, or HF_ENDPOINT, or https://huggingface.co. Headroom never downloads
weights anywhere else: without a model, prose uses the extractive compressor.
`;

export const OUTPUT_SAVINGS_HELP = `Usage: headroom output-savings [--url http://127.0.0.1:8787] [--token TOKEN] [--json]

What output shaping ('headroom proxy --output-shaper') saved in output tokens. Nobody sees the
reply a shaped turn would have had, so the saving is a comparison: shaped turns against unshaped
ones of the same kind (a new question, a turn resumed after tool results, one after a failed
tool), prompt size and model. Against sessions held out at random (--output-holdout) it is
'measured'; against sessions begun before shaping was on, 'estimated'. Always with its 95%
interval. Reads GET /stats of the proxy, else the counters in $HEADROOM_HOME/ccr.db.

Options:
  --url URL      the proxy (default http://127.0.0.1:$HEADROOM_PROXY_PORT, else port 8787)
  --token TOKEN  its admin token, for a proxy bound beyond loopback (HEADROOM_ADMIN_TOKEN)
  --json         print the figures as one JSON object
  -h, --help     show this help
`;

export const LEARN_HELP = `Usage: headroom learn [--project DIR | --all] [--agent NAME,…] [--apply] [--json] [--model NAME]

Reads the sessions coding agents left on this machine — Claude Code (~/.claude/projects),
Codex (~/.codex/sessions), Gemini CLI (~/.gemini/tmp), opencode (~/.local/share/opencode),
pi (~/.pi/agent/sessions) — finds the mistakes they made again and again in this project, and
writes short corrections, with how often each was seen, into a marked block of each agent's notes:
CLAUDE.local.md (Claude Code), AGENTS.md (Codex, opencode, pi), GEMINI.md (Gemini CLI).

What it finds, each from the tool calls themselves: a command that failed and was corrected, a
path guessed wrong and then found, a large file read again and again, a search that found
nothing and was widened, the same call repeated with the same result. A finding is written when
it recurs: in two sessions or more (--min-sessions), or three times or more in one.

Dry run by default: prints the blocks and their evidence. --apply writes them; the block between
<!-- headroom:learn:start --> and <!-- headroom:learn:end --> is replaced on every run (removed
when nothing is left), and everything outside it stays as it is.

Options:
  --project DIR        the project (default: the current directory, and the folders under it)
  --all                every project with sessions on this machine, each written in its own folder
  --agent NAME,…       claude, codex, gemini, opencode, pi (default: all)
  --apply              write the blocks
  --json               print the findings as one JSON object
  --model NAME         have a model phrase and rank the corrections, through the endpoint the
                       online evals use (HEADROOM_EVAL_BASE_URL, OPENAI_API_KEY or
                       ANTHROPIC_API_KEY); paths and commands it alters are not used
  --min-sessions N     sessions a mistake must recur in (default 2)
  -h, --help           show this help
`;

export const SAVINGS_HELP = `Usage: headroom savings [--days 30] [--json] [--store URL]

The savings ledger: tokens and money saved per day, per agent and per model, from the counters
every proxy and wrapped session on this machine keep ($HEADROOM_HOME/ccr.db), or a fleet's
(--store redis://…). Dollars are estimates at published input prices: at list price, and at the
price the prompt cache left (the list price blended with the cache reads and writes the upstream
reported that day), which is what a token compression took off would really have cost.

Options:
  --days N       days back from today, today included (default 30)
  --json         print {days, source, totals, rows} as one JSON object
  --store URL    where the counters live (HEADROOM_STORE; default sqlite:)
  -h, --help     show this help
`;

export const DOCTOR_HELP = `Usage: headroom doctor [--url http://127.0.0.1:8787] [--token TOKEN] [--json]

Checks, one line each with what to do when it fails: whether a Headroom proxy runs and answers
(and its storage), which upstreams it uses and whether they answer, which agents are installed and
how each reaches its model — only through 'headroom wrap' for a run, or a lasting route of its own
(a variable in this environment, or its configuration: ~/.claude/settings.json, Codex's
config.toml, ~/.gemini/.env, opencode.json) and whether that route leads to Headroom, to something
else, or nowhere — the store, the memory database, the Kompress and embedding models, whether
sharp loads for images, the versions.
Exits 1 when something is broken (a warning alone is not).

Options:
  --url URL      the proxy (default http://127.0.0.1:$HEADROOM_PROXY_PORT, else port 8787)
  --token TOKEN  its admin token, for a proxy bound beyond loopback (HEADROOM_ADMIN_TOKEN)
  --json         print {ok, checks: [{name, status, detail, fix}]}
  -h, --help     show this help
`;
