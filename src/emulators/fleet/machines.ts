// The people and physical machines of a fleet: users, per-platform hardware, names, enrolment style, MACs, serials and hardware facts, drawn before any scenario is planted or record rendered.
import type { FleetUser } from './types.js';
import type { Random } from './random.js';
import { PLACEHOLDER_MAC } from './macs.js';
import {
  ANDROID_HARDWARE,
  APPLE_SERIAL,
  DELL_TAG,
  DOMAIN,
  FIRST_NAMES,
  IPAD_HARDWARE,
  IPHONE_HARDWARE,
  LAST_NAMES,
  MAC_HARDWARE,
  NOTES,
  SITE_WEIGHTS,
  UPPER_ALNUM,
  WINDOWS_HARDWARE,
} from './catalog.js';
import type { Hardware, Platform, SerialStyle } from './catalog.js';
import { PLATFORM_SHARES, WIFI_SHARES } from './shares.js';
import { FleetStage } from './model.js';
import type { HardwareFacts, Machine } from './model.js';

type MobileWifi = 'hardware' | 'randomized' | 'placeholder' | 'none';
type AndroidMode = 'workProfile' | 'fullyManaged' | 'dedicated';

export class MachineMaker extends FleetStage {
  private readonly serials = new Set<string>();
  private users: FleetUser[] = [];
  private ownerCursor = 0;

  /** The users first, then the machines handed out to them. */
  make(): { users: FleetUser[]; machines: Machine[] } {
    this.users = this.makeUsers(Math.max(5, Math.round(this.size * 0.62)));
    return { users: this.users, machines: this.makeMachines() };
  }

  // ----- people -------------------------------------------------------------------------------------------------

  private makeUsers(count: number): FleetUser[] {
    const taken = new Map<string, number>();
    const users: FleetUser[] = [];
    for (let i = 0; i < count; i++) {
      const first = this.rng.pick(FIRST_NAMES);
      const last = this.rng.pick(LAST_NAMES);
      const base = `${asciiLetters(first)}.${asciiLetters(last)}`;
      const seen = (taken.get(base) ?? 0) + 1;
      taken.set(base, seen);
      const upn = `${base}${seen > 1 ? seen : ''}@${DOMAIN}`;
      users.push({ id: this.rng.uuid(), displayName: `${first} ${last}`, userPrincipalName: upn, mail: upn });
    }
    return this.rng.shuffle(users);
  }

  /** Computers go to users in turn, so most people have one and a few (developers) have two. */
  private nextOwner(): FleetUser {
    const user = this.users[this.ownerCursor % this.users.length]!;
    this.ownerCursor++;
    return user;
  }

  private anyUser(): FleetUser {
    return this.rng.pick(this.users);
  }

  // ----- machines -----------------------------------------------------------------------------------------------

  private makeMachines(): Machine[] {
    const plan = this.rng.deal(this.size, PLATFORM_SHARES);
    const count = (platform: string) => plan.filter((p) => p === platform).length;
    const macWifi = dealer(this.rng.deal(count('macos'), WIFI_SHARES.macos));
    const iosWifi = dealer(this.rng.deal(count('ios'), WIFI_SHARES.ios));
    const androidWifi = dealer(this.rng.deal(count('android'), WIFI_SHARES.android));
    return plan.map((platform) => {
      switch (platform) {
        case 'windows':
          return this.windowsMachine(false);
        case 'macos':
          return this.macMachine(macWifi(), false);
        case 'ios':
          return this.appleMobile(iosWifi(), false);
        case 'android':
          return this.androidMachine(androidWifi(), false);
        case 'entraOnly':
          return this.personalRegistration();
      }
    });
  }

