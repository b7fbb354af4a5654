/**
 * Turns a schema failure into the list of problems an {@link InvalidInput}
 * carries: every problem, each with its path, a stable code, and zh-CN and en
 * reasons. A schema names its own rule with {@link explain}; otherwise the
 * problem is described from the schema's shape.
 *
 * @since 0.1.0
 */
import { Option, type ParseResult, type Schema, SchemaAST } from "effect"
import type { Problem, Text } from "./Errors.js"

/**
 * The annotation that carries a rule's code and bilingual reason.
 *
 * @since 0.1.0
 */
export const ExplanationId: unique symbol = Symbol.for("@shequ/core/Problems/Explanation")

/**
 * A rule's code and reason, as a schema annotation gives it.
 *
 * @since 0.1.0
 */
export interface Explanation extends Text {
  readonly code: string
}

/**
 * Annotates a schema with the code and bilingual reason of its rule, used when
 * a value fails it.
 *
 * @example
 * ```ts
 * const DistrictCode = Schema.String.pipe(
 *   Schema.pattern(/^\d{6}$/),
 *   Problems.explain({ code: "CORE.DISTRICT_CODE", "zh-CN": "区划代码应为 6 位数字", en: "A district code has 6 digits" })
 * )
 * ```
 * @since 0.1.0
 */
export const explain =
  (explanation: Explanation) =>
  <S extends Schema.Annotable.All>(schema: S): Schema.Annotable.Self<S> =>
    schema.annotations({ [ExplanationId]: explanation })

const explanationOf = (ast: SchemaAST.AST): Explanation | undefined =>
  Option.getOrUndefined(SchemaAST.getAnnotation<Explanation>(ast, ExplanationId))

// Problems go to logs and reports, and the input may be an ID or phone number (PIPL):
// say what kind of value came, never the value itself.
const kind = (value: unknown): Text => {
  if (value === null) return { "zh-CN": "空值（null）", en: "null" }
  if (value === undefined) return { "zh-CN": "未填写", en: "nothing" }
  if (Array.isArray(value)) return { "zh-CN": "数组", en: "a list" }
  switch (typeof value) {
    case "string":
      return value === "" ? { "zh-CN": "空字符串", en: "an empty text" } : { "zh-CN": "文本", en: "a text" }
    case "number":
      return { "zh-CN": "数字", en: "a number" }
    case "boolean":
      return { "zh-CN": "真假值", en: "a true/false value" }
    case "object":
      return { "zh-CN": "对象", en: "an object" }
    default:
      return { "zh-CN": typeof value, en: typeof value }
  }
}

const joinPath = (path: ReadonlyArray<PropertyKey>): string =>
  path.reduce<string>(
    (acc, key) => (typeof key === "number" ? `${acc}[${key}]` : acc === "" ? String(key) : `${acc}.${String(key)}`),
    ""
  )

const problem = (path: ReadonlyArray<PropertyKey>, code: string, text: Text): Problem => ({
  path: joinPath(path),
  code,
  ...text
})

const collect = (issue: ParseResult.ParseIssue, path: ReadonlyArray<PropertyKey>, out: Array<Problem>): void => {
  switch (issue._tag) {
    case "Pointer": {
      const keys = Array.isArray(issue.path) ? issue.path : [issue.path]
      collect(issue.issue, [...path, ...(keys as ReadonlyArray<PropertyKey>)], out)
      return
    }
    case "Composite": {
      const explained = explanationOf(issue.ast)
      if (explained) {
        out.push(problem(path, explained.code, explained))
        return
      }
      if (SchemaAST.isUnion(issue.ast) && issue.ast.types.every(SchemaAST.isLiteral)) {
        const allowed = issue.ast.types.map((t) => JSON.stringify((t as SchemaAST.Literal).literal)).join(", ")
        out.push(
          problem(path, "NOT_ALLOWED", {
            "zh-CN": `不在可选范围内，应为其一：${allowed}`,
            en: `is not one of: ${allowed}`
          })
        )
        return
      }
      const issues = Array.isArray(issue.issues) ? issue.issues : [issue.issues]
      for (const inner of issues as ReadonlyArray<ParseResult.ParseIssue>) collect(inner, path, out)
      return
    }
    case "Refinement": {
      const explained = explanationOf(issue.ast)
      if (explained && issue.kind === "Predicate") {
        out.push(problem(path, explained.code, explained))
        return
      }
      if (issue.kind === "From") {
        collect(issue.issue, path, out)
        return
      }
      const rule = SchemaAST.getDescriptionAnnotation(issue.ast).pipe(Option.getOrElse(() => String(issue.ast)))
      out.push(
        problem(path, "INVALID_VALUE", {
          "zh-CN": `不符合规则：${rule}`,
          en: `does not satisfy: ${rule}`
        })
      )
      return
    }
    case "Transformation": {
      const explained = explanationOf(issue.ast)
      if (explained) {
        out.push(problem(path, explained.code, explained))
        return
      }
      collect(issue.issue, path, out)
      return
    }
    case "Missing":
      out.push(problem(path, "REQUIRED", { "zh-CN": "缺少必填项", en: "is required" }))
      return
    case "Unexpected":
      out.push(problem(path, "UNEXPECTED", { "zh-CN": "不应有此项", en: "is not expected here" }))
      return
    case "Forbidden":
      out.push(problem(path, "FORBIDDEN", { "zh-CN": "此值无法同步校验", en: "cannot be checked here" }))
      return
    case "Type": {
      const explained = explanationOf(issue.ast)
      if (explained) {
        out.push(problem(path, explained.code, explained))
        return
      }
      const expected = String(issue.ast)
      out.push(
        problem(path, "INVALID_TYPE", {
          "zh-CN": `应为 ${expected}，实际为${kind(issue.actual)["zh-CN"]}`,
          en: `expected ${expected}, got ${kind(issue.actual).en}`
        })
      )
      return
    }
  }
}

/**
 * Every problem in a schema failure, paths prefixed with `prefix`.
 *
 * @since 0.1.0
 */
export const fromParseError = (
  error: ParseResult.ParseError,
  prefix: ReadonlyArray<PropertyKey> = []
): ReadonlyArray<Problem> => {
  const out: Array<Problem> = []
  collect(error.issue, prefix, out)
  return out
}
