import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';
import { fetch, type Dispatcher } from 'undici';

/**
 * msal-node's HTTP client, swapped for one that uses our dispatcher. Why: msal's built-in client uses the
 * global fetch with the public roots only, so it could not reach an authority behind a TLS-inspecting proxy
 * or the emulator; this is the one place msal's traffic gets the extra CA.
 */
export function createMsalNetworkModule(dispatcher: Dispatcher, defaultTimeoutMs = 30_000): INetworkModule {
  async function send<T>(method: 'GET' | 'POST', url: string, options: NetworkRequestOptions | undefined, timeout?: number): Promise<NetworkResponse<T>> {
    const res = await fetch(url, {
      method,
      headers: options?.headers,
      body: method === 'POST' ? options?.body : undefined,
      dispatcher,
      signal: AbortSignal.timeout(timeout && timeout > 0 ? timeout : defaultTimeoutMs),
    });
    const text = await res.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : {};
    } catch {
      // msal reads `error`/`error_description` from the body; a non-JSON answer (a proxy's HTML page) has neither.
      body = {};
    }
    const headers: Record<string, string> = {};
    res.headers.forEach((v, k) => (headers[k.toLowerCase()] = v));
    return { headers, body: body as T, status: res.status };
  }
  return {
    sendGetRequestAsync: (url, options, timeout) => send('GET', url, options, timeout),
    sendPostRequestAsync: (url, options) => send('POST', url, options),
  };
}