  /** Shared defaults; each platform overrides what differs. */
  private baseMachine(platform: Platform, hardware: Hardware, user: FleetUser | null, registeredOnly: boolean): Machine {
    const site = this.rng.weighted(SITE_WEIGHTS);
    return {
      platform,
      hw: hardware,
      registeredOnly,
      user,
      site,
      deviceName: '',
      serialNumber: this.serial(hardware.serial),
      intuneOs: '',
      entraOs: '',
      trustType: 'Workplace',
      enrollmentType: '',
      managementAgent: 'mdm',
      ownerType: 'company',
      managedNameToken: '',
      isSupervised: false,
      hasEntra: true,
      neverSignsIn: false,
      ethernet: null,
      wifi: null,
      ethernetStyle: 'intune',
      wifiStyle: 'intune',
      sharedEthernet: false,
      dongleRole: null,
      stale: false,
      unseen: false,
      hybridTwoEntra: false,
      reenrolled: false,
      facts: this.hardwareFacts(hardware),
      osVersion: '',
      compliance: 'compliant',
      // NaN, not 0: epoch milliseconds are doubles, and starting the fields as small integers would make V8 migrate
      // every machine object when the real times arrive.
      enrolledAt: Number.NaN,
      firstEnrolledAt: Number.NaN,
      lastSyncAt: Number.NaN,
      supersededLastSyncAt: Number.NaN,
      registeredAt: Number.NaN,
      lastSignInAt: null,
      entraDeviceId: null,
      otherEntraDeviceIds: [],
      records: [],
      entraObjectId: null,
      iotIds: [],
    };
  }

  private windowsMachine(registeredOnly: boolean): Machine {
    const hardware = this.rng.weighted(WINDOWS_HARDWARE);
    const kiosk = !registeredOnly && hardware.form === 'desktop' && this.rng.chance(0.08);
    const user = kiosk ? null : registeredOnly ? this.anyUser() : this.nextOwner();
    const m = this.baseMachine('windows', hardware, user, registeredOnly);
    m.intuneOs = 'Windows';
    m.entraOs = 'Windows';
    m.managedNameToken = 'Windows';
    m.ethernet = this.windowsEthernet(hardware);
    m.wifi = this.rng.chance(hardware.wifiChance) ? this.macs.fromVendor(hardware.wifi) : null;
    if (registeredOnly) {
      m.deviceName = `DESKTOP-${this.rng.chars(7, UPPER_ALNUM)}`;
      m.ownerType = 'personal';
      return m;
    }
    m.deviceName = kiosk ? `KIOSK-${m.site.code}-${this.rng.int(100, 999)}` : this.windowsName(m);
    m.trustType = 'AzureAd';
    m.enrollmentType = kiosk ? 'windowsAzureADJoinUsingDeviceAuth' : 'windowsAzureADJoin';
    if (kiosk) m.facts.deviceCategory = 'Kiosk';
    if (!kiosk && this.rng.chance(0.35)) makeHybridJoined(m, this.rng);
    return m;
  }

  /** Laptops without an RJ45 port often still report an Ethernet MAC: their owner's own USB-C dongle or dock. */
  private windowsEthernet(hardware: Hardware): string | null {
    if (hardware.ethernet) return this.macs.fromVendor(hardware.ethernet);
    if (hardware.form === 'laptop' && this.rng.chance(0.6)) {
      return this.macs.fromVendor(this.rng.pick(['realtekUsb', 'dell', 'lenovo', 'hp'] as const));
    }
    return null;
  }

  private windowsName(m: Machine): string {
    const style = this.rng.weighted([['serial', 70], ['default', 20], ['site', 10]] as const);
    if (style === 'serial') return `CTS-${m.serialNumber}`.slice(0, 15);
    if (style === 'default') return `DESKTOP-${this.rng.chars(7, UPPER_ALNUM)}`;
    return `${m.hw.form === 'desktop' ? 'DT' : 'LT'}-${m.site.code}-${this.rng.int(1000, 9999)}`;
  }

  private macMachine(wifi: 'hardware' | 'randomized', registeredOnly: boolean): Machine {
    const hardware = this.rng.weighted(MAC_HARDWARE);
    const user = registeredOnly ? this.anyUser() : this.nextOwner();
    const m = this.baseMachine('macos', hardware, user, registeredOnly);
    m.intuneOs = 'macOS';
    m.entraOs = registeredOnly ? 'MacOS' : 'MacMDM';
    m.managedNameToken = 'MacOS';
    m.ethernet = hardware.ethernet ? this.macs.fromVendor(hardware.ethernet) : null;
    // A private Wi-Fi address is per network; on the corporate SSID it is stable, so Intune and IoT agree on it.
    m.wifi = wifi === 'randomized' ? this.macs.randomized() : this.macs.fromVendor(hardware.wifi);
    m.deviceName = `${firstName(user)}’s ${hardware.model.replace(/ \(.*$/, '')}`;
    const personal = registeredOnly || this.rng.chance(0.08);
    m.ownerType = personal ? 'personal' : 'company';
    m.enrollmentType = personal ? 'userEnrollment' : 'appleBulkWithUser';
    m.isSupervised = !personal;
    return m;
  }

