/**
 * The boards a station has flashed, as port path + serial (serials alone
 * collide: every STM32F0 ROM says FFFFFFFEFFFF). Bounded: the oldest are
 * forgotten first, so hours of boards cost a fixed amount of memory.
 */
export class FlashedBoards {
  /** identity → the board number it was flashed as; Map order is insertion order (oldest first). */
  private readonly boards = new Map<string, number>();

  constructor(private readonly limit = 10000) {}

  static identity(portPath: string, serial: string | undefined): string {
    return `${portPath}\u0000${serial ?? ''}`;
  }

  add(portPath: string, serial: string | undefined, number: number): void {
    const id = FlashedBoards.identity(portPath, serial);
    this.boards.delete(id);
    this.boards.set(id, number);
    while (this.boards.size > Math.max(1, this.limit)) {
      const oldest = this.boards.keys().next().value as string;
      this.boards.delete(oldest);
    }
  }

  /** The number of the board flashed on this port with this serial, if remembered. */
  find(portPath: string, serial: string | undefined): number | undefined {
    return this.boards.get(FlashedBoards.identity(portPath, serial));
  }

  get size(): number {
    return this.boards.size;
  }
}
