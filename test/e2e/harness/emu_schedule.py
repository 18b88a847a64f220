"""Devices that arrive and leave while the command runs (DeviceSpec's schedule).

One Slot per DeviceSpec entry. A slot is plugged in before the command starts
(no schedule) or at `plugAtMs` after its anchor (`plugAfter`); it is unplugged
at `unplugAtMs` after its unplug anchor (`unplugAfter`, default: the plug
anchor), on a request trigger (`unplugOn`, counted by the bridge), or when the
simulated device leaves by itself. Anchors:
'start' (the command started), 'listening' (a preloaded process opened a
udev monitor: libusb is initialised), {'gone': name} (that board's latest
earlier entry left the bus) and {'file': path} (the file exists, relative to
the run's scratch directory). A later entry with the same `name` is the same
board plugged in again: by default anchored on the previous entry being gone,
on the same port; the bridge carries its flash over.

Everything here runs on the GLib main loop (timers, idle callbacks), so slot
state needs no lock; bridge replies hop over with GLib.idle_add.
"""
import glob
import os

from gi.repository import GLib

ANCHOR_POLL_MS = 5


class ScheduleError(Exception):
    pass


class Slot:
    def __init__(self, index, spec, name, bus, port):
        self.index = index
        self.spec = spec
        self.name = name
        self.bus = bus
        self.port = port
        self.uevents = spec.get('uevents', True) is not False
        self.scheduled = False
        self.anchor = 'start'
        self.anchor_slot = None  # for {'gone': name}: the slot whose departure is the anchor
        self.unplug_anchor = None  # None: the plug anchor
        self.unplug_anchor_slot = None
        self.plug_at = None
        self.unplug_at = None
        # waiting → plugging → present ⇄ reenumerating → gone
        self.state = 'waiting'
        self.dev = None
        self.pending_dev = None
        self.unplug_requested = False
        self.on_gone = []

    def describe(self):
        return 'devices[%d] (%s, %s on %d-%s)' % (self.index, self.name, self.spec.get('profile'), self.bus, self.port)


def _number(spec, key, index):
    value = spec.get(key)
    if value is None:
        return None
    if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
        raise ScheduleError('devices[%d].%s must be a number >= 0, got %r' % (index, key, value))
    return float(value)


def _check_anchor(anchor, latest, index, key):
    """Validate an anchor; for {'gone': name}, the slot whose departure it waits for."""
    if isinstance(anchor, dict) and 'gone' in anchor:
        gone = latest.get(anchor['gone'])
        if gone is None:
            raise ScheduleError('devices[%d].%s.gone names %r, which is not an earlier entry' % (index, key, anchor['gone']))
        return gone
    if isinstance(anchor, dict) and isinstance(anchor.get('file'), str):
        return None
    if anchor not in (None, 'start', 'listening'):
        raise ScheduleError('devices[%d].%s must be start, listening, {gone} or {file}, got %r' % (index, key, anchor))
    return None


def build_slots(specs):
    """Slots for the config's devices, validated; raises ScheduleError with the entry at fault."""
    slots = []
    latest = {}  # board name -> its latest slot so far
    for index, spec in enumerate(specs):
        name = spec.get('name') or '#%d' % index
        before = latest.get(name)
        bus = int(spec.get('bus', before.bus if before else 1))
        port = str(spec.get('port', before.port if before else index + 1))
        slot = Slot(index, spec, name, bus, port)
        slot.plug_at = _number(spec, 'plugAtMs', index)
        slot.unplug_at = _number(spec, 'unplugAtMs', index)
        anchor = spec.get('plugAfter')
        if anchor is None and before is not None:
            anchor = {'gone': name}
        slot.anchor_slot = _check_anchor(anchor, latest, index, 'plugAfter')
        slot.anchor = anchor if anchor is not None else 'start'
        if spec.get('unplugAfter') is not None:
            slot.unplug_anchor = spec['unplugAfter']
            slot.unplug_anchor_slot = _check_anchor(slot.unplug_anchor, latest, index, 'unplugAfter')
        slot.scheduled = slot.plug_at is not None or spec.get('plugAfter') is not None or before is not None
        if slot.scheduled and slot.plug_at is None:
            slot.plug_at = 0.0
        if slot.unplug_anchor is not None and slot.unplug_at is None:
            slot.unplug_at = 0.0
        if slot.unplug_at is not None and slot.scheduled and slot.unplug_anchor is None and slot.unplug_at <= slot.plug_at:
            raise ScheduleError('devices[%d].unplugAtMs (%g) must come after its plugAtMs (%g)' % (index, slot.unplug_at, slot.plug_at))
        latest[name] = slot
        slots.append(slot)
    return slots


