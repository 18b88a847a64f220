"""The usbdevfs side of one emulated USB device: what the kernel does when
libusb opens /dev/bus/usb/BBB/DDD and issues ioctls on it.

Control URBs are queued per device (EP0 does one transfer at a time) and
forwarded to the Node bridge; the URB becomes reapable when the simulated
device completes it. Readiness for libusb's poll(POLLOUT) is a FIFO at the
node path: kept full while nothing is reapable (poll blocks), drained when
something is.

ioctl handlers run on umockdev's worker thread and bridge replies arrive on
the bridge reader thread: all state is guarded by `self.lock`.
"""
import collections
import errno
import os
import struct
import threading
import time
import traceback

import gi

gi.require_version('UMockdev', '1.0')
from gi.repository import UMockdev  # noqa: E402

from usbdevfs_abi import (  # noqa: E402
    IOCTL_NAMES, STATUS_BY_RESULT, URB_SIZE, URB_TYPE_CONTROL, USB_SPEED_FULL, FIFO_CHUNK, Urb, u32,
    U_CLAIMINTERFACE, U_CLEAR_HALT, U_CONNECTINFO, U_CONTROL, U_DISCARDURB, U_DISCONNECT_CLAIM, U_DROP_PRIVILEGES,
    U_GET_CAPABILITIES, U_GET_SPEED, U_GETDRIVER, U_IOCTL, U_REAPURB, U_REAPURBNDELAY, U_RELEASEINTERFACE, U_RESET,
    U_RESETEP, U_SETCONFIGURATION, U_SETINTERFACE, U_SUBMITURB,
)


