/**
 * Facts about the machine and ways to act on it, injectable so that tests of
 * udev-rules, doctor and the platform-specific error hints run anywhere:
 * platform, root or not, where udev rules live, how to run udevadm, and what
 * the `usb` package is.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { arch, release } from 'node:os';

export const UDEV_RULES_PATH = '/etc/udev/rules.d/70-dfu-flash.rules';

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface UsbPackageFacts {
  /** The version in node_modules/usb/package.json; undefined when the package is not installed. */
  version?: string | undefined;
  /** The libusb version the package carries, when it can be told. */
  libusbVersion?: string | undefined;
  /** Why the package could not be found. */
  error?: string | undefined;
}

export interface SystemDeps {
  platform: NodeJS.Platform;
  arch: string;
  /** Kernel / OS release. */
  osRelease: string;
  /** process.versions.node. */
  nodeVersion: string;
  isRoot(): boolean;
  /** Where `udev-rules --install` writes. */
  udevRulesPath: string;
  /** Where doctor looks for rules (udev's search path). */
  udevRulesDirs: string[];
  /** The udevadm program. */
  udevadm: string;
  /** Run a program without a shell. Resolves with its exit code; rejects when it cannot be started. */
  exec(file: string, args: readonly string[]): Promise<ExecResult>;
  usbPackage(): Promise<UsbPackageFacts>;
}

function runProgram(file: string, args: readonly string[]): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    execFile(file, [...args], { timeout: 30_000 }, (error, stdout, stderr) => {
      if (error !== null && typeof error.code !== 'number') {
        reject(error);
        return;
      }
      resolve({ code: error === null ? 0 : (error.code as number), stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** The usb package's version (package.json, read, not imported) and the libusb sources it bundles. */
export async function readUsbPackage(fromUrl: string = import.meta.url): Promise<UsbPackageFacts> {
  const require = createRequire(fromUrl);
  let pkgPath: string;
  try {
    pkgPath = require.resolve('usb/package.json');
  } catch (e) {
    return { error: (e as Error).message.split('\n')[0] };
  }
  const facts: UsbPackageFacts = {};
  try {
    const pkg = JSON.parse(await readFile(pkgPath, 'utf8')) as { version?: unknown };
    if (typeof pkg.version === 'string') facts.version = pkg.version;
  } catch (e) {
    facts.error = (e as Error).message;
  }
  // node-usb does not report libusb's version at run time; it builds the libusb it ships in libusb/.
  try {
    const header = await readFile(join(dirname(pkgPath), 'libusb', 'libusb', 'version.h'), 'utf8');
    const part = (name: string): string | undefined => new RegExp(`#define\\s+LIBUSB_${name}\\s+(\\d+)`).exec(header)?.[1];
    const [major, minor, micro] = [part('MAJOR'), part('MINOR'), part('MICRO')];
    if (major !== undefined && minor !== undefined && micro !== undefined) facts.libusbVersion = `${major}.${minor}.${micro}`;
  } catch {
    // not shipped: leave it unknown
  }
  return facts;
}

export function defaultSystem(): SystemDeps {
  return {
    platform: process.platform,
    arch: arch(),
    osRelease: release(),
    nodeVersion: process.versions.node,
    isRoot: () => typeof process.getuid === 'function' && process.getuid() === 0,
    udevRulesPath: UDEV_RULES_PATH,
    udevRulesDirs: ['/etc/udev/rules.d', '/run/udev/rules.d', '/usr/lib/udev/rules.d', '/lib/udev/rules.d'],
    udevadm: 'udevadm',
    exec: runProgram,
    usbPackage: () => readUsbPackage(),
  };
}

/** The default system with the test's overrides. */
export function systemWith(overrides: Partial<SystemDeps> | undefined): SystemDeps {
  return { ...defaultSystem(), ...overrides };
}
