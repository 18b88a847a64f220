"""usbdevfs ABI bits the emulation needs (linux/usbdevice_fs.h, x86-64), and
one submitted control transfer (Urb)."""
import errno
import struct
import time

# ioctl numbers ('U' type), linux/usbdevice_fs.h
U_CONTROL = 0
U_RESETEP = 3
U_SETINTERFACE = 4
U_SETCONFIGURATION = 5
U_GETDRIVER = 8
U_SUBMITURB = 10
U_DISCARDURB = 11
U_REAPURB = 12
U_REAPURBNDELAY = 13
U_CLAIMINTERFACE = 15
U_RELEASEINTERFACE = 16
U_CONNECTINFO = 17
U_IOCTL = 18
U_RESET = 20
U_CLEAR_HALT = 21
U_GET_CAPABILITIES = 26
U_DISCONNECT_CLAIM = 27
U_DROP_PRIVILEGES = 30
U_GET_SPEED = 31

IOCTL_NAMES = {
    U_CONTROL: 'CONTROL', U_RESETEP: 'RESETEP', U_SETINTERFACE: 'SETINTERFACE', U_SETCONFIGURATION: 'SETCONFIGURATION',
    U_GETDRIVER: 'GETDRIVER', U_SUBMITURB: 'SUBMITURB', U_DISCARDURB: 'DISCARDURB', U_REAPURB: 'REAPURB',
    U_REAPURBNDELAY: 'REAPURBNDELAY', U_CLAIMINTERFACE: 'CLAIMINTERFACE', U_RELEASEINTERFACE: 'RELEASEINTERFACE',
    U_CONNECTINFO: 'CONNECTINFO', U_IOCTL: 'IOCTL', U_RESET: 'RESET', U_CLEAR_HALT: 'CLEAR_HALT',
    U_GET_CAPABILITIES: 'GET_CAPABILITIES', U_DISCONNECT_CLAIM: 'DISCONNECT_CLAIM', U_DROP_PRIVILEGES: 'DROP_PRIVILEGES',
    U_GET_SPEED: 'GET_SPEED',
}

URB_TYPE_CONTROL = 2
URB_SIZE = 56  # struct usbdevfs_urb on x86-64
USB_SPEED_FULL = 2
FIFO_CHUNK = b'\0' * 4096

STATUS_BY_RESULT = {'ack': 0, 'stall': -errno.EPIPE, 'gone': -errno.ESHUTDOWN}


def u32(data, offset=0):
    return struct.unpack_from('<I', bytes(data.retrieve()), offset)[0]


class Urb:
    """One control transfer submitted by a client (an open fd)."""

    def __init__(self, client, urb_data, buf_data, addr, setup, out_data, sync_done=None, submitted_ms=None):
        self.client = client
        # CLOCK_MONOTONIC ms when the host submitted it (the ioctl arrived)
        self.submitted_ms = time.monotonic() * 1000.0 if submitted_ms is None else submitted_ms
        self.urb_data = urb_data
        self.buf_data = buf_data
        self.addr = addr
        self.setup = setup
        self.out_data = out_data
        self.is_in = bool(setup[0] & 0x80)
        self.w_length = struct.unpack_from('<H', setup, 6)[0]
        self.status = None
        self.in_data = b''
        self.bridge_id = None
        self.silent = False
        # USBDEVFS_CONTROL (synchronous) instead of an URB: called with (status, in_data)
        self.sync_done = sync_done
