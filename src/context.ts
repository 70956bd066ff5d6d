import type { Principal } from './auth/principal.js';
import type { InventoryRefresher } from './inventory/refresh.js';
import type { Loaders } from './loaders/index.js';
import type { Logger } from './logger.js';
import type { Sources } from './sources/index.js';
import type { Store } from './store/types.js';
import type { SyncService } from './sync/syncService.js';

/** Per request: created by the server for each GraphQL operation, never shared. */
export interface GatewayContext {
  requestId: string;
  /** Who is calling, authenticated before the operation was parsed; resolvers check its role where a field needs more. */
  principal: Principal;
  logger: Logger;
  store: Store;
  sources: Sources;
  inventory: InventoryRefresher;
  sync: SyncService;
  loaders: Loaders;
  /** Live single-asset IoT reads made by this request (the API allows 180 a minute for the whole tenant). */
  liveIotReads: number;
}
