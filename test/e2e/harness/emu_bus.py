"""The sysfs / udev side of emulated USB devices: one sysfs device per
enumeration (text attributes plus the binary `descriptors` file), udev
properties, the device node, and hotplug uevents sent as udev netlink
datagrams to every listening process in the testbed.
"""
import glob
import os
import socket
import struct

from emu_usbfs import EmuDevice, UsbfsHandler

USB_MAJOR = 189
UDEV_MONITOR_MAGIC = 0xFEEDCAFE


def murmur2(text):
    """MurmurHash2 (seed 0) as libudev uses for its subsystem/devtype filter hashes."""
    data = text.encode()
    m = 0x5BD1E995
    h = len(data) & 0xFFFFFFFF
    i = 0
    while len(data) - i >= 4:
        k = struct.unpack_from('<I', data, i)[0]
        k = (k * m) & 0xFFFFFFFF
        k ^= k >> 24
        k = (k * m) & 0xFFFFFFFF
        h = ((h * m) & 0xFFFFFFFF) ^ k
        i += 4
    rest = len(data) - i
    if rest == 3:
        h ^= data[i + 2] << 16
    if rest >= 2:
        h ^= data[i + 1] << 8
    if rest >= 1:
        h ^= data[i]
        h = (h * m) & 0xFFFFFFFF
    h ^= h >> 13
    h = (h * m) & 0xFFFFFFFF
    h ^= h >> 15
    return h


def parse_descriptors(blob):
    """Fields of the device descriptor and the (first) configuration descriptor."""
    dev = struct.unpack_from('<BBHBBBBHHHBBBB', blob, 0)
    fields = dict(zip(['bLength', 'bDescriptorType', 'bcdUSB', 'bDeviceClass', 'bDeviceSubClass', 'bDeviceProtocol',
                       'bMaxPacketSize0', 'idVendor', 'idProduct', 'bcdDevice', 'iManufacturer', 'iProduct',
                       'iSerialNumber', 'bNumConfigurations'], dev))
    cfg = blob[18:]
    fields['wTotalLength'], fields['bNumInterfaces'], fields['bConfigurationValue'] = struct.unpack_from('<HBB', cfg, 2)
    fields['bmAttributes'], fields['bMaxPower'] = cfg[7], cfg[8]
    interfaces = set()
    i = 0
    while i + 2 <= len(cfg) and cfg[i] >= 2:
        if cfg[i + 1] == 4 and cfg[i] >= 9:
            interfaces.add(cfg[i + 2])
        i += cfg[i]
    fields['interfaces'] = sorted(interfaces)
    return fields


