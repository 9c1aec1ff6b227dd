/**
 * Resolves on a later turn of the event loop. Work on a multi-megabyte text is done in slices
 * with a turn between them, so timers, sockets and other requests run meanwhile: a server that
 * compresses a 20 MB tool output keeps answering.
 */
export function nextTurn(): Promise<void> {
  // setImmediate runs after pending I/O; setTimeout(0) is the portable stand-in elsewhere.
  const immediate = (globalThis as { setImmediate?: (callback: () => void) => unknown }).setImmediate;
  return new Promise((resolve) => {
    if (immediate) immediate(resolve);
    else setTimeout(resolve, 0);
  });
}

/** Where to cut `text` near `end` so that a surrogate pair is never split (each half alone has no UTF-8 form). */
export function safeCut(text: string, end: number): number {
  if (end >= text.length) return text.length;
  const c = text.charCodeAt(end - 1);
  return c >= 0xd800 && c <= 0xdbff ? end - 1 : end;
}
