// Planted situations (hot-desk docks, moved dongles, hybrid double registrations, re-enrolments, stale, not-in-IoT, odd MAC formats) and the lifecycle times that depend on them: decided on machines before anything is rendered.
import { UNUSUAL_INTUNE_STYLES, macKind } from './macs.js';
import { OS_VERSIONS } from './catalog.js';
import { MAC_FORMAT_SHARE, SCENARIO_SHARES, STALE_AFTER_DAYS } from './shares.js';
import { DAY } from './time.js';
import { FleetStage, atLeast, ownInterfaces } from './model.js';
import type { Machine, SharedEthernet } from './model.js';
import { makeHybridJoined } from './machines.js';

export class ScenarioPlanner extends FleetStage {
  /** Dock and dongle MACs planted on more than one machine. */
  readonly shared: SharedEthernet[] = [];

  /** Docks, moved dongles, hybrid double registrations and re-enrolments: each Windows machine gets at most one. */
  plantWindowsScenarios(windows: Machine[]): void {
    const laptops = this.rng.shuffle(windows.filter((m) => m.hw.form === 'laptop' && m.user !== null));
    let next = 0;
    const takeLaptops = (n: number): Machine[] | null => {
      if (next + n > laptops.length) return null;
      next += n;
      return laptops.slice(next - n, next);
    };

    for (let i = 0; i < atLeast(2, this.size * SCENARIO_SHARES.hotDeskDocks); i++) {
      const group = takeLaptops(this.rng.int(2, 4));
      if (!group) break;
      const mac = this.macs.fromVendor(this.rng.pick(['dell', 'lenovo', 'hp'] as const));
      for (const m of group) {
        m.ethernet = mac;
        m.sharedEthernet = true;
      }
      this.shared.push({ mac, machines: group, trap: 'dock-shared-mac' });
    }
    for (let i = 0; i < atLeast(2, this.size * SCENARIO_SHARES.movedDongles); i++) {
      const pair = takeLaptops(2);
      if (!pair) break;
      const mac = this.macs.fromVendor('realtekUsb');
      pair.forEach((m, index) => {
        m.ethernet = mac;
        m.sharedEthernet = true;
        m.dongleRole = index === 0 ? 'previous' : 'current';
      });
      this.shared.push({ mac, machines: pair, trap: 'usb-dongle-moved' });
    }

    const used = new Set(laptops.slice(0, next));
    const rest = this.rng.shuffle(windows.filter((m) => !used.has(m) && m.user !== null));
    const hybrids = atLeast(2, this.size * SCENARIO_SHARES.hybridTwoEntra);
    for (const m of rest.slice(0, hybrids)) {
      makeHybridJoined(m, this.rng);
      m.hybridTwoEntra = true;
    }
    const duplicates = atLeast(2, this.size * SCENARIO_SHARES.intuneDuplicate);
    for (const m of rest.slice(hybrids, hybrids + duplicates)) m.reenrolled = true;
  }

  plantStale(candidates: Machine[]): void {
    const count = atLeast(2, this.size * SCENARIO_SHARES.stale);
    for (const m of this.rng.shuffle([...candidates]).slice(0, count)) m.stale = true;
  }

  /** The not-in-iot trap: machines with a MAC that identifies them, on which IoT Security has never seen them. */
  plantNotInIot(managed: Machine[]): void {
    const eligible = managed.filter((m) => ownInterfaces(m).some((i) => macKind(i.mac) === 'global'));
    const count = atLeast(2, this.size * SCENARIO_SHARES.notInIot);
    for (const m of this.rng.shuffle(eligible).slice(0, count)) m.unseen = true;
  }

  /** The mac-format trap: a few MAC values come back dashed, dotted, coloned or lower-case. */
  plantMacFormats(managed: Machine[]): void {
    const withMac = managed.filter((m) => m.ethernet !== null || m.wifi !== null);
    const values = withMac.reduce((sum, m) => sum + (m.ethernet ? 1 : 0) + (m.wifi ? 1 : 0), 0);
    for (const m of this.rng.shuffle(withMac).slice(0, atLeast(2, values * MAC_FORMAT_SHARE))) {
      const style = this.rng.pick(UNUSUAL_INTUNE_STYLES);
      if (m.ethernet && (!m.wifi || this.rng.chance(0.5))) m.ethernetStyle = style;
      else m.wifiStyle = style;
    }
  }

  /** Times, OS version and compliance, which all depend on whether the machine went stale. */
  planLifecycle(m: Machine): void {
    const r = this.rng;
    const versions = OS_VERSIONS[m.platform];
    m.osVersion = m.stale ? r.pick(versions.stale) : r.weighted(versions.current);
    m.compliance = this.compliance(m);

    if (m.registeredOnly) {
      m.lastSignInAt = m.stale ? this.daysAgo(STALE_AFTER_DAYS, 400) : this.now - r.int(0, 30 * 86_400) * 1000;
      m.registeredAt = m.lastSignInAt - r.int(5, 700) * DAY - r.int(0, 86_399) * 1000;
      return;
    }
    if (m.stale) m.lastSyncAt = this.daysAgo(STALE_AFTER_DAYS, 400);
    else if (m.dongleRole === 'previous') m.lastSyncAt = this.daysAgo(10, 60);
    else m.lastSyncAt = this.now - r.int(0, 7 * 86_400 - 1) * 1000;

    if (m.reenrolled) {
      // The newer record is weeks old; the superseded one stopped syncing just before it, well short of stale.
      m.enrolledAt = this.daysAgo(7, 70);
      m.firstEnrolledAt = m.enrolledAt - r.int(100, 800) * DAY - r.int(0, 86_399) * 1000;
    } else {
      m.enrolledAt = Math.min(m.lastSyncAt, this.now - DAY) - r.int(20, 900) * DAY - r.int(0, 86_399) * 1000;
      m.firstEnrolledAt = m.enrolledAt;
    }
    // Entra registration comes minutes before enrolment, except a hybrid join, which came with the AD object.
    m.registeredAt =
      m.trustType === 'ServerAd' ? m.firstEnrolledAt - r.int(1, 700) * DAY : m.firstEnrolledAt - r.int(60, 1800) * 1000;
    m.lastSignInAt = m.neverSignsIn ? null : Math.max(m.registeredAt, m.lastSyncAt - r.int(0, 2 * 86_400) * 1000);
  }

  private compliance(m: Machine): Machine['compliance'] {
    if (m.stale) return this.rng.weighted([['noncompliant', 6], ['compliant', 3], ['unknown', 1]] as const);
    if (m.managementAgent === 'configurationManagerClientMdm' && this.rng.chance(0.3)) return 'configManager';
    return this.rng.weighted([
      ['compliant', 86],
      ['noncompliant', 8],
      ['inGracePeriod', 3],
      ['unknown', 1],
      ['error', 1],
      ['conflict', 1],
    ] as const);
  }
}