class Bus:
    """Plays the kernel's USB core for the testbed: plug, unplug, re-enumerate."""

    def __init__(self, host, testbed):
        self.host = host
        self.log = host.log
        self.testbed = testbed
        self.root = testbed.get_root_dir()
        self.next_devnum = {}
        self.seqnum = 1000
        self.hubs = set()
        self.handlers = []  # keep handlers alive while clients may still use them
        # devnode -> the device whose ioctl handler is attached there; it stays attached after an unplug
        self.attached = {}
        self.devices = []
        self.occupied = {}  # (bus, port) -> the device on it

    def _alloc_devnum(self, bus):
        n = self.next_devnum.get(bus, 2)
        self.next_devnum[bus] = 2 if n >= 127 else n + 1
        return n

    def _sysfs_name(self, bus, port):
        parts = port.split('.')
        names = ['%d-%s' % (bus, '.'.join(parts[:k])) for k in range(1, len(parts) + 1)]
        return 'usb%d/%s' % (bus, '/'.join(names))

    def _ensure_hubs(self, bus, port):
        parts = port.split('.')
        for k in range(1, len(parts)):
            hub_port = '.'.join(parts[:k])
            if (bus, hub_port) in self.hubs:
                continue
            self.hubs.add((bus, hub_port))
            devnum = self._alloc_devnum(bus)
            # a plain USB 2.0 hub (Genesys Logic 05e3:0608) so libusb sees the port chain
            device = bytes([18, 1, 0x00, 0x02, 9, 0, 1, 64, 0xE3, 0x05, 0x08, 0x06, 0x00, 0x01, 0, 0, 0, 1])
            config = bytes([9, 2, 25, 0, 1, 1, 0, 0xE0, 0, 9, 4, 0, 0, 1, 9, 0, 0, 0, 7, 5, 0x81, 3, 2, 0, 12])
            self._add_sysfs(bus, devnum, hub_port, device + config, {})

    def _add_sysfs(self, bus, devnum, port, blob, strings):
        f = parse_descriptors(blob)
        minor = (bus - 1) * 128 + devnum - 1
        devnode = '/dev/bus/usb/%03d/%03d' % (bus, devnum)
        attrs = {
            'busnum': '%d' % bus, 'devnum': '%d' % devnum, 'devpath': port, 'speed': '12',
            'version': '%2x.%02x' % (f['bcdUSB'] >> 8, f['bcdUSB'] & 0xFF),
            'idVendor': '%04x' % f['idVendor'], 'idProduct': '%04x' % f['idProduct'], 'bcdDevice': '%04x' % f['bcdDevice'],
            'bDeviceClass': '%02x' % f['bDeviceClass'], 'bDeviceSubClass': '%02x' % f['bDeviceSubClass'],
            'bDeviceProtocol': '%02x' % f['bDeviceProtocol'], 'bMaxPacketSize0': '%d' % f['bMaxPacketSize0'],
            'bNumConfigurations': '%d' % f['bNumConfigurations'], 'bConfigurationValue': '%d' % f['bConfigurationValue'],
            'bNumInterfaces': '%2d' % f['bNumInterfaces'], 'bmAttributes': '%2x' % f['bmAttributes'],
            'bMaxPower': '%dmA' % (f['bMaxPower'] * 2), 'dev': '%d:%d' % (USB_MAJOR, minor),
        }
        for name, index in (('manufacturer', f['iManufacturer']), ('product', f['iProduct']), ('serial', f['iSerialNumber'])):
            if index and str(index) in strings:
                attrs[name] = strings[str(index)]
        props = {
            'DEVNAME': devnode, 'DEVTYPE': 'usb_device', 'DRIVER': 'usb',
            'PRODUCT': '%x/%x/%x' % (f['idVendor'], f['idProduct'], f['bcdDevice']),
            'TYPE': '%d/%d/%d' % (f['bDeviceClass'], f['bDeviceSubClass'], f['bDeviceProtocol']),
            'BUSNUM': '%03d' % bus, 'DEVNUM': '%03d' % devnum, 'MAJOR': str(USB_MAJOR), 'MINOR': str(minor),
        }
        attr_list = []
        for k, v in attrs.items():
            attr_list += [k, v + '\n']
        prop_list = []
        for k, v in props.items():
            prop_list += [k, v]
        syspath = self.testbed.add_device('usb', self._sysfs_name(bus, port), None, attr_list, prop_list)
        self.testbed.set_attribute_binary(syspath, 'descriptors', list(blob))
        return syspath, devnode, props, f

    def plug(self, sim_id, bus, port, blob, strings, announce, slot=None, uevents=True):
        """A device appears on `bus`-`port` with the given descriptors (an 'add' uevent if `announce`)."""
        present = self.occupied.get((bus, port))
        if present is not None and not getattr(present, 'removed', False):
            raise ValueError('port %d-%s is taken by sim %s' % (bus, port, present.sim_id))
        self._ensure_hubs(bus, port)
        devnum = self._alloc_devnum(bus)
        syspath, devnode, props, fields = self._add_sysfs(bus, devnum, port, blob, strings)
        device = EmuDevice(self.host, sim_id, bus, devnum, port, blob, fields['interfaces'], self.root + devnode)
        device.syspath = syspath
        device.devnode = devnode
        device.props = props
        device.slot = slot
        device.uevents = uevents
        handler = UsbfsHandler(device)
        self.handlers.append(handler)
        previous = self.attached.pop(devnode, None)
        if previous is not None:  # the device number came round again (after 126 enumerations on the bus)
            self._detach_ioctl(previous)
        self.testbed.attach_ioctl(devnode, handler)
        self.attached[devnode] = device
        self.devices.append(device)
        self.occupied[(bus, port)] = device
        self.log.write('plug: sim %s on %d-%s as %s' % (sim_id, bus, port, devnode))
        if announce:
            self.uevent('add', device)
        self.host.record_change('plug', device, announce)
        return device

    def unplug(self, device, reason=None):
        """The device leaves the bus: gone from sysfs and /dev first, then its URBs fail, then the uevent."""
        if getattr(device, 'removed', False):
            device.unplug()  # its URBs fail, should the first call have stopped before that
            return
        device.removed = True
        # In this order: a process woken by a failed URB may rescan the bus at once (dfu-util -w, a station),
        # and must not find the board still listed; if the harness were descheduled between the two steps,
        # that process would open a node that is about to go and exit with ENODEV.
        # The ioctl handler stays attached: a process that still has the node open gets ENODEV from every
        # ioctl, as from the kernel. Detaching it would reset that process's connection to the handler, and
        # umockdev's preload aborts the process on its next ioctl (how late that ioctl comes depends on the
        # scheduler: seen as an abort with 'Error communicating with ioctl socket' on a busy machine).
        self.testbed.remove_device(device.syspath)
        try:
            os.unlink(device.node_path)
        except OSError:
            pass
        device.unplug()
        if device.uevents:
            self.uevent('remove', device)
        self.host.record_change('unplug', device, device.uevents, reason)
        if self.occupied.get((device.bus, device.port)) is device:
            del self.occupied[(device.bus, device.port)]
        self.log.write('unplug: sim %s from %d-%s (%s)' % (device.sim_id, device.bus, device.port, device.devnode))

    def _detach_ioctl(self, device):
        try:
            self.testbed.detach_ioctl(device.devnode)
        except Exception as e:
            self.log.write('detach_ioctl %s: %s' % (device.devnode, e))

    def uevent(self, action, device):
        self.seqnum += 1
        props = ['ACTION=' + action, 'DEVPATH=' + device.syspath[len('/sys'):], 'SUBSYSTEM=usb', 'SEQNUM=%d' % self.seqnum]
        props += ['%s=%s' % kv for kv in device.props.items()]
        body = b''.join(p.encode() + b'\0' for p in props)
        header = b'libudev\0' + struct.pack('>I', UDEV_MONITOR_MAGIC) + struct.pack('<III', 40, 40, len(body))
        header += struct.pack('>II', murmur2('usb'), murmur2('usb_device')) + struct.pack('<II', 0, 0)
        message = header + body
        for path in glob.glob(os.path.join(self.root, 'event[0-9]*')):
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            try:
                sock.sendto(message, path)
            except ConnectionRefusedError:
                pass  # that process closed its monitor
            except OSError as e:
                self.log.write('uevent %s to %s: %s' % (action, path, e))
            finally:
                sock.close()
        self.log.write('uevent %s %s' % (action, device.devnode))

    def close(self):
        for device in self.devices:
            device.close_fifo()
