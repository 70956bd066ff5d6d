import type { IotAsset } from '../../src/sources/iot/types.js';
import { createDispatcher } from '../../src/sources/http/dispatcher.js';
import { createIotClient } from '../../src/sources/iot/iotClient.js';

/** The whole IoT inventory as the IoT API answers it, read with a client of its own. */
export async function readIotInventory(settings: Record<string, string>): Promise<IotAsset[]> {
  const dispatcher = createDispatcher({ extraCaFile: settings.caFile ?? settings.EXTRA_CA_FILE });
  const client = createIotClient({
    baseUrl: settings.IOT_BASE_URL!,
    customerId: settings.IOT_CUSTOMER_ID!,
    keyId: settings.IOT_KEY_ID!,
    accessKey: settings.IOT_ACCESS_KEY!,
    dispatcher,
    // The test's reads must not eat into the gateway's budget assumptions: the emulators under test run with raised limits.
    limits: { list: { limit: 1000, windowMs: 1000 }, other: { limit: 1000, windowMs: 1000 } },
  });
  try {
    return await client.listAllDevices({ detail: true });
  } finally {
    await dispatcher.close();
  }
}

/**
 * What enrichment decides about an inventory: each asset's id and the attributes written under `prefix`.
 * Times the emulator stamps on creation (first seen, last activity) differ between runs and are left out.
 */
export function enrichmentView(assets: readonly IotAsset[], prefix = 'ms_entra_id.'): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const a of [...assets].sort((x, y) => (x.deviceid < y.deviceid ? -1 : 1))) {
    out[a.deviceid] = Object.fromEntries(Object.entries(a).filter(([k]) => k.startsWith(prefix)).sort(([x], [y]) => (x < y ? -1 : 1)));
  }
  return out;
}
