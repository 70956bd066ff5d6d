import { setTimeout as sleep } from 'node:timers/promises';
import { fetch, type Dispatcher } from 'undici';
import { AuthError, HttpError, NetworkError, NotFoundError, ThrottledError, UpstreamDataError, describePath } from '../errors.js';
import { SlidingWindowPacer } from '../slidingWindowPacer.js';
import type { IotAsset, IotBulkUpdateItem, IotBulkUpdateResponse, IotDeviceListResponse, IotErrorBody, IotValidationErrorBody } from './types.js';

export interface IotLimit {
  limit: number;
  windowMs: number;
}

/** One HTTP attempt, for stats, logs and the sync ledger. */
export interface IotRequestEvent {
  method: string;
  path: string;
  status: number | 'network-error';
  durationMs: number;
  /** 1 for the first try of a call, 2 for its first retry... */
  attempt: number;
}

export interface IotClientOptions {
  /** Origin of the tenant, e.g. https://acme.iot.paloaltonetworks.com or the emulator's https://127.0.0.1:PORT. */
  baseUrl: string;
  customerId: string;
  keyId: string;
  accessKey: string;
  dispatcher: Dispatcher;
  /** Per attempt, answer body included. @default 30000 */
  timeoutMs?: number;
  /** Per-tenant budgets we pace under. @default device/list 60 per 60 s, everything else 180 per 60 s */
  limits?: { list?: IotLimit | undefined; other?: IotLimit | undefined } | undefined;
  /** Retries per call, shared by 429s, 5xx answers and connection failures. @default 5 */
  maxRetries?: number;
  /** First wait before retrying a 5xx or a connection failure; doubles per retry. @default 500 */
  retryBaseMs?: number;
  onRequest?: (event: IotRequestEvent) => void;
}

export interface ListDevicesOptions {
  /** Full records (alert counters, vendor, third-party attributes...) instead of the summary fields. */
  detail?: boolean;
  /** 1..1000. @default 1000 */
  pageLength?: number;
  /** Only assets active at or after this time. */
  stime?: Date | string;
}

export interface IotTagRef {
  tagType: string;
  tagValue: string;
}

export interface IotClient {
  /** Pages of the inventory, in the service's order. */
  listDevices(options?: ListDevicesOptions): AsyncGenerator<IotAsset[], void, undefined>;
  listAllDevices(options?: ListDevicesOptions): Promise<IotAsset[]>;
  /** By MAC, or by IP for a static-IP asset; throws NotFoundError. */
  getDevice(deviceid: string): Promise<IotAsset>;
  /** Every asset seen on an address; empty when there is none. */
  getDevicesByIp(ip: string): Promise<IotAsset[]>;
  bulkUpdate(devicelist: readonly IotBulkUpdateItem[], options?: { updateSource?: string }): Promise<{ updatedDeviceNum: number }>;
  addTag(tag: IotTagRef, deviceids: readonly string[]): Promise<void>;
  removeTag(tag: IotTagRef, deviceids: readonly string[]): Promise<void>;
}

/** Published per-tenant limits (pan-iot-security-python `mixin.py`): device/list 60 a minute, the rest 180. */
const DOCUMENTED_LIMITS = {
  list: { limit: 60, windowMs: 60_000 },
  other: { limit: 180, windowMs: 60_000 },
} as const;

const MAX_PAGE_LENGTH = 1000;
/** "The limit of the device list is 50" for tag calls. */
const MAX_TAG_DEVICES = 50;
const MAX_RETRY_WAIT_MS = 30_000;

/**
 * Every call this client makes may be sent twice: reads, the bulkUpdate upsert (writing the same attributes again
 * leaves the same record) and set-like tag add/remove. So one policy serves all: 429 (refused, nothing done),
 * 5xx and connection failures (possibly done, harmless to repeat) are retried.
 */
const RETRIED_STATUSES = new Set([500, 502, 503, 504]);

type Family = keyof typeof DOCUMENTED_LIMITS;
type Where = { method: string; path: string };

