#!/usr/bin/python3
"""Run one command against emulated USB devices (umockdev), unmodified.

    /usr/bin/python3 umockdev_host.py --config run.json

This process plays the Linux kernel: it creates a umockdev testbed, adds a
sysfs device and a /dev/bus/usb node per simulated device, answers the
usbdevfs ioctls and sends hotplug uevents. What the devices do comes from
the Node sim bridge (sim-bridge.ts), which runs the same src/sim devices the
unit tests use. The command runs with LD_PRELOAD=libumockdev-preload.so.0
and UMOCKDEV_DIR set, in its own process group, under a deadline; its
stdout and stderr are this process's (passed through untouched), and its
exit status becomes ours (124 when the deadline killed it).

Devices may also arrive and leave while the command runs: see emu_schedule.py
(DeviceSpec in protocol.ts). The result records every plug and unplug (the
timeline) with the command-relative and wall-clock time it happened.

Config (JSON): bridge (argv), devices [{profile, serial?, port?, bus?,
timing?, faults?, name?, plugAtMs?, plugAfter?, unplugAtMs?, unplugOn?, uevents?}],
command (argv), cwd?, env?, timeoutMs, stateFile, resultFile, logFile,
pidFile?, scratchDir?, dump? {ranges?}, verbose?.
"""
import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import traceback

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import gi  # noqa: E402

gi.require_version('UMockdev', '1.0')
from gi.repository import GLib, UMockdev  # noqa: E402

from bridge_client import Bridge, BridgeError  # noqa: E402
from emu_bus import Bus  # noqa: E402
from emu_schedule import Schedule, ScheduleError, build_slots  # noqa: E402

TIMEOUT_EXIT = 124


class Log:
    def __init__(self, path):
        self.file = open(path, 'a', buffering=1) if path else sys.stderr
        self.t0 = time.monotonic()
        self._lock = threading.Lock()

    def write(self, msg):
        with self._lock:
            self.file.write('[host %8.1f ms] %s\n' % ((time.monotonic() - self.t0) * 1000, msg))

    def exception(self, where, e):
        self.write('%s: %s\n%s' % (where, e, traceback.format_exc()))


