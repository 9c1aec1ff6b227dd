/**
 * A strict RFC 8259 JSON scanner that validates and removes insignificant whitespace in one
 * pass, without ever turning a value into a JS value and back. Number literals
 * (`12345678901234567890`, `1e3`, `-0.0`), key order, duplicate keys, string escapes and
 * Unicode come out exactly as written. Nesting depth is tracked on an explicit stack, so
 * any depth works (no recursion limit).
 *
 * Also accepts a stream of documents separated by newlines (NDJSON / JSON Lines); they come
 * out one per line. Only objects and arrays count as documents: a bare `42` is not a JSON
 * tool output worth routing.
 */
export type JsonScan =
  | { readonly ok: true; readonly minified: string; readonly documents: number }
  | { readonly ok: false; readonly offset: number };

enum Expect {
  Value,
  ValueOrClose,
  Key,
  KeyOrClose,
  Colon,
  CommaOrClose,
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

export function scanJson(text: string): JsonScan {
  const out: string[] = [];
  const stack: number[] = []; // 0x7b '{' or 0x5b '['
  let expect = Expect.Value;
  let documents = 0;
  let i = 0;
  const n = text.length;

  const fail = (offset: number): JsonScan => ({ ok: false, offset });

  while (true) {
    // Skip whitespace, remembering whether it crossed a line (documents are line-separated).
    let sawNewline = false;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x09 || c === 0x0d) i++;
      else if (c === 0x0a) {
        sawNewline = true;
        i++;
      } else break;
    }
    if (i >= n) break;

    const atTop = stack.length === 0;
    if (atTop && documents > 0) {
      if (!sawNewline) return fail(i);
      out.push('\n');
    }
    const c = text.charCodeAt(i);

    if (expect === Expect.Colon) {
      if (c !== 0x3a) return fail(i);
      out.push(':');
      i++;
      expect = Expect.Value;
      continue;
    }
    if (expect === Expect.CommaOrClose) {
      const top = stack[stack.length - 1];
      if (c === 0x2c) {
        out.push(',');
        i++;
        expect = top === 0x7b ? Expect.Key : Expect.Value;
        continue;
      }
      if ((c === 0x7d && top === 0x7b) || (c === 0x5d && top === 0x5b)) {
        out.push(text[i] as string);
        i++;
        stack.pop();
        if (stack.length === 0) {
          documents++;
          expect = Expect.Value;
        }
        continue;
      }
      return fail(i);
    }
    if (expect === Expect.Key || expect === Expect.KeyOrClose) {
      if (c === 0x7d && expect === Expect.KeyOrClose) {
        out.push('}');
        i++;
        stack.pop();
        if (stack.length === 0) {
          documents++;
          expect = Expect.Value;
        } else expect = Expect.CommaOrClose;
        continue;
      }
      if (c !== QUOTE) return fail(i);
      const end = scanString(text, i);
      if (end < 0) return fail(i);
      out.push(text.slice(i, end));
      i = end;
      expect = Expect.Colon;
      continue;
    }

    // Expect.Value or Expect.ValueOrClose
    if (c === 0x5d && expect === Expect.ValueOrClose) {
      out.push(']');
      i++;
      stack.pop();
      if (stack.length === 0) {
        documents++;
        expect = Expect.Value;
      } else expect = Expect.CommaOrClose;
      continue;
    }
    if (c === 0x7b || c === 0x5b) {
      out.push(c === 0x7b ? '{' : '[');
      stack.push(c);
      i++;
      expect = c === 0x7b ? Expect.KeyOrClose : Expect.ValueOrClose;
      continue;
    }
    if (atTop) return fail(i); // scalars only inside containers
    let end: number;
    if (c === QUOTE) end = scanString(text, i);
    else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) end = scanNumber(text, i);
    else if (text.startsWith('true', i)) end = i + 4;
    else if (text.startsWith('false', i)) end = i + 5;
    else if (text.startsWith('null', i)) end = i + 4;
    else end = -1;
    if (end < 0) return fail(i);
    out.push(text.slice(i, end));
    i = end;
    expect = Expect.CommaOrClose;
  }

  if (stack.length > 0 || documents === 0) return fail(n);
  return { ok: true, minified: out.join(''), documents };
}

/** End offset (exclusive) of the string starting at `start`, or -1 if it is not valid JSON. */
function scanString(text: string, start: number): number {
  let i = start + 1;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) return i + 1;
    if (c < 0x20) return -1;
    if (c === BACKSLASH) {
      const e = text.charCodeAt(i + 1);
      if (e === 0x75) {
        // \uXXXX
        for (let k = 2; k < 6; k++) if (!isHex(text.charCodeAt(i + k))) return -1;
        i += 6;
      } else if (
        e === QUOTE ||
        e === BACKSLASH ||
        e === 0x2f ||
        e === 0x62 ||
        e === 0x66 ||
        e === 0x6e ||
        e === 0x72 ||
        e === 0x74
      ) {
        i += 2;
      } else return -1;
    } else i++;
  }
  return -1;
}

/** End offset of the number literal at `start` (`-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?`), or -1. */
function scanNumber(text: string, start: number): number {
  let i = start;
  if (text.charCodeAt(i) === 0x2d) i++;
  const first = text.charCodeAt(i);
  if (first === 0x30) i++;
  else if (first >= 0x31 && first <= 0x39) while (isDigit(text.charCodeAt(i))) i++;
  else return -1;
  if (text.charCodeAt(i) === 0x2e) {
    i++;
    if (!isDigit(text.charCodeAt(i))) return -1;
    while (isDigit(text.charCodeAt(i))) i++;
  }
  const e = text.charCodeAt(i);
  if (e === 0x65 || e === 0x45) {
    i++;
    const sign = text.charCodeAt(i);
    if (sign === 0x2b || sign === 0x2d) i++;
    if (!isDigit(text.charCodeAt(i))) return -1;
    while (isDigit(text.charCodeAt(i))) i++;
  }
  // A number must be followed by a delimiter, not glued to a letter (`12abc`).
  const next = text.charCodeAt(i);
  if (
    i < text.length &&
    !(
      next === 0x2c ||
      next === 0x5d ||
      next === 0x7d ||
      next === 0x20 ||
      next === 0x0a ||
      next === 0x0d ||
      next === 0x09
    )
  ) {
    return -1;
  }
  return i;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
}

/**
 * End (exclusive) of the JSON string whose opening quote is at `start`, in text already known to
 * be valid JSON (see `scanJson`): escapes are skipped, nothing is checked.
 */
export function jsonStringEnd(text: string, start: number): number {
  // From quote to quote with the runtime's native search; a quote ends the string unless an odd
  // run of backslashes escapes it. Text that ends inside a string ends it at the text's end.
  for (let from = start + 1; ; ) {
    const quote = text.indexOf('"', from);
    if (quote < 0) return text.length;
    let backslash = quote - 1;
    while (text.charCodeAt(backslash) === BACKSLASH) backslash--;
    if ((quote - 1 - backslash) % 2 === 0) return quote + 1;
    from = quote + 1;
  }
}
