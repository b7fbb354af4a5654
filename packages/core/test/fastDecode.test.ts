import { Arbitrary, Either, FastCheck, Schema } from "effect"
import { describe, expect, it } from "vitest"
import { compile, UNSURE } from "../src/internal/fastDecode.js"

const Row = Schema.Struct({
  householdId: Schema.String.pipe(Schema.pattern(/^HH\d{2}$/)),
  name: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(8)),
  age: Schema.Int.pipe(Schema.between(0, 130)),
  sex: Schema.Literal("F", "M"),
  score: Schema.Finite,
  note: Schema.optionalWith(Schema.NullOr(Schema.String), { default: () => null }),
  nick: Schema.optional(Schema.String),
  visitedAt: Schema.Date,
  active: Schema.Boolean,
  tags: Schema.optionalWith(Schema.String, { nullable: true })
})

const slow = Schema.decodeUnknownEither(Row, { errors: "all", onExcessProperty: "ignore" })
const fast = compile(Row.ast)!

/** Valid encoded rows, then each field replaced by something of another kind, or dropped. */
const inputs = Arbitrary.make(Row).chain((row) => {
  const encoded = Schema.encodeSync(Row)(row) as Record<string, unknown>
  return FastCheck.oneof(
    FastCheck.constant(encoded),
    FastCheck.record({
      key: FastCheck.constantFrom(...Object.keys(Row.fields)),
      value: FastCheck.oneof(FastCheck.anything(), FastCheck.constant(undefined), FastCheck.string())
    }).map(({ key, value }) => ({ ...encoded, [key]: value })),
    FastCheck.constantFrom(...Object.keys(Row.fields)).map((key) => {
      const copy = { ...encoded }
      delete copy[key]
      return copy
    })
  )
})

describe("the fast row decoder agrees with Effect's parser", () => {
  it("never accepts what Effect refuses, and gives what Effect gives", () => {
    FastCheck.assert(
      FastCheck.property(inputs, (input) => {
        const value = fast(input)
        if (value === UNSURE) return
        const expected = slow(input)
        expect(Either.isRight(expected)).toBe(true)
        expect(value).toStrictEqual(Either.getOrThrow(expected))
      }),
      { numRuns: 3000 }
    )
  })

  it("accepts every valid row itself, without Effect's parser", () => {
    FastCheck.assert(
      FastCheck.property(Arbitrary.make(Row), (row) => {
        const input = Schema.encodeSync(Row)(row)
        expect(fast(input)).not.toBe(UNSURE)
      }),
      { numRuns: 1000 }
    )
  })

  it("leaves a schema it does not know to Effect's parser", () => {
    expect(compile(Schema.Tuple(Schema.String).ast)).toBeUndefined()
    expect(compile(Schema.Record({ key: Schema.String, value: Schema.Number }).ast)).toBeUndefined()
  })
})
