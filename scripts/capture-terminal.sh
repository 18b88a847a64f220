#!/usr/bin/env bash
# Record what `dfu-flash download` shows in a real terminal (tmux, 100x30) and
# in a CI log (stderr not a terminal), against the simulated STM32F4 ROM
# bootloader. Writes docs/terminal-download.txt and docs/ci-download.txt.
#
# Usage: scripts/capture-terminal.sh        (after npm run build; needs tmux)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="$ROOT/bin/dfu-flash"
FIRMWARE_SRC="${FIRMWARE_SRC:-/work/shared/fixtures/real/dfuse/micropython-stm32f407-diymore_2elem.dfu}"
SESSION="dfu-flash-capture-$$"
WIDTH=100
HEIGHT=30

command -v tmux >/dev/null || { echo "capture-terminal: tmux is not installed (apt-get install -y tmux)" >&2; exit 69; }
[ -f "$ROOT/dist/src/cli/main.js" ] || { echo "capture-terminal: build first (npm run build)" >&2; exit 66; }
[ -f "$FIRMWARE_SRC" ] || { echo "capture-terminal: firmware $FIRMWARE_SRC not found (set FIRMWARE_SRC)" >&2; exit 66; }

WORK="$(mktemp -d)"
cleanup() {
  tmux kill-session -t "$SESSION" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
cp "$FIRMWARE_SRC" "$WORK/firmware.dfu"
mkdir -p "$ROOT/docs"

ARGS=(download --simulate stm32f4-sysboot --sim-time-scale 0.2 -s :leave firmware.dfu)
SHOWN="dfu-flash ${ARGS[*]}"

# --- a terminal: progress bars on stderr --------------------------------------
tmux new-session -d -s "$SESSION" -x "$WIDTH" -y "$HEIGHT" \
  "cd '$WORK' && env -i PATH='$PATH' HOME='$WORK' TERM=xterm-256color NO_COLOR=1 PS1='\$ ' bash --norc --noprofile -i"
sleep 0.5
tmux send-keys -t "$SESSION" "alias dfu-flash='$BIN'; clear" Enter
sleep 0.5
tmux send-keys -t "$SESSION" "$SHOWN" Enter

# One frame while the download runs (past 40 %), then the final screen (the prompt is back).
midway=""
for _ in $(seq 1 300); do
  sleep 0.05
  frame="$(tmux capture-pane -p -t "$SESSION")"
  if grep -Eq '^download .* ([4-9][0-9])% .*ETA' <<<"$frame"; then midway="$frame"; break; fi
done
for _ in $(seq 1 600); do
  sleep 0.1
  frame="$(tmux capture-pane -p -t "$SESSION")"
  if [ "$(grep -v '^[[:space:]]*$' <<<"$frame" | tail -n 1)" = '$' ]; then break; fi
done
tmux send-keys -t "$SESSION" 'echo "exit status $?"' Enter
sleep 0.3
frame="$(tmux capture-pane -p -t "$SESSION")"
trim() { sed -e 's/[[:space:]]*$//' | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'; }
{
  echo "# dfu-flash in a ${WIDTH}x${HEIGHT} terminal (tmux capture-pane), simulated STM32F4 ROM at 1/5 of real timing."
  echo "# Re-create with scripts/capture-terminal.sh. Firmware: $(basename "$FIRMWARE_SRC") (MicroPython, 2 elements)."
  echo
  echo "## while downloading"
  echo
  printf '%s\n' "$midway" | trim
  echo
  echo "## finished"
  echo
  printf '%s\n' "$frame" | trim
} >"$ROOT/docs/terminal-download.txt"

# --- a CI log: stderr is a pipe, so plain progress lines ------------------------
{
  echo "# dfu-flash in a CI log (stdout and stderr are pipes), same command. Re-create with scripts/capture-terminal.sh."
  echo
  echo "\$ $SHOWN"
  (cd "$WORK" && "$BIN" "${ARGS[@]}" 2>&1; echo "exit status $?") | cat
} >"$ROOT/docs/ci-download.txt"

echo "wrote docs/terminal-download.txt and docs/ci-download.txt"
