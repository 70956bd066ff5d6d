// Renders what IoT Security sees: one asset per MAC a managed machine was seen on, the shared dock/dongle assets, and the IoT-only devices (printers, cameras, medical, OT…), each with an address from the site plan.
import type { FleetTruth, IotAssetRecord } from './types.js';
import { macKind } from './macs.js';
import { HOSTS_PER_SUBNET, IOT_PRODUCTS, SEGMENTS, SITES, SITE_WEIGHTS, UPPER_ALNUM } from './catalog.js';
import type { IotProduct, Segment, Site } from './catalog.js';
import { SCENARIO_SHARES, STATIC_IP_SHARE } from './shares.js';
import { DAY, iotTime } from './time.js';
import { FleetStage, atLeast, ownInterfaces } from './model.js';
import type { Machine, SharedEthernet } from './model.js';

/** Hands out addresses in order, per site and segment, so no two assets share an IP (static-IP ids must be unique). */
class AddressPlan {
  private readonly issued = new Map<string, number>();

  allocate(site: Site, segment: Segment): { ip: string; subnet: string; vlan: string } {
    const key = `${site.code}/${segment}`;
    const index = this.issued.get(key) ?? 0;
    this.issued.set(key, index + 1);
    const plan = SEGMENTS[segment];
    const block = Math.floor(index / HOSTS_PER_SUBNET);
    const second = site.octet + Math.floor(block / plan.blocks);
    if (second >= site.octet + 10) throw new RangeError(`address plan exhausted for ${site.name} ${segment}`);
    const third = plan.third + (block % plan.blocks);
    return {
      ip: `10.${second}.${third}.${10 + (index % HOSTS_PER_SUBNET)}`,
      subnet: `10.${second}.${third}.0/24`,
      vlan: String(plan.vlan),
    };
  }
}

export class IotRenderer extends FleetStage {
  private readonly addresses = new AddressPlan();
  private readonly hostCounters = new Map<string, number>();
  readonly iotAssets: IotAssetRecord[] = [];

  /** Each interface IoT Security saw is its own asset, keyed by that MAC. */
  renderMachineAssets(m: Machine): void {
    if (m.unseen) return;
    const own = ownInterfaces(m);
    const identifying = own.filter((i) => macKind(i.mac) === 'global');
    const private_ = own.filter((i) => macKind(i.mac) !== 'global');
    let seen = identifying;
    if (identifying.length === 2) {
      seen = this.rng.weighted([[identifying, 35], [identifying.slice(0, 1), 40], [identifying.slice(1), 25]] as const);
    }
    seen = [...seen, ...private_.filter(() => this.rng.chance(0.5))];
    // A phone that gives Intune no usable MAC still joins the Wi-Fi, under an address nobody else knows.
    if (identifying.length === 0 && private_.length === 0 && m.hw.form !== 'laptop' && m.hw.form !== 'desktop' && this.rng.chance(0.3)) {
      seen.push({ mac: this.macs.randomized(), wired: false });
    }
    for (const { mac, wired } of seen) {
      this.iotAssets.push(this.machineAsset(m, mac, wired));
      m.iotIds.push(mac);
    }
  }

  /** One asset per dock or dongle MAC, named after whichever laptop used it last; it belongs to no machine. */
  renderSharedEthernetAssets(shared: readonly SharedEthernet[], truth: FleetTruth): void {
    for (const { mac, machines, trap } of shared) {
      const lastUser =
        trap === 'usb-dongle-moved'
          ? machines.find((m) => m.dongleRole === 'current')!
          : machines.reduce((latest, m) => (m.lastSyncAt > latest.lastSyncAt ? m : latest));
      this.iotAssets.push(this.machineAsset(lastUser, mac, true));
      truth.sharedMacs.push({ mac, managedDeviceIds: machines.map((m) => m.records[0]!.id), trap });
    }
  }

