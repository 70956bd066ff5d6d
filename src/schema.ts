import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The SDL files in schema/, joined. Resolved from this module, so `src/` under tsx and `dist/` after a build both find it. */
export function loadTypeDefs(): string {
  const dir = fileURLToPath(new URL('../schema/', import.meta.url));
  return readdirSync(dir)
    .filter((f) => f.endsWith('.graphql'))
    .sort()
    .map((f) => readFileSync(dir + f, 'utf8'))
    .join('\n');
}
