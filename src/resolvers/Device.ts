import type { DeviceResolvers } from '../__generated__/resolvers-types.js';
import { GatewayError, GatewayErrorCode } from '../errors.js';
import { NotFoundError } from '../sources/errors.js';

/** Live IoT reads per request; the API allows 180 single-device reads a minute for the whole tenant. */
const LIVE_IOT_READS_PER_REQUEST = 1;

export const Device: DeviceResolvers = {
  name: (device) => device.attributes.deviceName.value,

  // The live sections resolve through per-request loaders: every device of a page asks in the same tick, and
  // the loaders send all of it to Graph in shared $batch envelopes. A failure nulls the section only.
  entra: (device, _, ctx) => (device.entraObjectIds[0] ? ctx.loaders.entraDevice(device.entraObjectIds[0]) : null),
  intune: (device, _, ctx) => (device.intuneIds[0] ? ctx.loaders.intuneDevice(device.intuneIds[0]) : null),

  async iot(device, { live }, ctx) {
    const deviceid = device.iotDeviceIds[0];
    if (!deviceid) return null;
    if (!live) return ctx.loaders.iotAsset.load(deviceid);
    if (++ctx.liveIotReads > LIVE_IOT_READS_PER_REQUEST) {
      throw new GatewayError(
        GatewayErrorCode.LIMIT_EXCEEDED,
        `iot(live: true) reads one device per request (IoT Security allows 180 single-device reads a minute); the snapshot is served without live: true`,
      );
    }
    try {
      return await ctx.sources.iot.getDevice(deviceid);
    } catch (err) {
      if (err instanceof NotFoundError) return null;
      throw err;
    }
  },
};
