/** Examples after `dfu-flash dfu-util --help`, and where dfu-flash differs from dfu-util. */
export const DFU_UTIL_EXAMPLES = `
Examples (the same command lines as with dfu-util; "dfu-util" may be left out):
  dfu-flash -l
  dfu-flash -d 0483:df11 -c 1 -i 0 -a 0 -s 0x08000000 -D firmware.bin
  dfu-flash -a 0 -s 0x08000000:leave -D firmware.bin
  dfu-flash -w -d ,0483:df11 -a 0 -s :leave -D firmware.dfu
  dfu-flash -a 0 -s 0x08000000:4096 -U dump.bin
  dfu-flash -e -d 1d50:6018 -E 10
  dfu-flash -a 0 -s :mass-erase:force
  dfu-flash -R

Differences from dfu-util 0.11:
  -E is the longest wait for the device to come back, not a fixed sleep; -w gives up after
  --wait-timeout (default 10 s); -s keywords must be spelled out; every value is checked before
  the first USB transfer; exit status 0 when the device leaves the bus after :leave or
  manifestation, 69 (not 74) when no device matches; no version banner on stdout.
`;