class Host:
    def __init__(self, cfg):
        self.cfg = cfg
        self.log = Log(cfg.get('logFile'))
        self.verbose = bool(cfg.get('verbose'))
        self.loop = GLib.MainLoop()
        self.testbed = UMockdev.Testbed.new()
        self.root = self.testbed.get_root_dir()
        self.bridge = Bridge(cfg['bridge'], self.log, self.on_bridge_event, cwd=cfg.get('cwd'))
        self.bus = Bus(self, self.testbed)
        self.by_sim = {}
        self.schedule = None
        self.timeline = []
        self.child = None
        self.child_status = None
        self.timed_out = False
        self.bridge_error = None
        self.started = None

    # ---- devices ---------------------------------------------------------
    def plug(self, sim_id, descriptors, bus, port, announce, slot=None, uevents=True):
        blob = bytes.fromhex(descriptors['device'] + descriptors['configuration'])
        device = self.bus.plug(sim_id, bus, port, blob, descriptors.get('strings', {}), announce and uevents,
                               slot=slot, uevents=uevents)
        self.by_sim[sim_id] = device
        return device

    def record_change(self, kind, device, uevent, reason=None):
        """The bus changed (Bus.plug / Bus.unplug, main loop, after the uevent went out): one timeline entry."""
        entry = {'type': kind, 'mono': time.monotonic(), 'epochMs': time.time() * 1000, 'dev': device.sim_id,
                 'slot': getattr(device, 'slot', None), 'bus': device.bus, 'port': device.port, 'devnum': device.devnum,
                 'uevent': bool(uevent)}
        if reason is not None:
            entry['reason'] = reason
        self.timeline.append(entry)
        return entry

    def fail(self, message):
        """A harness failure (the test gets it as an error, with the log): stop the command."""
        self.log.write(message)
        self.bridge_error = self.bridge_error or message
        self.kill_child(signal.SIGKILL)

    def on_bridge_event(self, event):
        """Reader thread: fail URBs at once, do sysfs work on the main loop."""
        kind = event.get('event')
        if kind == 'bridge-exit':
            if self.child_status is None:
                self.bridge_error = 'the sim bridge exited while the command was running'
                self.log.write(self.bridge_error)
            for device in list(self.by_sim.values()):
                device.unplug()
            return
        if kind == 'log':
            self.log.write('bridge: %s' % event.get('message'))
            return
        device = self.by_sim.get(event.get('dev'))
        if device is None:
            self.log.write('event for unknown device: %r' % event)
            return
        self.log.write('bus event %s from sim %s: %s' % (kind, event.get('dev'), event.get('reason')))
        # Nothing more reaches the device; its URBs fail in the main-loop turn that removes it from sysfs,
        # right after the removal (Bus.unplug), so a process that saw them fail does not find it still listed.
        device.stop_sending()
        GLib.idle_add(self._left_idle, device, event, priority=GLib.PRIORITY_HIGH)

    def _left_idle(self, device, event):
        try:
            self.bus.unplug(device, event.get('reason'))
        except Exception as e:
            self.log.exception('unplug', e)
        if self.schedule is not None:
            self.schedule.left(device, event)
        return False

    # ---- the command -----------------------------------------------------
    def start_child(self):
        env = dict(os.environ)
        env.update(self.cfg.get('env') or {})
        preload = env.get('LD_PRELOAD')
        env['LD_PRELOAD'] = 'libumockdev-preload.so.0' + (':' + preload if preload else '')
        env['UMOCKDEV_DIR'] = self.root
        self.started = time.monotonic()
        self.child = subprocess.Popen(self.cfg['command'], env=env, cwd=self.cfg.get('cwd'), process_group=0)
        if self.cfg.get('pidFile'):
            with open(self.cfg['pidFile'], 'w') as f:
                f.write('%d\n' % self.child.pid)
        self.log.write('command started (pid %d): %s' % (self.child.pid, ' '.join(self.cfg['command'])))
        threading.Thread(target=self._wait_child, name='child-wait', daemon=True).start()
        GLib.timeout_add(int(self.cfg.get('timeoutMs', 30000)), self._deadline)

    def _wait_child(self):
        status = self.child.wait()
        self.child_status = status
        GLib.idle_add(self.loop.quit)

    def _deadline(self):
        if self.child_status is not None:
            return False
        self.timed_out = True
        self.log.write('deadline: killing the command (process group %d)' % self.child.pid)
        self.kill_child(signal.SIGTERM)
        GLib.timeout_add(500, lambda: self.kill_child(signal.SIGKILL) and False)
        return False

    def kill_child(self, sig):
        if self.child is not None:
            try:
                os.killpg(self.child.pid, sig)
            except (ProcessLookupError, PermissionError):
                pass
        return False

    # ---- run -------------------------------------------------------------
    def run(self):
        code = 1
        try:
            self.bridge.call({'op': 'hello'}, timeout=15)
            self.schedule = Schedule(self, build_slots(self.cfg['devices']), self.cfg.get('scratchDir'))
            self.schedule.plug_initial()
            GLib.unix_signal_add(GLib.PRIORITY_HIGH, signal.SIGTERM, self._on_signal)
            GLib.unix_signal_add(GLib.PRIORITY_HIGH, signal.SIGINT, self._on_signal)
            self.start_child()
            self.schedule.start()
            self.loop.run()
            status = self.child_status if self.child_status is not None else self.child.wait()
            code = TIMEOUT_EXIT if self.timed_out else (status if status >= 0 else 128 - status)
            self.kill_child(signal.SIGKILL)  # stray grandchildren
            self.dump()
            self.write_result(status, code)
        except ScheduleError as e:
            self.log.write('schedule: %s' % e)
            self.bridge_error = self.bridge_error or 'bad schedule: %s' % e
            self.write_result(None, 70)
            code = 70
        except Exception as e:
            self.log.exception('host', e)
            self.bridge_error = self.bridge_error or 'harness failure: %s' % e
            self.kill_child(signal.SIGKILL)
            self.write_result(None, 70)
            code = 70
        finally:
            self.bridge.close()
            self.bus.close()
            shutil.rmtree(self.root, ignore_errors=True)
        return code

    def _on_signal(self):
        self.log.write('host got a signal: stopping the command')
        self.kill_child(signal.SIGKILL)
        return False

    def dump(self):
        if not self.cfg.get('stateFile'):
            return
        try:
            self.bridge.call({'op': 'dump', 'path': self.cfg['stateFile'], 'ranges': (self.cfg.get('dump') or {}).get('ranges')},
                             timeout=15)
        except BridgeError as e:
            self.bridge_error = self.bridge_error or str(e)
            self.log.write('dump failed: %s' % e)

    def _relative(self, entry):
        out = dict(entry)
        mono = out.pop('mono')
        out['atMs'] = (mono - self.started) * 1000 if self.started else 0
        return out

    def write_result(self, status, code):
        if not self.cfg.get('resultFile'):
            return
        result = {
            'exitCode': code,
            'signal': -status if status is not None and status < 0 else None,
            'timedOut': self.timed_out,
            'elapsedMs': (time.monotonic() - self.started) * 1000 if self.started else 0,
            'bridgeError': self.bridge_error,
            'devices': [{'sim': d.sim_id, 'bus': d.bus, 'port': d.port, 'devnum': d.devnum, 'gone': d.gone,
                         'slot': getattr(d, 'slot', None)} for d in self.bus.devices],
            'timeline': [self._relative(entry) for entry in self.timeline],
        }
        with open(self.cfg['resultFile'], 'w') as f:
            json.dump(result, f)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--config', required=True)
    args = parser.parse_args()
    with open(args.config) as f:
        cfg = json.load(f)
    host = Host(cfg)
    code = host.run()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == '__main__':
    main()
