#!/usr/bin/python3
"""Calibration client for the bench: the cost of one control transfer through
libusb and the emulated bus, with as little host as possible in between
(Debian's libusb-1.0 through ctypes, synchronous calls, no sleeps).

    calibrate_libusb.py VID PID COUNT

Against an idle DfuSe device (the F4 ROM profile): SET_INTERFACE alt 0,
GETSTATUS (+ CLRSTATUS out of dfuERROR), then COUNT timed GETSTATUS round
trips (6 bytes IN); then SET_ADDRESS 0x08000000, ABORT, and COUNT timed
UPLOADs of wTransferSize bytes (block 2, dfuUPLOAD-IDLE), then ABORT.
Prints one JSON object: {"small": [ms...], "data": [ms...], "dataLength": n}.
"""
import ctypes
import ctypes.util
import json
import sys
import time

lib = ctypes.CDLL(ctypes.util.find_library('usb-1.0') or 'libusb-1.0.so.0')
lib.libusb_open_device_with_vid_pid.restype = ctypes.c_void_p
lib.libusb_open_device_with_vid_pid.argtypes = [ctypes.c_void_p, ctypes.c_uint16, ctypes.c_uint16]
lib.libusb_control_transfer.argtypes = [ctypes.c_void_p, ctypes.c_uint8, ctypes.c_uint8, ctypes.c_uint16,
                                        ctypes.c_uint16, ctypes.c_char_p, ctypes.c_uint16, ctypes.c_uint]
lib.libusb_claim_interface.argtypes = [ctypes.c_void_p, ctypes.c_int]
lib.libusb_release_interface.argtypes = [ctypes.c_void_p, ctypes.c_int]
lib.libusb_set_interface_alt_setting.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int]
lib.libusb_close.argtypes = [ctypes.c_void_p]

GETSTATUS, CLRSTATUS, DNLOAD, UPLOAD, ABORT = 3, 4, 1, 2, 6
DFU_ERROR, DFU_DNBUSY = 10, 4


def control(h, rt, req, value, length_or_data):
    if isinstance(length_or_data, bytes):
        buf = ctypes.create_string_buffer(length_or_data, len(length_or_data))
        n = len(length_or_data)
    else:
        n = length_or_data
        buf = ctypes.create_string_buffer(max(n, 1))
    r = lib.libusb_control_transfer(h, rt, req, value, 0, buf, n, 2000)
    if r < 0:
        raise RuntimeError('control %02x/%d failed: %d' % (rt, req, r))
    return buf.raw[:r]


def status(h):
    b = control(h, 0xA1, GETSTATUS, 0, 6)
    return b[0], b[1] | (b[2] << 8) | (b[3] << 16), b[4]


def settle(h):
    s, poll, state = status(h)
    while state == DFU_DNBUSY:
        time.sleep(poll / 1000.0)
        s, poll, state = status(h)
    return state


def timed(fn, count):
    out = []
    for _ in range(count):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000.0)
    return out


def main():
    vid, pid, count = int(sys.argv[1], 16), int(sys.argv[2], 16), int(sys.argv[3])
    length = int(sys.argv[4]) if len(sys.argv) > 4 else 2048
    if lib.libusb_init(None) != 0:
        raise RuntimeError('libusb_init failed')
    h = lib.libusb_open_device_with_vid_pid(None, vid, pid)
    if not h:
        raise RuntimeError('device %04x:%04x not found' % (vid, pid))
    lib.libusb_claim_interface(h, 0)
    lib.libusb_set_interface_alt_setting(h, 0, 0)
    if status(h)[2] == DFU_ERROR:
        control(h, 0x21, CLRSTATUS, 0, b'')
    small = timed(lambda: status(h), count)
    control(h, 0x21, DNLOAD, 0, bytes([0x21, 0x00, 0x00, 0x00, 0x08]))
    settle(h)
    control(h, 0x21, ABORT, 0, b'')
    data = timed(lambda: control(h, 0xA1, UPLOAD, 2, length), count)
    control(h, 0x21, ABORT, 0, b'')
    lib.libusb_release_interface(h, 0)
    lib.libusb_close(h)
    print(json.dumps({'small': small, 'data': data, 'dataLength': length}))


main()
