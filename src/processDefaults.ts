import { setFlagsFromString } from 'node:v8';

/**
 * Settings of the whole process, made before the gateway's modules load (src/main.ts imports them afterwards).
 *
 * - NODE_ENV defaults to production. graphql-js chooses its development checks when it is first imported; they
 *   cost a dashboard page about 0.3 ms of CPU and only find a second copy of graphql in node_modules. Apollo's
 *   own NODE_ENV defaults (introspection, stack traces, landing page) are all set explicitly in server.ts.
 * - The old generation grows by 30 % over what survived the last full collection, instead of V8's default of up
 *   to 4×. A refresh's working set is large and short-lived: at 100,000 devices about 400 MB is live while the
 *   snapshot is written, and the default growth let the process reach 1.5 GB of RSS for it; at 30 % it stays under
 *   900 MB, with no CPU cost the benchmark can see. It is a growth rate, not a cap: a bigger tenant still gets the
 *   memory it needs.
 */
export function applyProcessDefaults(): void {
  process.env.NODE_ENV ??= 'production';
  setFlagsFromString('--heap-growing-percent=30');
}