interface Call {
  family: Family;
  method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  route: string;
  query?: Record<string, string>;
  body?: unknown;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function isAsset(v: unknown): v is IotAsset {
  return isObject(v) && typeof v.deviceid === 'string';
}

function isDeviceList(v: unknown): v is Pick<IotDeviceListResponse, 'devices'> {
  return isObject(v) && Array.isArray(v.devices) && v.devices.every(isAsset);
}

function isBulkUpdateReply(v: unknown): v is Pick<IotBulkUpdateResponse, 'updatedDeviceNum'> {
  return isObject(v) && typeof v.updatedDeviceNum === 'number';
}

function isErrorBody(v: unknown): v is IotErrorBody {
  return isObject(v) && typeof v.msg === 'string';
}

function isValidationBody(v: unknown): v is IotValidationErrorBody {
  return isObject(v) && isObject(v.validations) && Array.isArray(v.validations.body);
}

function isTimeout(err: unknown): boolean {
  return err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
}

function causeOf(err: unknown): { code?: unknown; message?: unknown } | undefined {
  return (err as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
}

/** A certificate the dispatcher does not trust stays untrusted: fail at once instead of retrying for seconds. */
function isTlsRejection(err: unknown): boolean {
  const code = causeOf(err)?.code;
  return typeof code === 'string' && /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|^ERR_TLS_/.test(code);
}

/**
 * IoT sends no Retry-After, so on a 429 we wait as the official SDK does: window/limit, doubling up to a quarter
 * of the window. The jitter only adds, so we never come back sooner than the SDK would.
 */
class ThrottleBackoff {
  #delayMs: number;
  readonly #capMs: number;

  constructor(limit: IotLimit) {
    this.#capMs = limit.windowMs / 4;
    this.#delayMs = Math.min(limit.windowMs / limit.limit, this.#capMs);
  }

  next(): number {
    const wait = this.#delayMs * (1 + Math.random() * 0.25);
    this.#delayMs = Math.min(this.#delayMs * 2, this.#capMs);
    return wait;
  }
}

export function createIotClient(options: IotClientOptions): IotClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 30_000;
  const maxRetries = options.maxRetries ?? 5;
  const retryBaseMs = options.retryBaseMs ?? 500;
  const limits = {
    list: options.limits?.list ?? DOCUMENTED_LIMITS.list,
    other: options.limits?.other ?? DOCUMENTED_LIMITS.other,
  };
  const pacers = { list: new SlidingWindowPacer(limits.list), other: new SlidingWindowPacer(limits.other) };

  /** Upstream text goes into messages only through here: a server or proxy echoing our headers must not leak the key. */
  function redact(text: string): string {
    return options.accessKey ? text.split(options.accessKey).join('***') : text;
  }

  function failureWait(attempt: number): number {
    const full = Math.min(retryBaseMs * 2 ** (attempt - 1), MAX_RETRY_WAIT_MS);
    return full / 2 + (Math.random() * full) / 2;
  }

  async function exchange(url: URL, call: Call, where: Where, attempt: number): Promise<{ status: number; text: string }> {
    const settle = await pacers[call.family].acquire();
    const started = performance.now();
    let status: IotRequestEvent['status'] = 'network-error';
    try {
      const headers: Record<string, string> = {
        'X-Key-Id': options.keyId,
        'X-Access-Key': options.accessKey,
        Accept: 'application/json',
      };
      if (call.body !== undefined) headers['Content-Type'] = 'application/json';
      const res = await fetch(url, {
        method: call.method,
        headers,
        // Bytes rather than a string: fetch would check every character of a 60 KB bulkUpdate body for lone surrogates.
        body: call.body === undefined ? undefined : Buffer.from(JSON.stringify(call.body)),
        dispatcher: options.dispatcher,
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await res.text();
      status = res.status;
      return { status, text };
    } finally {
      settle();
      options.onRequest?.({ ...where, status, durationMs: performance.now() - started, attempt });
    }
  }

  function networkError(err: unknown, where: Where): NetworkError {
    if (isTimeout(err)) return new NetworkError('iot', `timed out after ${timeoutMs} ms`, { ...where, cause: err });
    const cause = causeOf(err);
    const reason = typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : String((err as Error).message);
    return new NetworkError('iot', `failed: ${redact(reason)}`, { ...where, cause: err });
  }

  /** `{code,msg}` bodies, JSON-Schema validation bodies, or whatever a proxy in between sent. */
  function statusError(status: number, text: string, where: Where): HttpError {
    let code: string | undefined;
    let detail: string | undefined;
    try {
      const body: unknown = JSON.parse(text);
      if (isErrorBody(body)) {
        detail = body.msg;
        // IoT repeats the status as its code; keep it only when it says something else.
        if (body.code !== undefined && String(body.code) !== String(status)) code = String(body.code);
      } else if (isValidationBody(body)) {
        detail = body.validations.body.map((v) => `${String(v?.property)} ${typeof v?.message === 'string' ? v.message : 'is invalid'}`).join('; ');
        code = 'validation';
      }
    } catch {
      detail = text.trim().slice(0, 200) || undefined;
    }
    const init = { ...where, code, detail: detail === undefined ? undefined : redact(detail) };
    if (status === 401 || status === 403) return new AuthError('iot', status, init);
    if (status === 404) return new NotFoundError('iot', status, init);
    return new HttpError('iot', status, init);
  }

  /**
   * Sends one call with pacing and retries; resolves to the JSON of the 2xx answer once `accepts` recognises it.
   * `expected` names what was missing when it does not.
   */
  async function request<T>(call: Call, accepts: (body: unknown) => body is T, expected: string): Promise<T> {
    const url = new URL(`${baseUrl}/pub/v4.0/${call.route}`);
    url.searchParams.set('customerid', options.customerId);
    for (const [name, value] of Object.entries(call.query ?? {})) url.searchParams.set(name, value);
    const where: Where = { method: call.method, path: describePath(url) };
    const throttle = new ThrottleBackoff(limits[call.family]);

    for (let attempt = 1; ; attempt++) {
      const mayRetry = attempt <= maxRetries;
      let answer: { status: number; text: string };
      try {
        answer = await exchange(url, call, where, attempt);
      } catch (err) {
        if (!mayRetry || isTlsRejection(err)) throw networkError(err, where);
        await sleep(failureWait(attempt));
        continue;
      }
      const { status, text } = answer;
      if (status >= 200 && status < 300) {
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch (err) {
          throw new UpstreamDataError('iot', `iot: ${where.method} ${where.path} answered ${status} with a body that is not JSON`, { ...where, cause: err });
        }
        if (!accepts(body)) throw new UpstreamDataError('iot', `iot: ${where.method} ${where.path} answered ${status} without ${expected}`, where);
        return body;
      }
      if (status === 429) {
        if (!mayRetry) throw new ThrottledError('iot', where);
        await sleep(throttle.next());
        continue;
      }
      if (RETRIED_STATUSES.has(status) && mayRetry) {
        await sleep(failureWait(attempt));
        continue;
      }
      throw statusError(status, text, where);
    }
  }

  async function* listDevices(opts: ListDevicesOptions = {}): AsyncGenerator<IotAsset[], void, undefined> {
    const pageLength = opts.pageLength ?? MAX_PAGE_LENGTH;
    if (!Number.isInteger(pageLength) || pageLength < 1 || pageLength > MAX_PAGE_LENGTH) {
      throw new RangeError(`iot: pageLength must be an integer from 1 to ${MAX_PAGE_LENGTH}, got ${pageLength}`);
    }
    const query: Record<string, string> = { pagelength: String(pageLength), detail: opts.detail ? 'true' : 'false' };
    if (opts.stime !== undefined) query.stime = opts.stime instanceof Date ? opts.stime.toISOString() : opts.stime;

    for (let offset = 0; ; ) {
      const call: Call = { family: 'list', method: 'GET', route: 'device/list', query: { ...query, offset: String(offset) } };
      const { devices } = await request(call, isDeviceList, 'a devices array of records with a deviceid');
      if (devices.length > 0) yield devices;
      // `total` is the size of this page, not of the inventory: only a short page says we are done.
      if (devices.length < pageLength) return;
      offset += devices.length;
    }
  }

  async function changeTag(method: 'POST' | 'DELETE', tag: IotTagRef, deviceids: readonly string[], confirmation: string): Promise<void> {
    const confirms = (body: unknown): body is Record<string, unknown> => isObject(body) && body[confirmation] === 'yes';
    for (let i = 0; i < deviceids.length; i += MAX_TAG_DEVICES) {
      const body = { tag, deviceidlist: deviceids.slice(i, i + MAX_TAG_DEVICES) };
      await request({ family: 'other', method, route: 'tag', body }, confirms, `${confirmation}: "yes"`);
    }
  }

  return {
    listDevices,

    async listAllDevices(opts) {
      // Keyed by deviceid: an asset created while we page shifts the offsets and would otherwise come back twice.
      const all = new Map<string, IotAsset>();
      for await (const page of listDevices(opts)) for (const asset of page) all.set(asset.deviceid, asset);
      return [...all.values()];
    },

    getDevice: (deviceid) => request({ family: 'other', method: 'GET', route: 'device', query: { deviceid } }, isAsset, 'a device record'),

    async getDevicesByIp(ip) {
      try {
        const { devices } = await request({ family: 'other', method: 'GET', route: 'device/ip', query: { ip } }, isDeviceList, 'a devices array');
        return devices;
      } catch (err) {
        // The service answers 404 rather than an empty list when nothing is on the address.
        if (err instanceof NotFoundError) return [];
        throw err;
      }
    },

    async bulkUpdate(devicelist, opts = {}) {
      const call: Call = {
        family: 'other',
        method: 'PUT',
        route: 'device/bulkUpdate',
        query: opts.updateSource ? { updateSource: opts.updateSource } : {},
        body: { devicelist },
      };
      const { updatedDeviceNum } = await request(call, isBulkUpdateReply, 'updatedDeviceNum');
      return { updatedDeviceNum };
    },

    addTag: (tag, deviceids) => changeTag('POST', tag, deviceids, 'updateSuccess'),
    removeTag: (tag, deviceids) => changeTag('DELETE', tag, deviceids, 'removeSuccess'),
  };
}
