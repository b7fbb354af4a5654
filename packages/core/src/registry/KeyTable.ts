/**
 * Strings numbered in the order they were first added, kept in typed arrays.
 * A residents import meets one key per household and per flat: as strings in
 * a `Map` a million of them, with their objects, take hundreds of megabytes of
 * the JavaScript heap, and the heap then grows to twice or three times that.
 * Here every key's characters go into one growing array and the look-up is an
 * open-addressing table of slot numbers, all outside the heap. Keys are
 * compared whole, never by hash alone.
 *
 * @since 0.3.0
 */

/** An array of a typed-array kind, grown to hold at least `length` items (doubling, so growth is amortised). */
export const grown = <T extends Uint8Array | Uint16Array | Int32Array | Uint32Array>(array: T, length: number): T => {
  if (length <= array.length) return array
  let size = Math.max(array.length, 16)
  while (size < length) size *= 2
  const next = new (array.constructor as new (size: number) => T)(size)
  next.set(array)
  return next
}

// FNV-1a over the UTF-16 code units.
const hashOf = (key: string): number => {
  let hash = 0x811c9dc5
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193)
  return hash >>> 0
}

/**
 * Strings to dense slot numbers: the first key added is slot 0, the next 1, and
 * so on, so a caller keeps each slot's data in typed arrays of its own.
 *
 * @since 0.3.0
 */
export class KeyTable {
  private chars = new Uint16Array(1 << 12)
  private used = 0
  private starts = new Uint32Array(1 << 10)
  private lengths = new Uint32Array(1 << 10)
  private hashes = new Uint32Array(1 << 10)
  /** Slot + 1 at each position of the open-addressing table; 0 is empty. */
  private index = new Int32Array(1 << 11)
  private count = 0

  /** How many keys the table holds; the slots are `0` to `size - 1`. */
  get size(): number {
    return this.count
  }

  /** The slot of a key, or -1 when it was never added. */
  get(key: string): number {
    const hash = hashOf(key)
    const mask = this.index.length - 1
    for (let at = hash & mask; ; at = (at + 1) & mask) {
      const entry = this.index[at]!
      if (entry === 0) return -1
      if (this.hashes[entry - 1] === hash && this.equals(entry - 1, key)) return entry - 1
    }
  }

  /** The slot of a key, added when it is new. */
  add(key: string): number {
    const hash = hashOf(key)
    const mask = this.index.length - 1
    let at = hash & mask
    for (let entry = this.index[at]!; entry !== 0; entry = this.index[at]!) {
      if (this.hashes[entry - 1] === hash && this.equals(entry - 1, key)) return entry - 1
      at = (at + 1) & mask
    }
    const slot = this.count++
    this.starts = grown(this.starts, this.count)
    this.lengths = grown(this.lengths, this.count)
    this.hashes = grown(this.hashes, this.count)
    this.chars = grown(this.chars, this.used + key.length)
    for (let i = 0; i < key.length; i++) this.chars[this.used + i] = key.charCodeAt(i)
    this.starts[slot] = this.used
    this.lengths[slot] = key.length
    this.hashes[slot] = hash
    this.used += key.length
    this.index[at] = slot + 1
    if (this.count * 2 > this.index.length) this.rehash()
    return slot
  }

  /** The key of a slot. */
  keyAt(slot: number): string {
    const start = this.starts[slot]!
    return String.fromCharCode(...this.chars.subarray(start, start + this.lengths[slot]!))
  }

  private equals(slot: number, key: string): boolean {
    if (this.lengths[slot] !== key.length) return false
    const start = this.starts[slot]!
    for (let i = 0; i < key.length; i++) if (this.chars[start + i] !== key.charCodeAt(i)) return false
    return true
  }

  private rehash(): void {
    const index = new Int32Array(this.index.length * 2)
    const mask = index.length - 1
    for (let slot = 0; slot < this.count; slot++) {
      let at = this.hashes[slot]! & mask
      while (index[at] !== 0) at = (at + 1) & mask
      index[at] = slot + 1
    }
    this.index = index
  }
}

// 0-9, A-F, a-f
const nibble = (code: number): number => (code <= 57 ? code - 48 : (code | 32) - 87)

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"))

/**
 * Ids of slots kept as 16 bytes each rather than as 36-character strings.
 *
 * @since 0.3.0
 */
export class UuidColumn {
  private bytes = new Uint8Array(16 << 10)

  /** Stores a UUID (`xxxxxxxx-xxxx-…`, any case) at a slot. */
  set(slot: number, uuid: string): void {
    this.bytes = grown(this.bytes, (slot + 1) * 16)
    let at = slot * 16
    for (let i = 0; i < uuid.length; i += 2) {
      if (uuid.charCodeAt(i) === 45) i++
      this.bytes[at++] = (nibble(uuid.charCodeAt(i)) << 4) | nibble(uuid.charCodeAt(i + 1))
    }
  }

  /** The UUID at a slot, lower case. */
  get(slot: number): string {
    const b = this.bytes
    const at = slot * 16
    const h = (i: number) => HEX[b[at + i]!]!
    return `${h(0)}${h(1)}${h(2)}${h(3)}-${h(4)}${h(5)}-${h(6)}${h(7)}-${h(8)}${h(9)}-${h(10)}${h(11)}${h(12)}${h(13)}${h(14)}${h(15)}`
  }
}
