export const MAIN_HELP = `headroom — context compression for AI agents

Usage:
  headroom compress [FILE|-] [options]   compress a tool output or a whole LLM request
  headroom --version                     print the version
  headroom --help                        show this help

Run 'headroom <command> --help' for a command's options.
Exit codes: 0 success, 1 bad input, 2 bad usage.
`;

export const COMPRESS_HELP = `Usage: headroom compress [FILE|-] [options]

Compresses a raw tool output, or a request in OpenAI Chat Completions, Anthropic Messages or
OpenAI Responses format (detected from its shape). Reads stdin when FILE is '-' or absent.
Prints the compressed output alone; kept text is verbatim and every omission is marked.

Options:
  --query TEXT      what the agent is after; matching content stays visible
  --model NAME      model whose tokenizer counts tokens (default: the request's model, else o200k_base)
  --format FORMAT   auto | text | openai | anthropic | responses (default auto)
  --json            print {output, tokensBefore, tokensAfter, ms, transforms, ccrKeys}
  --stats           print a one-line summary of the savings on stderr (default when stderr is a terminal)
  --debug           show stack traces on errors
  -h, --help        show this help

Settings you would otherwise repeat (model, minTokens, excludeTools, compress.{toolResults,
userData, userProse, system, assistant}, deadlineMs) can go in headroom.config.json in the
working directory or in HEADROOM_HOME (default ~/.headroom).
`;
