/**
 * The generator's only source of chance: mulberry32, a 32-bit seeded PRNG,
 * and a hash that derives independent streams from one seed. Every draw the
 * generator makes comes from here, never from `Math.random`, so the same seed
 * gives the same files byte for byte.
 */

/** A seeded stream of pseudo-random numbers. */
export interface Rng {
  /** A float in [0, 1). */
  next(): number
  /** An integer in [min, max], both included. */
  int(min: number, max: number): number
  /** `true` with probability `p`. */
  chance(p: number): boolean
  /** One of `items`, uniformly. */
  pick<T>(items: ReadonlyArray<T>): T
}

/**
 * Mixes a seed and a stream number into a new 32-bit seed (the murmur3
 * finaliser), so each concern (structure, household sizes, occupancy, people)
 * draws from its own stream and changing one does not shift the others.
 */
export const mix = (seed: number, stream: number): number => {
  let h = (seed ^ Math.imul(stream + 0x9e3779b9, 0x85ebca6b)) >>> 0
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b)
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35)
  return (h ^ (h >>> 16)) >>> 0
}

/** mulberry32 (Tommy Ettinger): 32 bits of state, period 2^32, fast and good enough for test data. */
export const makeRng = (seed: number): Rng => {
  let state = seed >>> 0
  const next = (): number => {
    state = (state + 0x6d2b79f5) | 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    pick: <T>(items: ReadonlyArray<T>): T => items[Math.floor(next() * items.length)]!
  }
}

/** A picker that draws `values` with the given relative weights. */
export const weighted = <T>(entries: ReadonlyArray<readonly [T, number]>): ((rng: Rng) => T) => {
  const values = entries.map(([value]) => value)
  const total = entries.reduce((sum, [, weight]) => sum + weight, 0)
  let running = 0
  const bounds = entries.map(([, weight]) => (running += weight / total))
  const last = values.length - 1
  return (rng) => {
    const r = rng.next()
    for (let i = 0; i < last; i++) if (r < bounds[i]!) return values[i]!
    return values[last]!
  }
}