class EmuDevice:
    """State of one enumeration of a device: URB queues, claims, readiness FIFO."""

    def __init__(self, host, sim_id, bus, devnum, port, descriptors, interface_numbers, node_path):
        self.host = host
        self.log = host.log
        self.bridge = host.bridge
        self.sim_id = sim_id
        self.bus = bus
        self.devnum = devnum
        self.port = port
        self.descriptors = descriptors
        self.interface_numbers = set(interface_numbers)
        self.node_path = node_path
        self.lock = threading.RLock()
        self.queue = collections.deque()
        self.current = None
        self.reapable = {}
        self.parked = {}
        self.claims = {}
        self.read_pos = {}
        self.gone = False
        # the device has left the bus but its bus event has not been handled yet: URBs wait (none reaches
        # the device) and fail when the event removes it
        self.leaving = False
        # CLOCK_MONOTONIC ms when the last URB of this device completed (became reapable, or failed)
        self.last_completed_ms = None
        os.makedirs(os.path.dirname(node_path), exist_ok=True)
        os.mkfifo(node_path, 0o666)
        self.fifo = os.open(node_path, os.O_RDWR | os.O_NONBLOCK)
        self._fifo_full = False
        self._fill()

    # ---- readiness -------------------------------------------------------
    def _fill(self):
        try:
            while True:
                os.write(self.fifo, FIFO_CHUNK)
        except BlockingIOError:
            pass
        self._fifo_full = True

    def _drain(self):
        try:
            while os.read(self.fifo, 65536):
                pass
        except BlockingIOError:
            pass
        self._fifo_full = False

    def _update_readiness(self):
        if self.fifo is None:
            return
        if any(self.reapable.values()):
            if self._fifo_full:
                self._drain()
        elif not self._fifo_full:
            self._fill()

    def close_fifo(self):
        with self.lock:
            if self.fifo is not None:
                os.close(self.fifo)
                self.fifo = None

    def devnode_name(self):
        return '%d-%s/%03d' % (self.bus, self.port, self.devnum)

    # ---- EP0 pipeline ----------------------------------------------------
    def _pump(self):
        if self.current is not None or not self.queue or self.gone or self.leaving:
            return
        urb = self.queue.popleft()
        self.current = urb
        msg = {'op': 'control', 'dev': self.sim_id, 'setup': urb.setup.hex(), 'data': urb.out_data.hex(),
               'hostTimes': {'submittedAt': urb.submitted_ms, 'previousCompletedAt': self.last_completed_ms}}
        urb.bridge_id = self.bridge.send(msg, lambda reply, urb=urb: self._on_reply(urb, reply))

    def _on_reply(self, urb, reply):
        with self.lock:
            if urb is not self.current:
                return  # discarded, or failed when the device left
            result = reply.get('result', 'gone' if 'error' in reply else None)
            if result == 'silent':
                urb.silent = True  # never completes: the host times out and discards it
                return
            status = STATUS_BY_RESULT.get(result, -errno.EPROTO)
            data = bytes.fromhex(reply.get('data') or '') if urb.is_in and status == 0 else b''
            if result == 'gone':
                # the device left instead of answering: this URB fails with the others when its bus
                # event removes it (sysfs and the failures together, as the kernel does)
                self.leaving = True
                return
            self.current = None
            self._finish(urb, status, data[: urb.w_length])
            if reply.get('leaves'):
                self.leaving = True  # off the bus once this answer is out: nothing more reaches it
                return
            self._pump()

    def _finish(self, urb, status, in_data=b''):
        self.last_completed_ms = time.monotonic() * 1000.0
        urb.status = status
        urb.in_data = in_data
        if self.host.verbose:
            self.log.write('%s urb %s out %d -> status %d, in %s' % (
                self.devnode_name(), urb.setup.hex(), len(urb.out_data), status, in_data.hex() or '-'))
        if urb.sync_done is not None:
            urb.sync_done(status, in_data)
            return
        parked = self.parked.pop(urb.client, None)
        if parked is not None:
            self._deliver(parked, urb)
            urb.client.complete(0, 0)
            return
        self.reapable.setdefault(urb.client, collections.deque()).append(urb)
        self._update_readiness()

    def _deliver(self, arg, urb):
        slot = arg.resolve(0, 8)
        slot.set_ptr(0, urb.urb_data)
        urb.urb_data.update(4, list(struct.pack('<i', urb.status)))
        urb.urb_data.update(28, list(struct.pack('<i', len(urb.in_data) if urb.is_in else (len(urb.out_data) if urb.status == 0 else 0))))
        if urb.in_data:
            urb.buf_data.update(8, list(urb.in_data))

    def stop_sending(self):
        """The device is leaving (its removal is on its way to the main loop): nothing more reaches it."""
        with self.lock:
            self.leaving = True

    def unplug(self):
        """The device left the bus: every queued URB fails with -ESHUTDOWN."""
        with self.lock:
            if self.gone:
                return
            self.gone = True
            pending = ([self.current] if self.current else []) + list(self.queue)
            self.current = None
            self.queue.clear()
            for urb in pending:
                self._finish(urb, -errno.ESHUTDOWN)
            for client in list(self.parked):
                self.parked.pop(client)
                client.complete(-1, errno.ENODEV)

    def client_vanished(self, client):
        with self.lock:
            self.reapable.pop(client, None)
            self.parked.pop(client, None)
            self.read_pos.pop(client, None)
            for iface in [i for i, c in self.claims.items() if c is client]:
                del self.claims[iface]
            self.queue = collections.deque(u for u in self.queue if u.client is not client)
            if self.current is not None and self.current.client is client:
                self.bridge.send({'op': 'cancel', 'dev': self.sim_id, 'ref': self.current.bridge_id})
                self.current = None
                self._pump()
            self._update_readiness()

    # ---- ioctls ----------------------------------------------------------
    def handle_ioctl(self, client):
        arrived_ms = time.monotonic() * 1000.0
        request = client.get_request()
        arg = client.get_arg()
        nr = request & 0xff
        if (request >> 8) & 0xff != ord('U'):
            client.complete(-1, errno.ENOTTY)
            return
        if self.host.verbose and nr != U_REAPURBNDELAY:
            self.log.write('%s %s' % (self.devnode_name(), IOCTL_NAMES.get(nr, 'ioctl %d' % nr)))
        if nr in (U_REAPURB, U_REAPURBNDELAY):
            self._reap(client, arg, block=(nr == U_REAPURB))
            return
        if nr == U_DISCARDURB:
            self._discard(client, arg)
            return
        if nr == U_GET_CAPABILITIES:
            arg.resolve(0, 4).update(0, list(struct.pack('<I', 0)))
            client.complete(0, 0)
            return
        if self.gone:
            client.complete(-1, errno.ENODEV)
            return
        if nr == U_SUBMITURB:
            self._submit(client, arg, arrived_ms)
        elif nr == U_CONTROL:
            self._control_sync(client, arg)
        elif nr in (U_CLAIMINTERFACE, U_DISCONNECT_CLAIM):
            self._claim(client, u32(arg.resolve(0, 4)))
        elif nr == U_RELEASEINTERFACE:
            iface = u32(arg.resolve(0, 4))
            with self.lock:
                if self.claims.get(iface) is client:
                    del self.claims[iface]
                    client.complete(0, 0)
                else:
                    client.complete(-1, errno.EINVAL)
        elif nr == U_SETINTERFACE:
            iface, alt = struct.unpack_from('<II', bytes(arg.resolve(0, 8).retrieve()))
            self._set_interface(client, iface, alt)
        elif nr == U_SETCONFIGURATION:
            client.complete(0, 0)
        elif nr == U_CONNECTINFO:
            arg.resolve(0, 8).update(0, list(struct.pack('<IB3x', self.devnum, 0)))
            client.complete(0, 0)
        elif nr in (U_GETDRIVER, U_IOCTL):
            client.complete(-1, errno.ENODATA)  # no kernel driver bound
        elif nr == U_RESET:
            self.bridge.send({'op': 'reset', 'dev': self.sim_id}, lambda reply: self._reset_done(client, reply))
        elif nr in (U_CLEAR_HALT, U_RESETEP, U_DROP_PRIVILEGES):
            client.complete(0, 0)
        elif nr == U_GET_SPEED:
            client.complete(USB_SPEED_FULL, 0)
        else:
            client.complete(-1, errno.ENOTTY)

    def _submit(self, client, arg, arrived_ms):
        addr = struct.unpack_from('<Q', bytes(arg.retrieve()))[0]
        urb_data = arg.resolve(0, URB_SIZE)
        raw = bytes(urb_data.retrieve())
        urb_type, endpoint = raw[0], raw[1]
        buffer_length = struct.unpack_from('<i', raw, 24)[0]
        if urb_type != URB_TYPE_CONTROL or (endpoint & 0x7f) != 0 or buffer_length < 8:
            client.complete(-1, errno.EINVAL)  # only EP0 control transfers are emulated
            return
        buf_data = urb_data.resolve(16, buffer_length)
        buf = bytes(buf_data.retrieve())
        setup = buf[:8]
        w_length = struct.unpack_from('<H', setup, 6)[0]
        out_data = b'' if setup[0] & 0x80 else buf[8:8 + w_length]
        urb = Urb(client, urb_data, buf_data, addr, setup, out_data, submitted_ms=arrived_ms)
        with self.lock:
            # checked again under the lock unplug() takes: reading the URB from the client takes a while, and
            # the device may have left meanwhile; an URB queued to a device that left would never complete
            if self.gone:
                client.complete(-1, errno.ENODEV)
                return
            self.queue.append(urb)
            self._pump()
        client.complete(0, 0)

    def _control_sync(self, client, arg):
        ctrl = arg.resolve(0, 24)
        raw = bytes(ctrl.retrieve())
        setup = raw[:8]
        w_length = struct.unpack_from('<H', raw, 6)[0]
        timeout_ms = struct.unpack_from('<I', raw, 8)[0]
        data = ctrl.resolve(16, w_length) if w_length else None
        out_data = b'' if setup[0] & 0x80 or data is None else bytes(data.retrieve())
        state = {'done': False}

        def done(status, in_data):
            if state['done']:
                return
            state['done'] = True
            if status != 0:
                client.complete(-1, -status if status != -errno.ENOENT else errno.ETIMEDOUT)
                return
            if in_data and data is not None:
                data.update(0, list(in_data))
            client.complete(len(in_data) if setup[0] & 0x80 else len(out_data), 0)

        urb = Urb(client, None, None, 0, setup, out_data, sync_done=done)
        with self.lock:
            if self.gone:  # as in _submit: refused, never queued to a device that left
                client.complete(-1, errno.ENODEV)
                return
            self.queue.append(urb)
            self._pump()
        if timeout_ms:
            def expire():
                with self.lock:
                    if urb.status is not None:
                        return
                    if urb is self.current:
                        self.bridge.send({'op': 'cancel', 'dev': self.sim_id, 'ref': urb.bridge_id})
                        self.current = None
                    elif urb in self.queue:
                        self.queue.remove(urb)
                    self._finish(urb, -errno.ENOENT)
                    self._pump()
            timer = threading.Timer(timeout_ms / 1000.0, expire)
            timer.daemon = True
            timer.start()

    def _discard(self, client, arg):
        addr = struct.unpack_from('<Q', bytes(arg.retrieve()))[0]
        with self.lock:
            urb = None
            if self.current is not None and self.current.client is client and self.current.addr == addr:
                urb = self.current
                self.current = None
                self.bridge.send({'op': 'cancel', 'dev': self.sim_id, 'ref': urb.bridge_id})
            else:
                for u in self.queue:
                    if u.client is client and u.addr == addr:
                        urb = u
                        break
                if urb is not None:
                    self.queue.remove(urb)
            if urb is None:
                client.complete(-1, errno.EINVAL)  # already completed
                return
            self._finish(urb, -errno.ENOENT)
            self._pump()
        client.complete(0, 0)

    def _reap(self, client, arg, block):
        with self.lock:
            queue = self.reapable.get(client)
            if queue:
                urb = queue.popleft()
                self._deliver(arg, urb)
                self._update_readiness()
                client.complete(0, 0)
            elif self.gone:
                client.complete(-1, errno.ENODEV)
            elif block:
                self.parked[client] = arg
            else:
                client.complete(-1, errno.EAGAIN)

    def _claim(self, client, iface):
        with self.lock:
            if iface not in self.interface_numbers:
                client.complete(-1, errno.ENOENT)
            elif self.claims.get(iface, client) is not client:
                client.complete(-1, errno.EBUSY)
            else:
                self.claims[iface] = client
                client.complete(0, 0)

    def _set_interface(self, client, iface, alt):
        if iface not in self.interface_numbers:
            client.complete(-1, errno.EINVAL)
            return

        def done(reply):
            if 'error' in reply or self.gone:
                client.complete(-1, errno.ENODEV)
            elif reply.get('ok'):
                client.complete(0, 0)
            else:
                client.complete(-1, errno.EPIPE)

        self.bridge.send({'op': 'setInterface', 'dev': self.sim_id, 'interface': iface, 'alt': alt}, done)

    def _reset_done(self, client, reply):
        if 'error' in reply or reply.get('gone') or self.gone:
            client.complete(-1, errno.ENODEV)
        else:
            client.complete(0, 0)

    def handle_read(self, client):
        arg = client.get_arg()
        want = len(bytes(arg.retrieve()))
        with self.lock:
            pos = self.read_pos.get(client, 0)
            chunk = self.descriptors[pos:pos + want]
            self.read_pos[client] = pos + len(chunk)
        if chunk:
            arg.update(0, list(chunk))
        client.complete(len(chunk), 0)


class UsbfsHandler(UMockdev.IoctlBase):
    """umockdev glue: every ioctl/read on the node goes to the EmuDevice."""

    def __init__(self, device):
        super().__init__()
        self.device = device

    def _guard(self, client, fn):
        try:
            fn(client)
        except Exception:
            self.device.log.write('ioctl handler failed:\n' + traceback.format_exc())
            try:
                client.complete(-1, errno.EIO)
            except Exception:
                pass
        return True

    def do_handle_ioctl(self, client):
        return self._guard(client, self.device.handle_ioctl)

    def do_handle_read(self, client):
        return self._guard(client, self.device.handle_read)

    def do_handle_write(self, client):
        client.complete(-1, errno.EINVAL)
        return True

    def do_client_vanished(self, client):
        try:
            self.device.client_vanished(client)
        except Exception:
            self.device.log.write('client_vanished failed:\n' + traceback.format_exc())
