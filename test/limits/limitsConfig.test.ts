import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { refusalOf } from '../helpers/configEnv.js';


describe('query limits, CORS and metrics settings', () => {
  it('defaults: depth 12, 30 aliases, 500 fields and rows a page, 1,000 Graph requests, 1 MiB bodies, no CORS, /metrics on the main port', () => {
    const config = loadConfig({});
    expect(config.limits).toEqual({ maxDepth: 12, maxAliases: 30, maxFields: 500, maxPageSize: 500, maxGraphRequests: 1000, maxBodyBytes: 1024 * 1024 });
    expect(config.corsOrigins).toEqual([]);
    expect(config.metricsPort).toBeUndefined();
    expect(Object.isFrozen(config.limits)).toBe(true);
  });

  it('reads every limit, sizes with units, origins normalised as browsers send them', () => {
    const config = loadConfig({
      QUERY_MAX_DEPTH: '8',
      QUERY_MAX_ALIASES: '0',
      QUERY_MAX_FIELDS: '200',
      QUERY_MAX_PAGE_SIZE: '100',
      MAX_QUERY_GRAPH_REQUESTS: '0',
      MAX_BODY_BYTES: '256KiB',
      CORS_ORIGINS: 'https://Dash.Example.com, http://localhost:5173,https://b.example:443/',
      METRICS_PORT: '9464',
    });
    expect(config.limits).toEqual({ maxDepth: 8, maxAliases: 0, maxFields: 200, maxPageSize: 100, maxGraphRequests: 0, maxBodyBytes: 256 * 1024 });
    expect(config.corsOrigins).toEqual(['https://dash.example.com', 'http://localhost:5173', 'https://b.example']);
    expect(config.metricsPort).toBe(9464);
    expect(loadConfig({ MAX_BODY_BYTES: '2MiB' }).limits.maxBodyBytes).toBe(2 * 1024 * 1024);
    expect(loadConfig({ MAX_BODY_BYTES: '4096' }).limits.maxBodyBytes).toBe(4096);
  });

  it('names each bad value and what it must be, all at once', () => {
    const message = refusalOf({
      QUERY_MAX_DEPTH: 'deep',
      QUERY_MAX_ALIASES: '-1',
      QUERY_MAX_FIELDS: '0',
      QUERY_MAX_PAGE_SIZE: '1000',
      MAX_QUERY_GRAPH_REQUESTS: '1.5',
      MAX_BODY_BYTES: '1GB',
      CORS_ORIGINS: '*,https://ok.example,https://a.example/app,ftp://files.example',
      METRICS_PORT: '70000',
    });
    expect(message).toContain('QUERY_MAX_DEPTH must be a whole number from 2 to 100 (got "deep")');
    expect(message).toContain('QUERY_MAX_ALIASES must be a whole number from 0 to 10000 (got "-1")');
    expect(message).toContain('QUERY_MAX_FIELDS must be a whole number from 1 to 100000 (got "0")');
    expect(message).toContain('QUERY_MAX_PAGE_SIZE must be a whole number from 1 to 500 (got "1000")');
    expect(message).toContain('MAX_QUERY_GRAPH_REQUESTS must be a whole number of at least 0 (got "1.5")');
    expect(message).toContain('MAX_BODY_BYTES must be a size from 1024 bytes to 64MiB, in bytes or with KiB/MiB, e.g. 1MiB (got "1GB")');
    for (const bad of ['*', 'https://a.example/app', 'ftp://files.example']) expect(message).toContain(`CORS_ORIGINS must list origins such as https://dashboard.example.com, separated by commas (scheme, host and port only; no *, path or query); got "${bad}"`);
    expect(message).not.toContain('"https://ok.example"');
    expect(message).toContain('METRICS_PORT must be a whole number from 0 to 65535 (got "70000")');
  });

  it('refuses METRICS_PORT equal to PORT', () => {
    expect(refusalOf({ PORT: '8080', METRICS_PORT: '8080' })).toContain('METRICS_PORT must differ from PORT (both are 8080)');
  });
});