  private appleMobile(wifi: MobileWifi, registeredOnly: boolean): Machine {
    const isPad = this.rng.chance(0.25);
    const hardware = this.rng.weighted(isPad ? IPAD_HARDWARE : IPHONE_HARDWARE);
    const sharedPad = isPad && !registeredOnly && this.rng.chance(0.2);
    const user = sharedPad ? null : this.anyUser();
    const m = this.baseMachine('ios', hardware, user, registeredOnly);
    const noun = isPad ? 'iPad' : 'iPhone';
    m.intuneOs = isPad ? 'iPadOS' : 'iOS';
    m.entraOs = isPad ? 'IPad' : 'iOS';
    m.managedNameToken = noun;
    m.wifi = this.mobileWifi(wifi, hardware);
    // Since iOS 16 apps and MDM see the generic name, so many records are just "iPhone".
    if (sharedPad) m.deviceName = `IPAD-${m.site.code}-${String(this.rng.int(1, 99)).padStart(2, '0')}`;
    else m.deviceName = this.rng.chance(0.45) ? noun : `${firstName(user)}’s ${noun}`;
    const personal = registeredOnly || (!sharedPad && this.rng.chance(0.2));
    m.ownerType = personal ? 'personal' : 'company';
    m.enrollmentType = sharedPad ? 'appleBulkWithoutUser' : personal ? 'userEnrollment' : 'appleBulkWithUser';
    m.isSupervised = !personal;
    m.hasEntra = !sharedPad;
    return m;
  }

  private androidMachine(wifi: MobileWifi, registeredOnly: boolean): Machine {
    const hardware = this.rng.weighted(ANDROID_HARDWARE);
    const mode: AndroidMode = registeredOnly
      ? 'workProfile'
      : this.rng.weighted([['workProfile', 45], ['fullyManaged', 45], ['dedicated', 10]] as const);
    const user = mode === 'dedicated' ? null : this.anyUser();
    const m = this.baseMachine('android', hardware, user, registeredOnly);
    m.intuneOs = 'Android';
    m.entraOs = registeredOnly ? 'Android' : mode === 'workProfile' ? 'AndroidForWork' : 'AndroidEnterprise';
    m.managedNameToken = mode === 'workProfile' ? 'AndroidForWork' : 'AndroidEnterprise';
    m.wifi = this.mobileWifi(wifi, hardware);
    m.deviceName = mode === 'dedicated' ? `KIOSK-${m.site.code}-${this.rng.int(100, 999)}` : hardware.name ?? hardware.model;
    m.ownerType = mode === 'workProfile' ? 'personal' : 'company';
    // The record keeps the service's real value; Graph v1.0 would answer unknownFutureValue for the Android ones.
    m.enrollmentType =
      mode === 'workProfile' ? 'userEnrollment' : mode === 'fullyManaged' ? 'androidEnterpriseFullyManaged' : 'androidEnterpriseDedicatedDevice';
    m.managementAgent = mode === 'workProfile' ? 'mdm' : 'googleCloudDevicePolicyController';
    m.neverSignsIn = mode === 'dedicated';
    if (mode === 'workProfile') {
      // Android 10+ hides the IMEI from a work profile.
      m.facts.imei = '';
      m.facts.iccid = '';
    }
    return m;
  }

  private mobileWifi(kind: MobileWifi, hardware: Hardware): string | null {
    switch (kind) {
      case 'hardware':
        return this.macs.fromVendor(hardware.wifi);
      case 'randomized':
        return this.macs.randomized();
      case 'placeholder':
        return PLACEHOLDER_MAC;
      case 'none':
        return null;
    }
  }

