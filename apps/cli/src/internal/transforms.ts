import { createJsonMinify, createRepeatFold, type Transform } from '@headroom/core';

/** The transforms the CLI assembles, in routing priority order. */
export function defaultTransforms(): Transform[] {
  return [createJsonMinify(), createRepeatFold()];
}
