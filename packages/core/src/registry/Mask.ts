/**
 * Masks for ID and phone numbers, computed on output and never stored, so a
 * role that may see the number reads it from the ciphertext and every other
 * output shows only the mask.
 *
 * Every function is pure and total: any string gives a string of the same
 * length in characters (code points), each either `*` or the character of the
 * input at that place. Only the empty string comes back as it went in (and a
 * string already made of `*` alone).
 *
 * @since 0.1.0
 */

const MASK = "*"

// Code points, so a mask never splits a surrogate pair into two broken halves.
const chars = (value: string): Array<string> => Array.from(value)

const showOnly = (cs: ReadonlyArray<string>, shown: (index: number) => boolean): string =>
  cs.map((c, i) => (shown(i) ? c : MASK)).join("")

/**
 * Keeps `head` and `tail` characters; when the value is too short for that to
 * hide at least as much as it shows, hides everything, since a mask that shows
 * most of a short value protects nothing.
 */
const keepEnds = (cs: ReadonlyArray<string>, head: number, tail: number): string =>
  cs.length < 2 * (head + tail) ? MASK.repeat(cs.length) : showOnly(cs, (i) => i < head || i >= cs.length - tail)

/**
 * Masks a resident ID number. An 18-character number keeps its first 6
 * (the region of registration) and its last (the check character): the birth
 * date and the sequence, which gives the sex, are hidden, since both are stored
 * in clear and the mask must not hand them back. Any other length (the 15-digit
 * numbers issued before 1999, other documents) keeps its first 3 and last 1.
 *
 * @example
 * ```ts
 * maskIdNumber("23050319900101123X") // "230503***********X"
 * ```
 * @since 0.1.0
 */
export const maskIdNumber = (value: string): string => {
  const cs = chars(value)
  return cs.length === 18 ? showOnly(cs, (i) => i < 6 || i === 17) : keepEnds(cs, 3, 1)
}

const MOBILE = /^(\+?86[ -]?)?(1\d{10})$/
const LANDLINE = /^0\d[\d -]*$/
const LOCAL_LANDLINE = /^\d{7,8}$/

// Beijing (010) and 02x cities have 3-digit area codes; every other area code has 4.
const areaCodeLength = (digits: string): number => (/^0(?:10|2\d)/.test(digits) ? 3 : 4)

const maskLandline = (value: string): string | undefined => {
  const cs = chars(value)
  const dash = value.search(/[ -]/)
  const area = dash === 3 || dash === 4 ? dash : areaCodeLength(value)
  const digitsAfter = cs.slice(area).filter((c) => c >= "0" && c <= "9").length
  // With fewer local digits than a real number has, this is not a landline: masked the generic way.
  if (digitsAfter < 7) return undefined
  return showOnly(cs, (i) => i < area || i >= cs.length - 2 || !(cs[i]! >= "0" && cs[i]! <= "9"))
}

/**
 * Masks a phone number. An 11-digit mobile number (with or without +86) keeps
 * its first 3 (the carrier's prefix) and its last 4; a landline keeps its area
 * code and its last 2 digits, and its separators; anything else keeps its first
 * 3 and last 2.
 *
 * @example
 * ```ts
 * maskPhone("13812345678") // "138****5678"
 * maskPhone("0469-1234567") // "0469-*****67"
 * ```
 * @since 0.1.0
 */
export const maskPhone = (value: string): string => {
  const mobile = MOBILE.exec(value)
  if (mobile !== null) {
    const prefix = mobile[1]?.length ?? 0
    return showOnly(chars(value), (i) => i < prefix + 3 || i >= prefix + 7)
  }
  if (LANDLINE.test(value)) {
    const masked = maskLandline(value)
    if (masked !== undefined) return masked
  }
  if (LOCAL_LANDLINE.test(value)) return showOnly(chars(value), (i) => i >= value.length - 2)
  return keepEnds(chars(value), 3, 2)
}