  private machineAsset(m: Machine, mac: string, wired: boolean): IotAssetRecord {
    const r = this.rng;
    const lastActivity = m.stale
      ? Math.min(this.now - 1000, m.lastSyncAt + r.int(-3 * 86_400, 3 * 86_400) * 1000)
      : this.now - r.int(0, 3 * 86_400 - 1) * 1000;
    const look = machineLook(m);
    const risk = m.stale ? r.int(40, 85) : r.chance(0.05) ? r.int(50, 80) : r.int(5, 45);
    return this.asset({
      deviceid: mac,
      mac_address: mac,
      hostname: look.hostname,
      category: look.category,
      profile: look.profile,
      profile_type: 'Non_IoT',
      profile_vertical: 'Traditional IT',
      vendor: m.hw.vendor,
      model: m.hw.name ?? m.hw.model,
      os_group: look.osGroup,
      os_combined: look.osCombined,
      'os/firmware_version': m.osVersion,
      Serial_Number: (m.platform === 'windows' || m.platform === 'macos') && r.chance(0.4) ? m.serialNumber : '',
      risk_score: risk,
      lastActivity,
      site: m.site,
      segment: wired ? 'wired' : 'wireless',
      wired,
      dhcp: true,
    });
  }

  renderIotOnlyAssets(truth: FleetTruth): void {
    const total = atLeast(20, this.size * SCENARIO_SHARES.iotOnly);
    const staticCount = Math.min(total, atLeast(2, total * STATIC_IP_SHARE));
    const normal = IOT_PRODUCTS.map((p) => [p, p.weight] as const);
    const staticIp = IOT_PRODUCTS.filter((p) => p.staticWeight > 0).map((p) => [p, p.staticWeight] as const);
    for (let i = 0; i < total; i++) {
      const isStatic = i < staticCount;
      const product = this.rng.weighted(isStatic ? staticIp : normal);
      const site = this.iotSite(product);
      const address = this.addresses.allocate(site, product.segment);
      const mac = isStatic ? '' : this.macs.fromVendor(product.oui);
      const n = (this.hostCounters.get(product.profile) ?? 0) + 1;
      this.hostCounters.set(product.profile, n);
      const r = this.rng;
      const offline = r.chance(0.1);
      const asset = this.asset({
        deviceid: isStatic ? address.ip : mac,
        mac_address: mac,
        hostname: product.hostname(mac.replace(/:/g, '').toUpperCase(), n),
        category: product.category,
        profile: product.profile,
        profile_type: 'IoT',
        profile_vertical: product.vertical,
        vendor: product.vendor,
        model: r.pick(product.models),
        os_group: product.osGroup,
        os_combined: product.osCombined,
        'os/firmware_version': r.pick(product.firmware),
        Serial_Number: r.chance(0.7) ? r.chars(r.int(9, 12), UPPER_ALNUM) : '',
        risk_score: r.int(product.risk[0], product.risk[1]),
        lastActivity: offline ? this.daysAgo(3, 200) : this.now - r.int(0, 2 * 86_400) * 1000,
        site,
        segment: product.segment,
        wired: true,
        dhcp: !isStatic,
        address,
      });
      this.iotAssets.push(asset);
      truth.iotOnly.push({ deviceid: asset.deviceid, traps: isStatic ? ['iot-only', 'static-ip'] : ['iot-only'] });
    }
  }

  /** Medical gear lives mostly at the clinic, OT at the plant, the rest wherever people are. */
  private iotSite(product: IotProduct): Site {
    const home = product.kind === 'medical' ? 'BOS' : product.kind === 'ot' ? 'MUC' : null;
    if (home && this.rng.chance(0.85)) return SITES.find((s) => s.code === home)!;
    return this.rng.weighted(SITE_WEIGHTS);
  }

