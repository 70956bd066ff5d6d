import type { Dispatcher } from 'undici';
import type { TenantSettings } from '../config.js';
import { createEntraSource, type EntraSource } from './entra/entraSource.js';
import { createGraph, type Graph, type GraphCallEvent } from './graph/graphClient.js';
import { createMsalTokenProvider } from './graph/tokenProvider.js';
import { createDispatcher } from './http/dispatcher.js';
import { createIntuneSource, type IntuneSource } from './intune/intuneSource.js';
import { createIotClient, type IotClient, type IotRequestEvent } from './iot/iotClient.js';

/** Upstream HTTP requests made so far, by source; readers take differences around a piece of work. */
export interface UpstreamCounters {
  calls: Record<'entra' | 'intune' | 'iot', number>;
  /** 429s met: whole answers, and items inside $batch envelopes. */
  throttled: Record<'entra' | 'intune' | 'iot', number>;
}

export interface Sources {
  graph: Graph;
  counters: UpstreamCounters;
  entra: EntraSource;
  intune: IntuneSource;
  iot: IotClient;
  close(): Promise<void>;
}

export interface SourceOptions {
  extraCaFile?: string | undefined;
  onGraphCall?: (event: GraphCallEvent) => void;
  onIotRequest?: (event: IotRequestEvent) => void;
  graphLimits?: { intune?: { limit: number; windowMs: number }; directory?: { limit: number; windowMs: number } };
  iotLimits?: { list?: { limit: number; windowMs: number }; other?: { limit: number; windowMs: number } };
}

/** The real clients, the same in live and embedded mode: only the settings differ. */
export function createSources(tenant: TenantSettings, options: SourceOptions = {}): Sources {
  const dispatcher: Dispatcher = createDispatcher({ extraCaFile: options.extraCaFile });
  // 429 answers. Kept apart from counters.throttled, which is read-only getters: incrementing those threw inside
  // the clients' hooks, and the clients took a throttled answer for a network failure.
  const answers = { entra: 0, intune: 0, iot: 0 };
  const counters: UpstreamCounters = {
    calls: { entra: 0, intune: 0, iot: 0 },
    // Items throttled inside $batch envelopes count as throttling too; read through so the sum stays current.
    throttled: {
      get entra() {
        return answers.entra + graph.throttledBatchItems.entra;
      },
      get intune() {
        return answers.intune + graph.throttledBatchItems.intune;
      },
      get iot() {
        return answers.iot;
      },
    },
  };
  const tokenProvider = createMsalTokenProvider({
    tenantId: tenant.tenantId,
    clientId: tenant.clientId,
    clientSecret: tenant.clientSecret,
    clientCertificatePath: tenant.clientCertificatePath,
    authorityHost: tenant.authorityHost,
    dispatcher,
  });
  const graph = createGraph({
    baseUrl: tenant.graphBaseUrl,
    tokenProvider,
    dispatcher,
    onCall: (event) => {
      counters.calls[event.source]++;
      if (event.status === 429) answers[event.source]++;
      options.onGraphCall?.(event);
    },
    intuneBudget: options.graphLimits?.intune,
    directoryBudget: options.graphLimits?.directory,
  });
  const iot = createIotClient({
    baseUrl: tenant.iotBaseUrl,
    customerId: tenant.iotCustomerId,
    keyId: tenant.iotKeyId,
    accessKey: tenant.iotAccessKey,
    dispatcher,
    limits: options.iotLimits,
    onRequest: (event) => {
      counters.calls.iot++;
      if (event.status === 429) answers.iot++;
      options.onIotRequest?.(event);
    },
  });
  return {
    graph,
    counters,
    entra: createEntraSource(graph),
    intune: createIntuneSource(graph),
    iot,
    close: () => dispatcher.close(),
  };
}
