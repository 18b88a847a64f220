/**
 * The usual station job: the library's download on the board, pinned to it
 * (its port and enumeration), never detaching and never waiting for another
 * device. The image is parsed once, for every board.
 *
 *   const job = downloadJob({ image: parseFirmware(bytes, { address: 0x08000000 }), leave: true });
 */
import { download, parseFirmware } from '../api/operations.js';
import type { DownloadOptions, DownloadResult, FirmwareImage } from '../index.js';
import type { StationJob } from './types.js';

/** The download options a station job takes: everything but what the station decides (device, events, abort, waiting, detaching). */
export type DownloadJobOptions = Omit<DownloadOptions, 'backend' | 'select' | 'selector' | 'onEvent' | 'signal' | 'wait' | 'waitTimeoutMs' | 'autoDetach' | 'watchAfterLeaveMs' | 'image'> & {
  image: FirmwareImage | Uint8Array;
};

export function downloadJob(options: DownloadJobOptions): StationJob<DownloadResult> {
  const image = options.image instanceof Uint8Array ? parseFirmware(options.image, options.imageName === undefined ? {} : { fileName: options.imageName }) : options.image;
  return async (_board, c) => {
    const result = await download({ ...options, image, backend: c.backend, selector: c.selector, signal: c.signal, onEvent: c.onEvent, wait: false, autoDetach: false });
    return { leaves: result.end !== 'idle', bytes: result.bytes, phases: result.phases, detail: result };
  };
}
