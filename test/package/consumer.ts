// A strict TypeScript consumer of the package's types: what the README promises type-checks.
import { listDevices, download, upload, detach, parseFirmware, DfuFlashError, isDfuFlashError, type FlashEvent, type DownloadResult, type ErrorCode } from 'dfu-flash';
import { usbBackend } from 'dfu-flash/usb';
import { simBackend } from 'dfu-flash/sim';

export async function main(bytes: Uint8Array, signal: AbortSignal): Promise<string> {
  const backend = Math.random() < 0.5 ? simBackend(['stm32f4-sysboot', { profile: 'dapboot', count: 2 }], { timeScale: 0 }) : usbBackend();
  try {
    const devices = await listDevices({ backend });
    const first = devices[0];
    const serial: string | undefined = first?.serial;
    const path: string | undefined = first?.portPath;
    const image = parseFirmware(bytes, { address: 0x08000000 });
    const seen: FlashEvent['type'][] = [];
    const result: DownloadResult = await download({
      backend,
      image,
      select: { device: '0483:df11', serial, path, alt: 'Internal Flash' },
      leave: true,
      verify: true,
      skipUnchanged: false,
      onEvent: (e: FlashEvent) => {
        seen.push(e.type);
        if (e.type === 'phase-progress') {
          const fraction: number = e.bytes / Math.max(1, e.totalBytes);
          void fraction;
        }
      },
      signal,
    });
    const ends: 'left-bus' | 'idle' | 'reset' | string = result.end;
    const perPhase = result.phases.map((p) => `${p.phase}:${p.bytes}:${p.elapsedMs}`).join(',');
    const data: Uint8Array = await upload({ backend, select: { alt: 0 }, address: 0x08000000, length: 4096 });
    const detached = await detach({ backend, select: { device: '0483:5740' }, wait: true }).catch((e: unknown) => e);
    return `${ends} ${perPhase} ${data.length} ${result.verified} ${detached instanceof DfuFlashError ? detached.code : 'ok'}`;
  } catch (e) {
    if (isDfuFlashError(e)) {
      const code: ErrorCode = e.code;
      switch (code) {
        case 'ABORTED':
        case 'NO_DEVICE':
          return code;
        default:
          return `${code}: ${e.message} (${e.hint ?? ''}) ${String(e.details['phase'] ?? '')}`;
      }
    }
    throw e;
  } finally {
    backend.dispose();
  }
}
