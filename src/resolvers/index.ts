import type { Resolvers } from '../__generated__/resolvers-types.js';
import { Device } from './Device.js';
import { DeviceConnection } from './DeviceConnection.js';
import { DeviceStats } from './DeviceStats.js';
import { EntraDeviceDetails } from './EntraDeviceDetails.js';
import * as enums from './enums.js';
import { IntuneDeviceDetails } from './IntuneDeviceDetails.js';
import { InventoryStatus } from './InventoryStatus.js';
import { IotAssetDetails } from './IotAssetDetails.js';
import { MacConflict } from './MacConflict.js';
import { MatchLink } from './MatchLink.js';
import { Mutation } from './Mutation.js';
import { Query } from './Query.js';
import { DateTime } from './scalars.js';
import { SyncItem } from './SyncItem.js';
import { SyncItemConnection } from './SyncItemConnection.js';
import { SyncRun } from './SyncRun.js';
import { SyncRunConnection } from './SyncRunConnection.js';


export const resolvers: Resolvers = {
  ...enums,
  DateTime,
  Query,
  Mutation,
  Device,
  DeviceConnection,
  DeviceStats,
  MatchLink,
  MacConflict,
  EntraDeviceDetails,
  IntuneDeviceDetails,
  IotAssetDetails,
  InventoryStatus,
  SyncRun,
  SyncItem,
  SyncItemConnection,
  SyncRunConnection,
};
