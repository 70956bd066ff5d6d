/**
 * Memory of a process, as the kernel counts it. `maxRssMiB` is getrusage's high-water mark: exact, whatever the
 * event loop was doing when the peak happened (a sampler on the same loop misses peaks inside synchronous work,
 * such as saving a snapshot).
 */
import { readFileSync } from 'node:fs';

export interface Memory {
  rssMiB: number;
  maxRssMiB: number;
  heapUsedMiB: number;
}

const MiB = 2 ** 20;

export function ownMemory(): Memory {
  const usage = process.memoryUsage();
  return {
    rssMiB: Math.round(usage.rss / MiB),
    // resourceUsage().maxRSS is in KiB.
    maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    heapUsedMiB: Math.round(usage.heapUsed / MiB),
  };
}

/** Another process's current and peak RSS from /proc (Linux), or null where there is no /proc. */
export function processMemory(pid: number): { rssMiB: number; peakRssMiB: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rssMiB: Math.round(kib('VmRSS') / 1024), peakRssMiB: Math.round(kib('VmHWM') / 1024) };
  } catch {
    return null;
  }
}
