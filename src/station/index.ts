/**
 * The flashing station (`dfu-flash station`, and for Node programs): flash
 * every board as it is plugged in. A client of the public API only.
 */
export { Station, createStation } from './station.js';
export { downloadJob, type DownloadJobOptions } from './download-job.js';
export type {
  DeviceSeen,
  StationBoard,
  StationEvent,
  StationJob,
  StationJobContext,
  StationJobResult,
  StationOptions,
  StationStopReason,
  StationSummary,
} from './types.js';