  private personalRegistration(): Machine {
    const platform = this.rng.weighted([['windows', 35], ['ios', 30], ['android', 25], ['macos', 10]] as const);
    const m =
      platform === 'windows'
        ? this.windowsMachine(true)
        : platform === 'macos'
          ? this.macMachine('hardware', true)
          : platform === 'ios'
            ? this.appleMobile('hardware', true)
            : this.androidMachine('hardware', true);
    m.trustType = 'Workplace';
    m.ownerType = 'personal';
    return m;
  }

  private hardwareFacts(hardware: Hardware): HardwareFacts {
    const cellular = this.rng.chance(hardware.cellularChance);
    const total = this.rng.pick(hardware.storageGB) * 1_000_000_000 - this.rng.int(0, 4096) * 1_048_576;
    const apple = hardware.manufacturer === 'Apple';
    const mobile = hardware.form === 'phone' || hardware.form === 'tablet';
    return {
      imei: cellular ? imei(this.rng) : '',
      iccid: cellular ? iccid(this.rng) : '',
      phoneNumber: cellular && hardware.form === 'phone' && this.rng.chance(0.7) ? `+1${this.rng.pick(['206', '425', '617', '312'])}555${String(this.rng.int(0, 9999)).padStart(4, '0')}` : '',
      udid: apple && mobile ? `0000${this.rng.int(8020, 8130)}-${this.rng.hex(16).toUpperCase()}` : '',
      notes: this.rng.chance(0.06) ? this.rng.pick(NOTES) : null,
      physicalMemoryInBytes: this.rng.pick(hardware.memoryGiB) * 1024 ** 3,
      totalStorageSpaceInBytes: total,
      freeStorageSpaceInBytes: Math.floor((total * this.rng.int(8, 80)) / 100),
      deviceCategory: this.rng.weighted([['Unknown', 65], ['Standard', 20], ['Developer', 8], ['Executive', 4], ['Frontline', 3]] as const),
      isEncrypted: mobile || this.rng.chance(0.95),
    };
  }

  private serial(style: SerialStyle): string {
    for (;;) {
      const serial = this.drawSerial(style);
      if (!this.serials.has(serial)) {
        this.serials.add(serial);
        return serial;
      }
    }
  }

  private drawSerial(style: SerialStyle): string {
    const r = this.rng;
    switch (style) {
      case 'dell':
        return r.chars(7, DELL_TAG);
      case 'lenovo':
        return r.pick(['PF', 'PC', 'R9', 'MJ']) + r.chars(6, UPPER_ALNUM);
      case 'hp':
        return r.pick(['5CG', 'CND', '8CC', '5CD']) + r.chars(7, UPPER_ALNUM);
      case 'surface':
        return r.chars(12, '0123456789');
      case 'apple':
        return r.chars(10, APPLE_SERIAL);
      case 'samsung':
        return `R5C${r.chars(8, UPPER_ALNUM)}`;
      case 'pixel':
        return `${r.chars(5, '0123456789')}FDH${r.chars(6, UPPER_ALNUM)}`;
    }
  }
}

/** Hybrid Entra join: the on-prem AD object synced up (ServerAd); Intune enrols it by GPO or through ConfigMgr. */
export function makeHybridJoined(m: Machine, rng: Random): void {
  m.trustType = 'ServerAd';
  m.enrollmentType = rng.chance(0.5) ? 'windowsCoManagement' : 'windowsAutoEnrollment';
  m.managementAgent = m.enrollmentType === 'windowsCoManagement' ? 'configurationManagerClientMdm' : 'mdm';
}

function firstName(user: FleetUser | null): string {
  return user ? (user.displayName.split(' ')[0] ?? 'User') : 'Shared';
}

function asciiLetters(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z]/g, '');
}

/** Hands out a pre-dealt list one value at a time. */
function dealer<T>(values: T[]): () => T {
  let next = 0;
  return () => {
    if (next >= values.length) throw new RangeError('dealer ran out of values');
    return values[next++] as T;
  };
}

function luhnCompleted(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let digit = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return body + String((10 - (sum % 10)) % 10);
}

function imei(rng: Random): string {
  return luhnCompleted(`35${rng.chars(12, '0123456789')}`);
}

function iccid(rng: Random): string {
  return luhnCompleted(`8901410${rng.chars(11, '0123456789')}`);
}
