import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where Headroom keeps its files: `HEADROOM_HOME`, or `~/.headroom`. */
export function headroomHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.HEADROOM_HOME || join(homedir(), '.headroom');
}