  private asset(spec: AssetSpec): IotAssetRecord {
    const r = this.rng;
    const address = spec.address ?? this.addresses.allocate(spec.site, spec.segment);
    const lastActivity = spec.lastActivity - r.int(0, 999);
    const firstSeen = lastActivity - r.int(20, 900) * DAY - r.int(0, 86_399_999);
    return {
      deviceid: spec.deviceid,
      hostname: spec.hostname,
      category: spec.category,
      profile: spec.profile,
      profile_type: spec.profile_type,
      profile_vertical: spec.profile_vertical,
      ip_address: address.ip,
      mac_address: spec.mac_address,
      risk_score: spec.risk_score,
      risk_level: riskLevel(spec.risk_score),
      last_activity: iotTime(lastActivity),
      confidence_score: r.int(spec.profile_type === 'IoT' ? 60 : 80, 99),
      first_seen_date: iotTime(firstSeen),
      vendor: spec.vendor,
      model: spec.model,
      os_group: spec.os_group,
      os_combined: spec.os_combined,
      'os/firmware_version': spec['os/firmware_version'],
      Serial_Number: spec.Serial_Number,
      subnet: address.subnet,
      site_name: spec.site.name,
      vlan: address.vlan,
      wire_or_wireless: spec.wired ? 'Wired' : 'Wireless',
      DHCP: spec.dhcp ? 'Yes' : 'No',
      number_of_critical_alerts: r.chance(0.03) ? 1 : 0,
      number_of_warning_alerts: r.weighted([[0, 80], [1, 15], [2, 5]] as const),
      number_of_caution_alerts: r.weighted([[0, 70], [1, 20], [2, 7], [3, 3]] as const),
      number_of_info_alerts: r.int(0, 5),
      allTags: r.chance(0.05)
        ? [{ tagType: 'user', tagValue: r.pick(['quarantine-review', 'pci-scope', 'biomed', 'vip-floor']), tagId: r.hex(24) }]
        : [],
    };
  }
}

interface AssetSpec {
  deviceid: string;
  mac_address: string;
  hostname: string;
  category: string;
  profile: string;
  profile_type: IotAssetRecord['profile_type'];
  profile_vertical: string;
  vendor: string;
  model: string;
  os_group: string;
  os_combined: string;
  'os/firmware_version': string;
  Serial_Number: string;
  risk_score: number;
  lastActivity: number;
  site: Site;
  segment: Segment;
  wired: boolean;
  dhcp: boolean;
  address?: { ip: string; subnet: string; vlan: string };
}

function machineLook(m: Machine): { hostname: string; category: string; profile: string; osGroup: string; osCombined: string } {
  // DHCP host names cannot carry spaces or apostrophes: "Ana’s MacBook Pro" announces itself as "Anas-MacBook-Pro".
  const hostname = m.deviceName.replace(/['’]/g, '').replace(/\s+/g, '-');
  const major = m.osVersion.split('.')[0] ?? m.osVersion;
  const tablet = m.hw.form === 'tablet';
  switch (m.platform) {
    case 'windows': {
      const build = Number(m.osVersion.split('.')[2] ?? 0);
      return { hostname, category: 'Personal Computer', profile: 'Windows Workstation', osGroup: 'Windows', osCombined: build >= 22000 ? 'Windows 11' : 'Windows 10' };
    }
    case 'macos':
      return { hostname, category: 'Personal Computer', profile: 'Apple macOS Workstation', osGroup: 'macOS', osCombined: `macOS ${major}` };
    case 'ios':
      return { hostname, category: tablet ? 'Tablet' : 'Smartphone', profile: tablet ? 'Apple iPad' : 'Apple iPhone', osGroup: 'iOS', osCombined: `${tablet ? 'iPadOS' : 'iOS'} ${major}` };
    case 'android':
      return { hostname, category: tablet ? 'Tablet' : 'Smartphone', profile: `${m.hw.vendor} Android ${tablet ? 'Tablet' : 'Phone'}`, osGroup: 'Android', osCombined: `Android ${major}` };
  }
}

function riskLevel(score: number): IotAssetRecord['risk_level'] {
  if (score >= 90) return 'Critical';
  if (score >= 70) return 'High';
  if (score >= 40) return 'Medium';
  return 'Low';
}
