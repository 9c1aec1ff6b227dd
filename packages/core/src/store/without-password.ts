/** A storage URL fit for logs and `/health`: `redis://user:***@host`, `postgres://user:***@host/db`. */
export function withoutPassword(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}
