/**
 * The document numbers a residents import has met, for "the same number
 * twice": the first 52 bits of each number's keyed hash, with the line it was
 * first met on (0 for a number already in the registry). A million numbers
 * take 24 MB here, where a `Map` of the full hashes would take several times
 * that. A hit is only a suspicion: two numbers can share 52 bits, so the
 * import confirms each hit against the stored full hash before it refuses.
 *
 * @since 0.2.0
 */

/** The first 52 bits of a hex hash, as an exact JavaScript number. @since 0.2.0 */
export const prefixOf = (hexHash: string): number => Number.parseInt(hexHash.slice(0, 13), 16)

/**
 * An open-addressing hash table from 52-bit prefixes to lines.
 *
 * @since 0.2.0
 */
export class SeenNumbers {
  private keys: Float64Array
  private lines: Int32Array
  private size = 0

  constructor(capacity = 1 << 16) {
    let slots = 1
    while (slots < capacity * 2) slots <<= 1
    this.keys = new Float64Array(slots)
    this.lines = new Int32Array(slots)
  }

  // 0 marks an empty slot; a prefix of 0 is stored as 1, which only widens the suspicion.
  private static slotKey(prefix: number): number {
    return prefix === 0 ? 1 : prefix
  }

  private find(key: number): number {
    const mask = this.keys.length - 1
    // The prefix is already a hash: its low bits spread well.
    let slot = key % this.keys.length
    while (this.keys[slot] !== 0 && this.keys[slot] !== key) slot = (slot + 1) & mask
    return slot
  }

  /** The line a number with this prefix was first met on, or undefined. */
  get(prefix: number): number | undefined {
    const slot = this.find(SeenNumbers.slotKey(prefix))
    return this.keys[slot] === 0 ? undefined : this.lines[slot]
  }

  /** Records the first line a prefix was met on; a later line for the same prefix is ignored. */
  add(prefix: number, line: number): void {
    const key = SeenNumbers.slotKey(prefix)
    const slot = this.find(key)
    if (this.keys[slot] !== 0) return
    this.keys[slot] = key
    this.lines[slot] = line
    if (++this.size * 2 > this.keys.length) this.grow()
  }

  private grow(): void {
    const keys = this.keys
    const lines = this.lines
    this.keys = new Float64Array(keys.length * 2)
    this.lines = new Int32Array(keys.length * 2)
    for (let i = 0; i < keys.length; i++) {
      if (keys[i] === 0) continue
      const slot = this.find(keys[i]!)
      this.keys[slot] = keys[i]!
      this.lines[slot] = lines[i]!
    }
  }
}
