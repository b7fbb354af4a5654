/**
 * A GB18030 encoder without a dependency. Node can decode GB18030
 * (`TextDecoder("gb18030")`, from its ICU) but not encode it, so the encoding
 * table is made once by decoding every two-byte code and every four-byte code
 * of the Basic Multilingual Plane and inverting the result; code points beyond
 * it follow the standard's linear four-byte formula. Where a character has
 * both, the two-byte code wins, as in the WHATWG encoder. The first call costs
 * under 100 ms; the table takes 320 KB. Some 20 private-use code points that
 * the decoder no longer produces (U+E5E5, U+E78D-U+E796, ...) become `?`; the
 * generator never writes them.
 */

const BMP = 0x10000
const REPLACEMENT = 0xfffd

/** Per BMP code point: 0 if unmapped, else the code's bytes, big-endian, with its length in `lengths`. */
let codes: Uint32Array | undefined
let lengths: Uint8Array | undefined

const fourBytes = (pointer: number): [number, number, number, number] => [
  0x81 + Math.floor(pointer / 12600),
  0x30 + (Math.floor(pointer / 1260) % 10),
  0x81 + (Math.floor(pointer / 10) % 126),
  0x30 + (pointer % 10)
]

/**
 * Decodes `count` byte sequences of `width` bytes, made by `write`, each followed
 * by a newline (which resynchronises the decoder after an invalid one), and
 * calls `found` for each that decodes to one BMP character.
 */
const decodeEach = (
  count: number,
  width: number,
  write: (index: number, bytes: Uint8Array, at: number) => void,
  found: (index: number, char: number) => void
): void => {
  const bytes = new Uint8Array(count * (width + 1))
  for (let index = 0; index < count; index++) {
    write(index, bytes, index * (width + 1))
    bytes[index * (width + 1) + width] = 0x0a
  }
  const decoded = new TextDecoder("gb18030").decode(bytes).split("\n")
  for (let index = 0; index < count; index++) {
    const text = decoded[index]!
    const char = text.charCodeAt(0)
    if (text.length === 1 && char !== REPLACEMENT) found(index, char)
  }
}

const TWO_BYTE_TRAILS = 190 // 0x40-0x7e and 0x80-0xfe
const twoBytes = (index: number): [number, number] => {
  const trail = index % TWO_BYTE_TRAILS
  return [0x81 + Math.floor(index / TWO_BYTE_TRAILS), trail < 0x3f ? 0x40 + trail : 0x41 + trail]
}

const buildTable = (): void => {
  const table = new Uint32Array(BMP)
  const sizes = new Uint8Array(BMP)
  for (let c = 0; c < 0x80; c++) {
    table[c] = c
    sizes[c] = 1
  }
  // Two-byte codes first, in pointer order: the first code of a character wins.
  decodeEach(
    126 * TWO_BYTE_TRAILS,
    2,
    (index, bytes, at) => bytes.set(twoBytes(index), at),
    (index, char) => {
      if (sizes[char] !== 0) return
      const [lead, trail] = twoBytes(index)
      table[char] = (lead << 8) | trail
      sizes[char] = 2
    }
  )
  decodeEach(
    39420,
    4,
    (pointer, bytes, at) => bytes.set(fourBytes(pointer), at),
    (pointer, char) => {
      if (sizes[char] !== 0) return
      const [a, b, c, d] = fourBytes(pointer)
      table[char] = ((a << 24) | (b << 16) | (c << 8) | d) >>> 0
      sizes[char] = 4
    }
  )
  codes = table
  lengths = sizes
}

/** Encodes `text` in GB18030. A lone surrogate becomes `?`. */
export const encodeGb18030 = (text: string): Buffer => {
  if (codes === undefined || lengths === undefined) buildTable()
  const table = codes!
  const sizes = lengths!
  const out = Buffer.allocUnsafe(text.length * 4)
  let at = 0
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i)
    if (unit < 0x80) {
      out[at++] = unit
      continue
    }
    if (unit >= 0xd800 && unit <= 0xdfff) {
      const low = text.charCodeAt(i + 1)
      if (unit <= 0xdbff && low >= 0xdc00 && low <= 0xdfff) {
        const [a, b, c, d] = fourBytes(189000 + ((unit - 0xd800) << 10) + (low - 0xdc00))
        out[at++] = a
        out[at++] = b
        out[at++] = c
        out[at++] = d
        i++
      } else out[at++] = 0x3f
      continue
    }
    const code = table[unit]!
    switch (sizes[unit]) {
      case 2:
        out[at++] = code >>> 8
        out[at++] = code & 0xff
        break
      case 4:
        out[at++] = code >>> 24
        out[at++] = (code >>> 16) & 0xff
        out[at++] = (code >>> 8) & 0xff
        out[at++] = code & 0xff
        break
      default:
        out[at++] = 0x3f
    }
  }
  return out.subarray(0, at)
}
