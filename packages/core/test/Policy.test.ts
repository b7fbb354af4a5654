import { describe, expect, it } from "vitest"
import { Actor, Policy } from "../src/index.js"

const grid01 = Actor.scopePath("230503", "230503001", "230503001001", "01")
const grid011 = Actor.scopePath("230503", "230503001", "230503001001", "011")
const community = Actor.scopePath("230503", "230503001", "230503001001")

const policy = Policy.make(new Map([["visits.record", ["grid_worker", "community_worker"]]]))
const worker = (role: string, scopePath: string): Actor.Actor => ({
  id: "zhang.wei",
  kind: "user",
  roles: [{ role, district: "230503", level: "grid", scopePath }]
})

describe("a role covers its own node of the district tree and everything below it", () => {
  it("a grid worker may act in their own grid, not in a neighbouring grid whose code merely starts the same", () => {
    expect(
      policy.allows(worker("grid_worker", grid01), "visits.record", { district: "230503", scopePath: grid01 })
    ).toBe(true)
    expect(
      policy.allows(worker("grid_worker", grid01), "visits.record", { district: "230503", scopePath: grid011 })
    ).toBe(false)
  })

  it("a community worker may act in every grid of the community", () => {
    const actor = worker("community_worker", community)
    expect(policy.allows(actor, "visits.record", { district: "230503", scopePath: grid01 })).toBe(true)
    expect(policy.allows(actor, "visits.record", { district: "230503", scopePath: grid011 })).toBe(true)
  })

  it("a role the rule does not list, or an action no rule names, is refused; the system actor is not", () => {
    expect(policy.allows(worker("assistant", grid01), "visits.record", { district: "230503", scopePath: grid01 })).toBe(
      false
    )
    expect(
      policy.allows(worker("grid_worker", grid01), "visits.delete", { district: "230503", scopePath: grid01 })
    ).toBe(false)
    expect(policy.allows(Actor.system("cli"), "visits.delete", { district: "230503", scopePath: grid01 })).toBe(true)
  })

  it("a role in one district gives nothing in another", () => {
    expect(
      policy.allows(worker("grid_worker", grid01), "visits.record", { district: "230502", scopePath: grid01 })
    ).toBe(false)
  })
})
