import { describe, expect, it } from "vitest"
import { isRetryable } from "../src/index.js"

const pgError = (code: string) => Object.assign(new Error(`SQLSTATE ${code}`), { code })

describe("isRetryable", () => {
  it.each(["40001", "40P01", "55P03", "57P01", "08000", "08003", "08006", "08P01"])("retries SQLSTATE %s", (code) => {
    expect(isRetryable(pgError(code))).toBe(true)
  })

  it.each(["23505", "23503", "42P01", "25006", "22P02", "57014"])("does not retry SQLSTATE %s", (code) => {
    expect(isRetryable(pgError(code))).toBe(false)
  })

  it("retries a lost or refused connection", () => {
    expect(isRetryable(Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }))).toBe(true)
    expect(isRetryable(new Error("Connection terminated unexpectedly"))).toBe(true)
    expect(isRetryable(new Error("Client has encountered a connection error and is not queryable"))).toBe(true)
    expect(isRetryable(new Error("timeout exceeded when trying to connect"))).toBe(true)
    const refused = new AggregateError([Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" })])
    expect(isRetryable(refused)).toBe(true)
  })

  it("looks through the causes of a wrapped error", () => {
    expect(isRetryable(new Error("command failed", { cause: pgError("40001") }))).toBe(true)
    expect(isRetryable(new Error("command failed", { cause: pgError("23505") }))).toBe(false)
  })

  it("does not retry what is not an error", () => {
    for (const value of [undefined, null, "40001", 40001, {}]) expect(isRetryable(value)).toBe(false)
  })
})
