/**
 * One order on every engine: names compared by code point, as SQLite does and
 * PostgreSQL does only under the "C" collation, so a list reads the same
 * whichever engine it came from.
 */
export const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)
