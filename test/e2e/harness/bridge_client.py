"""JSON-lines client for the Node sim bridge (sim-bridge.ts).

Requests carry an `id`; the bridge answers each with the same `id` when the
simulated device is done (a busy device answers late). Lines without an `id`
but with an `event` are bus events (the device left the bus, a device
arrives). Replies and events are handled on the reader thread, in the order
the bridge wrote them.
"""
import json
import subprocess
import threading


class BridgeError(Exception):
    pass


class Bridge:
    def __init__(self, argv, log, on_event, cwd=None):
        self._log = log
        self._on_event = on_event
        self._lock = threading.Lock()
        self._next_id = 1
        self._waiting = {}
        self.dead = False
        self.proc = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log.file,
            cwd=cwd,
        )
        self._reader = threading.Thread(target=self._read, name='bridge-reader', daemon=True)
        self._reader.start()

    def send(self, msg, callback=None):
        """Send one request; `callback(reply)` runs on the reader thread. Returns the request id."""
        with self._lock:
            rid = self._next_id
            self._next_id += 1
            if self.dead:
                dead = True
            else:
                dead = False
                if callback is not None:
                    self._waiting[rid] = callback
                msg = dict(msg, id=rid)
                try:
                    self.proc.stdin.write((json.dumps(msg) + '\n').encode())
                    self.proc.stdin.flush()
                except (BrokenPipeError, OSError) as e:
                    self._waiting.pop(rid, None)
                    self._log.write('bridge: write failed: %s' % e)
                    dead = True
        if dead and callback is not None:
            callback({'id': rid, 'error': 'bridge is not running'})
        return rid

    def call(self, msg, timeout=10.0):
        """Send and wait for the reply (never from an ioctl handler)."""
        done = threading.Event()
        box = {}

        def got(reply):
            box['reply'] = reply
            done.set()

        self.send(msg, got)
        if not done.wait(timeout):
            raise BridgeError('bridge did not answer %s within %.1f s' % (msg.get('op'), timeout))
        reply = box['reply']
        if 'error' in reply:
            raise BridgeError('bridge: %s' % reply['error'])
        return reply

    def _read(self):
        for line in self.proc.stdout:
            line = line.strip()
            if not line:
                continue
            try:
                msg = json.loads(line)
            except ValueError:
                self._log.write('bridge: not JSON: %r' % line[:200])
                continue
            if 'event' in msg:
                try:
                    self._on_event(msg)
                except Exception as e:  # keep reading whatever a handler does
                    self._log.exception('bridge event handler', e)
                continue
            with self._lock:
                callback = self._waiting.pop(msg.get('id'), None)
            if callback is not None:
                try:
                    callback(msg)
                except Exception as e:
                    self._log.exception('bridge reply handler', e)
        with self._lock:
            self.dead = True
            waiting = list(self._waiting.values())
            self._waiting.clear()
        for callback in waiting:
            try:
                callback({'error': 'bridge exited'})
            except Exception as e:
                self._log.exception('bridge exit handler', e)
        try:
            self._on_event({'event': 'bridge-exit'})
        except Exception as e:
            self._log.exception('bridge exit event', e)

    def close(self, timeout=5.0):
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
