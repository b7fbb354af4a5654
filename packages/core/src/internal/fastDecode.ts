import { Either, Option, type SchemaAST } from "effect"

/**
 * A decoder for the rows of a bulk import. Effect's generic parser costs about
 * 20 µs for a twelve-field row, more than the engine's insert; this walks the
 * same schema AST once, when the kernel is built, into plain closures that call
 * the very same refinement filters, transformations and declarations. It only
 * ever answers "decoded, and here is the value" or "not sure": rows it does not
 * accept go to Effect's parser, which gives the verdict and the problems. So it
 * can be stricter than Effect, never looser.
 */
export type FastDecoder = (input: unknown) => unknown

/** What a fast decoder answers when it does not accept the input. */
export const UNSURE: unique symbol = Symbol("UNSURE")

type Step = (input: unknown) => unknown

const options: SchemaAST.ParseOptions = { errors: "all", onExcessProperty: "ignore" }

// Effects that are Eithers settle synchronously; anything else is left to Effect's parser.
const settled = (result: unknown): unknown =>
  Either.isEither(result) ? (Either.isRight(result) ? result.right : UNSURE) : UNSURE

const isObject = (input: unknown): input is Record<string, unknown> =>
  typeof input === "object" && input !== null && !Array.isArray(input)

const compileTypeLiteral = (ast: SchemaAST.TypeLiteral): Step | undefined => {
  if (ast.indexSignatures.length > 0) return undefined
  const fields: Array<{ name: string; optional: boolean; step: Step }> = []
  for (const ps of ast.propertySignatures) {
    if (typeof ps.name !== "string") return undefined
    const step = go(ps.type)
    if (step === undefined) return undefined
    fields.push({ name: ps.name, optional: ps.isOptional, step })
  }
  return (input) => {
    if (!isObject(input)) return UNSURE
    const output: Record<string, unknown> = {}
    for (const field of fields) {
      if (!(field.name in input)) {
        if (field.optional) continue
        return UNSURE
      }
      const value = field.step(input[field.name])
      if (value === UNSURE) return UNSURE
      output[field.name] = value
    }
    return output
  }
}

const compileTransformation = (ast: SchemaAST.Transformation): Step | undefined => {
  const from = go(ast.from)
  const to = go(ast.to)
  if (from === undefined || to === undefined) return undefined
  const transformation = ast.transformation
  switch (transformation._tag) {
    case "FinalTransformation":
      return (input) => {
        const a = from(input)
        if (a === UNSURE) return UNSURE
        const b = settled(transformation.decode(a, options, ast, input))
        return b === UNSURE ? UNSURE : to(b)
      }
    case "ComposeTransformation":
      return (input) => {
        const a = from(input)
        return a === UNSURE ? UNSURE : to(a)
      }
    case "TypeLiteralTransformation": {
      const steps = transformation.propertySignatureTransformations
      if (steps.some((s) => typeof s.from !== "string" || typeof s.to !== "string")) return undefined
      return (input) => {
        const a = from(input)
        if (a === UNSURE) return UNSURE
        const record = a as Record<string, unknown>
        for (const step of steps) {
          const key = step.from as string
          const decoded = step.decode(key in record ? Option.some(record[key]) : Option.none())
          // The record is this decoder's own: a key kept in place keeps the object's shape fast.
          if (Option.isSome(decoded) && step.to === key) record[key] = decoded.value
          else {
            delete record[key]
            if (Option.isSome(decoded)) record[step.to as string] = decoded.value
          }
        }
        return to(record)
      }
    }
  }
}

const go = (ast: SchemaAST.AST): Step | undefined => {
  switch (ast._tag) {
    case "StringKeyword":
      return (input) => (typeof input === "string" ? input : UNSURE)
    case "NumberKeyword":
      return (input) => (typeof input === "number" ? input : UNSURE)
    case "BooleanKeyword":
      return (input) => (typeof input === "boolean" ? input : UNSURE)
    case "UndefinedKeyword":
      return (input) => (input === undefined ? input : UNSURE)
    case "UnknownKeyword":
    case "AnyKeyword":
      return (input) => input
    case "Literal": {
      const literal = ast.literal
      return (input) => (input === literal ? input : UNSURE)
    }
    case "Union": {
      const members = ast.types.map(go)
      if (members.some((m) => m === undefined)) return undefined
      const steps = members as ReadonlyArray<Step>
      return (input) => {
        for (const step of steps) {
          const value = step(input)
          if (value !== UNSURE) return value
        }
        return UNSURE
      }
    }
    case "Refinement": {
      const from = go(ast.from)
      if (from === undefined) return undefined
      return (input) => {
        const value = from(input)
        if (value === UNSURE) return UNSURE
        return Option.isNone(ast.filter(value, options, ast)) ? value : UNSURE
      }
    }
    case "Declaration": {
      if (ast.typeParameters.length > 0) return undefined
      const decode = ast.decodeUnknown()
      return (input) => settled(decode(input, options, ast))
    }
    case "TypeLiteral":
      return compileTypeLiteral(ast)
    case "Transformation":
      return compileTransformation(ast)
    default:
      return undefined
  }
}

/**
 * Compiles a schema's AST into a fast decoder, or gives `undefined` when the
 * schema uses a node this decoder does not know (then Effect's parser does all
 * the work).
 */
export const compile = (ast: SchemaAST.AST): FastDecoder | undefined => go(ast)