class Schedule:
    def __init__(self, host, slots, scratch_dir):
        self.host = host
        self.log = host.log
        self.slots = slots
        self.scratch_dir = scratch_dir
        self.by_dev = {}

    # ---- before the command ---------------------------------------------
    def plug_initial(self):
        """Entries without a schedule are on the bus before the command starts (no uevent: nobody listens yet)."""
        for slot in self.slots:
            if slot.scheduled:
                continue
            reply = self.host.bridge.call(self._create_msg(slot))
            self._placed(slot, reply, announce=False)

    def _create_msg(self, slot):
        spec = slot.spec
        return {'op': 'create', 'profile': spec['profile'], 'serial': spec.get('serial'), 'timing': spec.get('timing'),
                'faults': spec.get('faults'), 'slot': slot.index, 'board': slot.name, 'unplugOn': spec.get('unplugOn')}

    def _placed(self, slot, reply, announce):
        self.host.plug(reply['dev'], reply['descriptors'], slot.bus, slot.port, announce, slot=slot.index, uevents=slot.uevents)
        slot.state = 'present'
        slot.dev = reply['dev']
        self.by_dev[slot.dev] = slot

    # ---- once the command runs ------------------------------------------
    def start(self):
        for slot in self.slots:
            self._arm(slot.anchor, slot.anchor_slot, lambda slot=slot: self._anchored(slot))
            if slot.unplug_anchor is not None:
                self._arm(slot.unplug_anchor, slot.unplug_anchor_slot, lambda slot=slot: self._unplug_anchored(slot))

    def _arm(self, anchor, gone_slot, reached):
        """Call `reached` once the anchor happens."""
        if gone_slot is not None:
            gone_slot.on_gone.append(reached)
        elif anchor == 'listening':
            self._poll(lambda: bool(glob.glob(os.path.join(self.host.root, 'event[0-9]*'))), reached)
        elif isinstance(anchor, dict) and 'file' in anchor:
            path = os.path.join(self.scratch_dir or '.', anchor['file'])
            self._poll(lambda: os.path.exists(path), reached)
        else:
            reached()

    def _poll(self, condition, reached):
        def check():
            if not condition():
                return True
            reached()
            return False

        if check():
            GLib.timeout_add(ANCHOR_POLL_MS, check)

    def _anchored(self, slot):
        self.log.write('schedule: plug anchor of %s reached' % slot.describe())
        if slot.scheduled:
            GLib.timeout_add(int(round(slot.plug_at)), self._plug_due, slot)
        if slot.unplug_at is not None and slot.unplug_anchor is None:
            GLib.timeout_add(int(round(slot.unplug_at)), self._unplug_due, slot)

    def _unplug_anchored(self, slot):
        self.log.write('schedule: unplug anchor of %s reached' % slot.describe())
        GLib.timeout_add(int(round(slot.unplug_at)), self._unplug_due, slot)

    def _plug_due(self, slot):
        if slot.state != 'waiting':
            return False
        slot.state = 'plugging'
        self.host.bridge.send(self._create_msg(slot), lambda reply: GLib.idle_add(self._created, slot, reply))
        return False

    def _created(self, slot, reply):
        if 'error' in reply:
            self.host.fail('schedule: creating %s failed: %s' % (slot.describe(), reply['error']))
            return False
        try:
            self._placed(slot, reply, announce=True)
        except Exception as e:
            self.host.fail('schedule: plugging %s failed: %s' % (slot.describe(), e))
            return False
        if slot.unplug_requested:
            self._unplug_due(slot)
        return False

    def _unplug_due(self, slot):
        if slot.state == 'present':
            reason = 'unplugged (schedule: at %g ms)' % slot.unplug_at
            self.host.bridge.send({'op': 'unplug', 'dev': slot.dev, 'reason': reason}, lambda reply: None)
        elif slot.state in ('plugging', 'waiting'):
            slot.unplug_requested = True  # as soon as it is on the bus
        elif slot.state == 'reenumerating':
            # pulled out between two enumerations: the device that was about to arrive never does
            self.log.write('schedule: %s unplugged while re-enumerating; sim %s never arrives' % (slot.describe(), slot.pending_dev))
            self._gone(slot)
        return False

    # ---- departures (the bridge said a device left; its URBs have failed) --
    def left(self, device, event):
        """Main loop: the device is off the bus (sysfs removed). Re-enumerations arrive after afterMs."""
        slot = self.by_dev.get(device.sim_id)
        if slot is None or slot.dev != device.sim_id:
            return
        if event.get('event') == 'reenumerate':
            slot.state = 'reenumerating'
            slot.pending_dev = event['newDev']
            delay = max(0, int(event.get('afterMs', 0)))
            GLib.timeout_add(delay, self._arrive, slot, event)
        else:
            self._gone(slot)

    def _arrive(self, slot, event):
        if slot.state != 'reenumerating' or slot.pending_dev != event['newDev']:
            return False
        try:
            self._placed(slot, {'dev': event['newDev'], 'descriptors': event['descriptors']}, announce=True)
        except Exception as e:
            self.host.fail('schedule: re-enumeration of %s failed: %s' % (slot.describe(), e))
        return False

    def _gone(self, slot):
        slot.state = 'gone'
        slot.pending_dev = None
        for callback in slot.on_gone:
            callback()
