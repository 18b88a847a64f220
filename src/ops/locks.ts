/**
 * One operation per board at a time. Two operations on two boards of one
 * backend run side by side; a second operation on a board that one is using
 * is refused before it sends anything (BUSY). A board is its port path where
 * the backend has stable ones (it keeps it across re-enumeration), else its key.
 */
import { DfuFlashError, hex16 } from '../shared/errors.js';
import type { DfuDeviceInfo, UsbBackend } from '../transport/types.js';

const inUse = new WeakMap<UsbBackend, Set<string>>();

function boardId(backend: UsbBackend, device: DfuDeviceInfo): string {
  return backend.capabilities.stablePortPaths ? `port:${device.portPath}` : `key:${device.key}`;
}

/** Take the board for one operation; returns the release function (idempotent). */
export function claimBoard(backend: UsbBackend, device: DfuDeviceInfo): () => void {
  let boards = inUse.get(backend);
  if (boards === undefined) {
    boards = new Set();
    inUse.set(backend, boards);
  }
  const id = boardId(backend, device);
  if (boards.has(id)) {
    throw new DfuFlashError('BUSY', `another operation is already using ${hex16(device.vendorId)}:${hex16(device.productId)} at ${device.portPath}`, {
      hint: 'wait for it to finish: one operation per board at a time (operations on different boards may run together)',
      details: { reason: 'board-in-use', portPath: device.portPath },
    });
  }
  boards.add(id);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    boards.delete(id);
  };
}
