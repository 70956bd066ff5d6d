import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** What a fresh process reports after applyProcessDefaults, with `env` as its environment. */
function afterDefaults(env: Record<string, string>): { nodeEnv: string | undefined } {
  const script = `
    const { applyProcessDefaults } = await import('./src/processDefaults.ts');
    applyProcessDefaults();
    console.log(JSON.stringify({ nodeEnv: process.env.NODE_ENV }));`;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: REPO_ROOT, env: { PATH: process.env.PATH!, ...env }, encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').at(-1)!);
}

describe('process defaults (npm start)', () => {
  it('runs in production mode unless NODE_ENV says otherwise', () => {
    expect(afterDefaults({}).nodeEnv).toBe('production');
    expect(afterDefaults({ NODE_ENV: 'development' }).nodeEnv).toBe('development');
  });
});
