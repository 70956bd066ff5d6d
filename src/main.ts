/**
 * The process entry point (`npm start`). The process-wide defaults come first, then the gateway's modules load:
 * graphql-js reads NODE_ENV when it is first imported, which a static import would do before any line here ran.
 */
import { applyProcessDefaults } from './processDefaults.js';

applyProcessDefaults();
await import('./gatewayMain.js');
