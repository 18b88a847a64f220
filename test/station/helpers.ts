/** Test helpers for the station engine on the simulated backend. */
import { FakeClock } from '../../src/transport/clock.js';
import { createSimBackend, type SimBackend, type SimDevice } from '../../src/sim/index.js';
import { createStation, downloadJob, parseFirmware, type Station, type StationEvent, type StationOptions, type StationSummary } from '../../src/index.js';
import type { DownloadResult } from '../../src/index.js';
import { pattern } from '../support/pattern.js';

export const BASE = 0x08000000;
export const IMAGE_BYTES = pattern(20 * 1024, 7);
export const IMAGE = parseFirmware(IMAGE_BYTES, { address: BASE });

export interface Rig {
  clock: FakeClock;
  backend: SimBackend;
  events: StationEvent<DownloadResult>[];
  station: Station<DownloadResult>;
  done: Promise<StationSummary>;
}

/** A station on a simulated bus (FakeClock, real timing scaled by timeScale); `react` sees every event as it happens. */
export function startStation(
  profiles: string[],
  options: Partial<StationOptions<DownloadResult>> & { leave?: boolean; timeScale?: number; busLogLimit?: number } = {},
  react: (e: StationEvent<DownloadResult>, rig: Rig) => void = () => {},
): Rig {
  const clock = new FakeClock();
  const backend = createSimBackend(profiles, { clock, timeScale: options.timeScale ?? 0.01, busLogLimit: options.busLogLimit });
  const events: StationEvent<DownloadResult>[] = [];
  const rig = { clock, backend, events } as Rig;
  rig.station = createStation<DownloadResult>({
    backend,
    clock,
    job: downloadJob({ image: IMAGE, leave: options.leave ?? true }),
    ...options,
    onEvent: (e) => {
      events.push(e);
      react(e, rig);
    },
  });
  rig.done = rig.station.run().finally(() => backend.dispose());
  return rig;
}

/** The simulated device on `port` now. */
export function deviceOn(backend: SimBackend, port: string): SimDevice | undefined {
  return backend.bus.attached().find((a) => a.port === port)?.device;
}

export function dfuRequests(device: SimDevice): string[] {
  return device.transcript.map((e) => e.request).filter((r) => r.startsWith('DFU_'));
}

/** Bytes written by data blocks, in total (each written byte once = one download). */
export function bytesWritten(device: SimDevice): number {
  return device.writeLog.reduce((n, w) => n + w.length, 0);
}

export function kinds(events: StationEvent[]): string[] {
  return events.filter((e) => e.type !== 'board-event').map((e) => {
    switch (e.type) {
      case 'board-arrived':
      case 'board-started':
        return `${e.type} #${e.board.number} ${e.board.portPath}`;
      case 'board-finished':
        return `${e.type} #${e.board.number} ${e.board.portPath} ${e.ok ? 'ok' : e.error.code}`;
      case 'board-left':
        return `${e.type} #${e.board.number} ${e.board.portPath} ${e.why}`;
      case 'board-returned':
        return `${e.type} #${e.board.number} ${e.board.portPath} ${e.as}`;
      case 'board-skipped':
        return `${e.type} ${e.device.portPath} as #${e.flashedAs}`;
      case 'station-stopping':
        return `${e.type} ${e.reason}`;
      default:
        return e.type;
    }
  });
}
