import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs. Two guards keep credentials out: known secret-bearing keys are redacted wherever they
 * sit, and the configured secret values themselves are replaced in every string that is logged, so an upstream
 * body or an error message that echoes a key back cannot leak it either.
 */
export function createLogger(options: { level: string; secrets?: ReadonlyArray<string | undefined>; destination?: pino.DestinationStream }): Logger {
  const secrets = (options.secrets ?? []).filter((s): s is string => typeof s === 'string' && s.length >= 6);
  const scrub = (text: string): string => {
    let out = text;
    for (const s of secrets) if (out.includes(s)) out = out.split(s).join('[redacted]');
    // Bearer tokens we did not configure (user tokens, Graph access tokens) have a recognisable shape.
    // The gateway's own API keys (src/auth/apiKeys.ts) have one too.
    return out.replace(/\b(Bearer\s+)[A-Za-z0-9\-_.~+/]+=*/gi, '$1[redacted]').replace(/\beig_[A-Za-z0-9_-]{43}/g, '[redacted-api-key]').replace(/\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]*/g, '[redacted-jwt]');
  };
  const deepScrub = (value: unknown, depth = 0): unknown => {
    if (typeof value === 'string') return scrub(value);
    if (depth > 6 || value === null || typeof value !== 'object') return value;
    if (value instanceof Error) return { type: value.name, message: scrub(value.message), stack: value.stack ? scrub(value.stack) : undefined };
    if (Array.isArray(value)) return value.map((v) => deepScrub(v, depth + 1));
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, deepScrub(v, depth + 1)]));
  };
  return pino(
    {
      level: options.level,
      base: undefined,
      redact: {
        paths: ['authorization', 'headers.authorization', 'req.headers.authorization', '*.clientSecret', '*.accessKey', '*.access_token', '*.AZURE_CLIENT_SECRET', '*.IOT_ACCESS_KEY', 'x-access-key', '*["x-access-key"]', '*["x-api-key"]'],
        censor: '[redacted]',
      },
      formatters: { log: (obj) => deepScrub(obj) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((a) => (typeof a === 'string' ? scrub(a) : a)) as Parameters<typeof method>);
        },
      },
    },
    options.destination,
  );
}
