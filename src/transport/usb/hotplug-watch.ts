/**
 * UsbBackend.watch() for the libusb backend: many subscribers, one source.
 *
 * The first subscriber starts listening to the stack's hotplug events (or, where
 * there are none, a poll of the device list); the last one to stop, or
 * dispose(), stops it, so nothing is left holding the event loop. A burst of
 * events (a hub with four boards, a detach followed by the re-enumeration)
 * becomes one call per subscriber, on a later turn of the event loop, after the
 * device is in libusb's list. Subscribers only hear "something changed": they
 * list() again, and list() shares one description per device, so a watcher
 * never opens a device itself.
 *
 * While someone watches, the process stays alive (as a listening server does);
 * after the last stop it does not.
 */
import type { RawHotplug } from './hotplug.js';

export interface HotplugWatchOptions {
  /**
   * Where the USB stack has no hotplug events, poll its device list this often while
   * watching (ms; default 500). Where it has them, no poll: libusb then keeps its device
   * list up to date from those events only (core.c: the cached list, hotplug_poll), so a
   * poll would never see anything the events did not. Seen here: with udev events not
   * reaching the process (a container without the host's udev), a device that arrives
   * later is never listed, polled or not.
   */
  hotplugPollMs?: number | undefined;
}

const DEFAULT_POLL_MS = 500;

export class HotplugWatch {
  private readonly subscribers = new Set<() => void>();
  private stopSource: (() => void) | undefined;
  private pollTimer: ReturnType<typeof setInterval> | undefined;
  private pending: ReturnType<typeof setImmediate> | undefined;
  private lastSnapshot = '';

  constructor(
    private readonly source: RawHotplug | undefined,
    /** Keys of the devices on the bus now (for the poll); may throw. */
    private readonly snapshot: () => readonly string[],
    private readonly options: HotplugWatchOptions = {},
  ) {}

  /** How often the poll runs (0 = no poll: the stack has hotplug events). */
  get pollMs(): number {
    return this.source?.native ? 0 : Math.max(1, this.options.hotplugPollMs ?? DEFAULT_POLL_MS);
  }

  /** Subscribers now; 0 means nothing listens and nothing holds the event loop. */
  get size(): number {
    return this.subscribers.size;
  }

  /** Is a source (events or poll) running? */
  get active(): boolean {
    return this.stopSource !== undefined || this.pollTimer !== undefined;
  }

  subscribe(onChange: () => void): () => void {
    // a function object of our own: subscribing the same callback twice gives two subscriptions
    const entry = (): void => onChange();
    this.subscribers.add(entry);
    if (this.subscribers.size === 1) this.start();
    return () => {
      if (!this.subscribers.delete(entry)) return;
      if (this.subscribers.size === 0) this.stop();
    };
  }

  dispose(): void {
    this.subscribers.clear();
    this.stop();
  }

  private start(): void {
    if (this.source?.native) this.stopSource = this.source.listen(() => this.changed());
    const ms = this.pollMs;
    if (ms > 0) {
      this.lastSnapshot = this.take() ?? '';
      this.pollTimer = setInterval(() => this.poll(), ms);
    }
  }

  private stop(): void {
    this.stopSource?.();
    this.stopSource = undefined;
    if (this.pollTimer !== undefined) clearInterval(this.pollTimer);
    this.pollTimer = undefined;
    if (this.pending !== undefined) clearImmediate(this.pending);
    this.pending = undefined;
  }

  private take(): string | undefined {
    try {
      return [...this.snapshot()].sort().join('\n');
    } catch {
      return undefined; // the stack failed to list: try again next time
    }
  }

  private poll(): void {
    const now = this.take();
    if (now === undefined || now === this.lastSnapshot) return;
    this.lastSnapshot = now;
    this.changed();
  }

  private changed(): void {
    if (this.pending !== undefined || this.subscribers.size === 0) return;
    this.pending = setImmediate(() => {
      this.pending = undefined;
      let failure: { error: unknown } | undefined;
      for (const s of [...this.subscribers]) {
        if (!this.subscribers.has(s)) continue; // stopped by an earlier one
        try {
          s();
        } catch (error) {
          failure ??= { error };
        }
      }
      // the others were still told; the first error surfaces as from an event emitter
      if (failure !== undefined) throw failure.error;
    });
  }
}
