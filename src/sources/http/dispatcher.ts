import { createSecureContext, rootCertificates } from 'node:tls';
import { readFileSync } from 'node:fs';
import { Agent, type Dispatcher } from 'undici';

/**
 * One connection pool for every upstream call. An extra CA (the emulator's, or a corporate TLS-inspecting
 * proxy's) is trusted *in addition to* the public roots: verification stays on, we only widen what we trust.
 * undici 6 matches the fetch built into Node 20, so this dispatcher can be handed to the global fetch too
 * (graph-client calls the global fetch with its `fetchOptions`).
 */
export function createDispatcher(options: { extraCaFile?: string | undefined; extraCaPem?: string | undefined; connections?: number } = {}): Dispatcher {
  const extra = options.extraCaPem ?? (options.extraCaFile ? readFileSync(options.extraCaFile, 'utf8') : undefined);
  return new Agent({
    // Per origin. A refresh's hydration has up to 100 $batch envelopes in flight (its budget's worth); fewer
    // sockets would queue them here and spread each window's requests over several round trips.
    connections: options.connections ?? 128,
    keepAliveTimeout: 4_000,
    // One secure context for every connection: given `ca` instead, each new connection parsed the 140-odd public
    // roots again, 10–30 ms of CPU a time, and a sync that opens dozens of connections at once stalled on it.
    connect: extra ? { secureContext: createSecureContext({ ca: [...rootCertificates, extra] }) } : {},
  });
}
