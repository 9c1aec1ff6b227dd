import type { Aggregate } from './types.js';

/** Floors an aggregate missed: `retainedRate=1` fails when the rate is below 1. */
export function checkFloors(aggregate: Aggregate, floors: Readonly<Record<string, number>>): string[] {
  const failures: string[] = [];
  for (const [name, floor] of Object.entries(floors)) {
    const value = (aggregate as unknown as Record<string, number | undefined>)[name];
    if (value === undefined) failures.push(`${name} is not reported by this suite`);
    else if (value < floor) failures.push(`${name} ${value} is below the floor ${floor}`);
  }
  return failures;
}
