/**
 * The flats and households a residents import has met: those already in the
 * registry, then those the file names, each with what the rules across rows
 * need (a household's flat, heads, refused head, tags, and the members met
 * while it had no head). Kept in typed arrays ({@link KeyTable}), so a
 * district's ledger of a million residents holds its state in tens of
 * megabytes, outside the JavaScript heap.
 *
 * @since 0.3.0
 */
import { grown, KeyTable, UuidColumn } from "./KeyTable.js"

/**
 * Flats by building, unit and flat number.
 *
 * @since 0.3.0
 */
export class Dwellings {
  private readonly keys = new KeyTable()
  private readonly ids = new UuidColumn()
  private fresh = new Uint8Array(1024)
  private made = 0

  private static key(building: number, unit: string, flat: string): string {
    return `${building}\u0000${unit}\u0000${flat}`
  }

  /** The slot of a flat of the building with that index, or -1. */
  find(building: number, unit: string, flat: string): number {
    return this.keys.get(Dwellings.key(building, unit, flat))
  }

  /** Records a flat: one of the registry's, or one this import makes (`isNew`). */
  add(building: number, unit: string, flat: string, id: string, isNew: boolean): number {
    const slot = this.keys.add(Dwellings.key(building, unit, flat))
    this.ids.set(slot, id)
    this.fresh = grown(this.fresh, slot + 1)
    this.fresh[slot] = isNew ? 1 : 0
    if (isNew) this.made++
    return slot
  }

  id(slot: number): string {
    return this.ids.get(slot)
  }

  /** How many flats this import made. */
  get madeCount(): number {
    return this.made
  }

  /** The ids of the flats this import made. */
  *madeIds(): Generator<string> {
    for (let slot = 0; slot < this.keys.size; slot++) if (this.fresh[slot] === 1) yield this.ids.get(slot)
  }
}

/**
 * Households by their number in the ledger.
 *
 * @since 0.3.0
 */
export class Households {
  private readonly keys = new KeyTable()
  private readonly ids = new UuidColumn()
  private dwellings = new Int32Array(1024)
  private headCounts = new Uint8Array(1024)
  private refusedHeads = new Int32Array(1024)
  private tagMasks = new Uint32Array(1024)
  /** Lines of the members accepted while a household this import made had no head; dropped once it has one. */
  readonly waiting = new Map<number, Array<number>>()

  /** The slot of a household, or -1. */
  find(number: string): number {
    return this.keys.get(number)
  }

  /**
   * Records a household living in the flat at `dwelling` (a slot of {@link Dwellings}, -1 for none known)
   * with `heads` heads so far; one this import makes (`isNew`) starts a list of members waiting for a head.
   */
  add(number: string, id: string, dwelling: number, heads: number, isNew: boolean): number {
    const slot = this.keys.add(number)
    this.ids.set(slot, id)
    const size = slot + 1
    this.dwellings = grown(this.dwellings, size)
    this.headCounts = grown(this.headCounts, size)
    this.refusedHeads = grown(this.refusedHeads, size)
    this.tagMasks = grown(this.tagMasks, size)
    this.dwellings[slot] = dwelling
    this.headCounts[slot] = Math.min(heads, 255)
    if (isNew) this.waiting.set(slot, [])
    return slot
  }

  id(slot: number): string {
    return this.ids.get(slot)
  }

  number(slot: number): string {
    return this.keys.keyAt(slot)
  }

  dwelling(slot: number): number {
    return this.dwellings[slot]!
  }

  heads(slot: number): number {
    return this.headCounts[slot]!
  }

  /** A head accepted: the members waiting for one are no longer needed. */
  addHead(slot: number): void {
    if (this.headCounts[slot]! < 255) this.headCounts[slot]!++
    this.waiting.delete(slot)
  }

  /** A member accepted: remembered while the household has no head. */
  addMember(slot: number, line: number): void {
    this.waiting.get(slot)?.push(line)
  }

  /** The line of the first head's row refused for this household, or undefined. */
  refusedHead(slot: number): number | undefined {
    return this.refusedHeads[slot] === 0 ? undefined : this.refusedHeads[slot]
  }

  /** Keeps the first refused head's line. */
  refuseHead(slot: number, line: number): void {
    if (this.refusedHeads[slot] === 0) this.refusedHeads[slot] = line
  }

  /** Whether the household tag with that bit was already written for it; marks it written. */
  tagOnce(slot: number, bit: number): boolean {
    const mask = this.tagMasks[slot]!
    if ((mask & (1 << bit)) !== 0) return false
    this.tagMasks[slot] = mask | (1 << bit)
    return true
  }
}
