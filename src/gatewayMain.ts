/** Starts the gateway from the environment (loadConfig), prints where it listens, and stops on SIGINT/SIGTERM. */
import { ConfigError, loadConfig } from './config.js';
import { startGateway } from './server.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`entra-iot-gateway: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const gateway = await startGateway(config, { waitForFirstRefresh: false });
  const where = config.mode === 'embedded' ? 'on the embedded emulators (no tenant settings set)' : 'against the configured tenant';
  process.stderr.write(`entra-iot-gateway ${where}\n  playground  ${gateway.url}/graphql\n  health      ${gateway.url}/healthz, ${gateway.url}/readyz\n`);
  if (gateway.emulators) process.stderr.write(`  emulators   settings in ${config.dataDir}/emulators.json\n`);
  // Printed, never logged: the key is for the person at this terminal, and log lines travel further.
  if (gateway.demoApiKey) process.stderr.write(`  demo key    ${gateway.demoApiKey}  (operator; send it as x-api-key; the playground does)\n`);
  if (config.auth.mode === 'off') process.stderr.write('  auth        OFF (AUTH_MODE=off): every caller may query, refresh and sync\n');

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    gateway.logger.info({ signal }, 'shutting down');
    gateway.close().then(
      () => process.exit(0),
      (err: unknown) => {
        gateway.logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  process.stderr.write(`entra-iot-gateway: could not start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
