import { describe, expect, it } from 'vitest';
import { isSummaryLine } from './mask.js';

describe('isSummaryLine', () => {
  it.each([
    ['================= 1 failed, 1171 passed, 50 warnings in 4.21s =================', true],
    ['Tests:       3 failed, 97 passed, 100 total', true],
    ['Test Files  2 passed (2)', true],
    ['error: process exited with exit code 1', true],
    ['BUILD FAILED in 12s', true],
    [' 3 files changed, 10 insertions(+), 2 deletions(-)', true],
    ['2024-05-01T10:00:05Z INFO test 5 passed in 5ms', false],
    ['worker 3 processed 12 rows', false],
  ])('%j → %s', (line, expected) => {
    expect(isSummaryLine(line)).toBe(expected);
  });
});
