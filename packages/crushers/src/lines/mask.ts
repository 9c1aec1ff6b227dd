/**
 * The template of a line: variable parts (timestamps, numbers, hex ids, UUIDs, IP addresses,
 * paths, quoted strings) replaced by placeholders, so lines that say the same thing about
 * different values share a template. Linear-time patterns only, so crafted lines cannot make
 * them backtrack.
 */
export function lineTemplate(line: string): string {
  return line
    .slice(0, 400)
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<uuid>')
    .replace(/\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b/g, '<ip>')
    .replace(/\b[0-9a-f]{7,64}\b/gi, (m) => (/\d/.test(m) && /[a-f]/i.test(m) ? '<hex>' : m))
    .replace(/"[^"\n]{0,200}"|'[^'\n]{0,200}'/g, '<str>')
    .replace(/(?:\/[\w.@+-]+){2,}\/?/g, '<path>')
    .replace(/[-+]?\d+(?:[.,:]\d+)*/g, '<n>');
}

/** Lowercase level or failure word found in a line, if any. */
const LEVEL = /\b(fatal|critical|panic|error|err|exception|failed|failure|severe|warn|warning|traceback)\b/i;

export type Severity = 'error' | 'warning' | undefined;

/** An access log's request line and status: `"GET /x HTTP/1.1" 404`. */
const REQUEST_STATUS = /"[A-Z]+ \S+ HTTP\/[\d.]+" (\d{3})\b/;
/** A logfmt line's status field: `status=404`. */
const FIELD_STATUS = /\b(?:status|status_code|http_status)=(\d{3})\b/;

const clip = (line: string) => (line.length > 2000 ? line.slice(0, 2000) : line);

/** The HTTP status an access-log or logfmt line reports, if it is one. */
export function httpStatus(line: string): string | undefined {
  return REQUEST_STATUS.exec(clip(line))?.[1] ?? FIELD_STATUS.exec(clip(line))?.[1];
}

/**
 * How bad a line says things are: a level or failure word, or an access-log status that is not a
 * success (5xx an error, 4xx a warning) — the one failed request among thousands must stay.
 */
export function severity(line: string): Severity {
  const status = httpStatus(line);
  if (status && status >= '400') return status >= '500' ? 'error' : 'warning';
  // A successful request whose path says `error` (`GET /errors/ 200`) is no failure.
  if (status && REQUEST_STATUS.test(clip(line))) return undefined;
  const m = LEVEL.exec(line.length > 600 ? line.slice(0, 600) : line);
  if (!m) return undefined;
  const word = (m[1] as string).toLowerCase();
  return word === 'warn' || word === 'warning' ? 'warning' : 'error';
}

const LEVEL_NAME = /\b(TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|FATAL|CRITICAL|SEVERE)\b/;

/** The log level written in a line (`INFO`, `ERROR`, …), for per-level counts of omissions. */
export function levelName(line: string): string | undefined {
  return LEVEL_NAME.exec(line.length > 300 ? line.slice(0, 300) : line)?.[1];
}

/**
 * Lines that sum a run up: test totals (`1 failed, 1171 passed`, `Tests: 3 passed`, `== 5 passed
 * in 0.2s ==`), exit codes, build results. Always kept. A single count in an ordinary line
 * (`test 5 passed in 3ms`) is not a summary: the whole log would otherwise be one.
 */
const SUMMARY =
  /(^[\s=*#>-]*(tests?|test suites|test files|summary|results?|ran|totals?|done|finished)\b.*\d|^=+ .+ =+$|\b\d+ (passed|failed|errors?|skipped|warnings?)\b.*\b\d+ (passed|failed|errors?|warnings?|skipped|deselected)\b|\bexit (code|status):? -?\d+|\b(BUILD|TESTS?) (SUCCESS(FUL)?|FAILED|PASSED)\b|\bno (errors|problems|issues) found\b|\b\d+ files? changed\b)/i;

export function isSummaryLine(line: string): boolean {
  return SUMMARY.test(line.length > 400 ? line.slice(0, 400) : line);
}
