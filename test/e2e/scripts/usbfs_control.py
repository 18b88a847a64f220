#!/usr/bin/python3
"""Talk usbdevfs directly (no libusb) to check the harness's less-used ioctls:
USBDEVFS_CONTROL (synchronous control transfer, with its timeout), CONNECTINFO,
GET_CAPABILITIES, CLAIMINTERFACE from two fds (EBUSY) and of a missing interface
(ENOENT). Prints one JSON object.

    usbfs_control.py /dev/bus/usb/001/002
"""
import ctypes
import fcntl
import json
import os
import struct
import sys


def ioc(direction, nr, size):
    return (direction << 30) | (size << 16) | (ord('U') << 8) | nr


READ, WRITE = 2, 1
USBDEVFS_CONTROL = ioc(READ | WRITE, 0, 24)
USBDEVFS_CLAIMINTERFACE = ioc(READ, 15, 4)
USBDEVFS_CONNECTINFO = ioc(WRITE, 17, 8)
USBDEVFS_GET_CAPABILITIES = ioc(READ, 26, 4)


def control(fd, request_type, request, value, index, length, timeout_ms=1000):
    buf = ctypes.create_string_buffer(max(length, 1))
    ctrl = bytearray(struct.pack('<BBHHHI4xQ', request_type, request, value, index, length, timeout_ms, ctypes.addressof(buf)))
    try:
        n = fcntl.ioctl(fd, USBDEVFS_CONTROL, ctrl)
    except OSError as e:
        return {'errno': e.errno}
    return {'length': n, 'data': buf.raw[:n].hex()}


def main():
    node = sys.argv[1]
    fd = os.open(node, os.O_RDWR)
    other = os.open(node, os.O_RDWR)
    out = {}
    out['descriptor'] = control(fd, 0x80, 6, 0x0100, 0, 18)
    out['stall'] = control(fd, 0xC0, 0x42, 0, 0, 4)
    out['silent'] = control(fd, 0x80, 0, 0, 0, 2, timeout_ms=300)  # GET_STATUS: the test makes it silent
    out['after_silent'] = control(fd, 0x80, 6, 0x0100, 0, 4)
    info = bytearray(8)
    fcntl.ioctl(fd, USBDEVFS_CONNECTINFO, info)
    out['devnum'] = struct.unpack_from('<I', info)[0]
    caps = bytearray(4)
    fcntl.ioctl(fd, USBDEVFS_GET_CAPABILITIES, caps)
    out['caps'] = struct.unpack('<I', caps)[0]
    fcntl.ioctl(fd, USBDEVFS_CLAIMINTERFACE, struct.pack('<I', 0))
    try:
        fcntl.ioctl(other, USBDEVFS_CLAIMINTERFACE, struct.pack('<I', 0))
        out['second_claim'] = 0
    except OSError as e:
        out['second_claim'] = e.errno
    try:
        fcntl.ioctl(fd, USBDEVFS_CLAIMINTERFACE, struct.pack('<I', 7))
        out['missing_interface'] = 0
    except OSError as e:
        out['missing_interface'] = e.errno
    print(json.dumps(out))


main()
