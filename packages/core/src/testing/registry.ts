/**
 * The registry's part of the conformance suite: keys, scope, masks and counts,
 * on every adapter.
 */
import { expect, it } from "vitest"
import * as Actor from "../Actor.js"
import { Core } from "../Core.js"
import { Forbidden, InvalidInput, NotFound } from "../Errors.js"
import { makeKernel, type Kernel } from "../Kernel.js"
import { Registry } from "../registry/Registry.js"
import * as Secrets from "../registry/Secrets.js"
import type { Storage } from "../Storage.js"
import { DISTRICT } from "./tasks.js"

const system = Actor.system("conformance")
const KEY = "a".repeat(64)
const OTHER_KEY = "b".repeat(64)

const STREET = "230503001"
const COMMUNITY = "230503001001"
const G1 = "230503001001001"
const G2 = "230503001001002"
const G1_PATH = `${DISTRICT}/${STREET}/${COMMUNITY}/${G1}/`
const G2_PATH = `${DISTRICT}/${STREET}/${COMMUNITY}/${G2}/`

/** A valid GB 11643 number: region, birth date and sequence, with its MOD 11-2 check character. */
export const residentId = (region: string, birth: string, sequence: string): string => {
  const body = `${region}${birth}${sequence}`
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
  const sum = [...body].reduce((acc, digit, i) => acc + Number(digit) * weights[i]!, 0)
  return body + "10X98765432"[sum % 11]!
}

const worker = (scopePath: string, role = "grid_worker"): Actor.Actor => ({
  id: `${role}@${scopePath}`,
  kind: "user",
  roles: [{ role, district: DISTRICT, level: "grid", scopePath }]
})

/** Two grids of one community, a building in each, a household in each. */
const district = async (storage: Storage, key = KEY) => {
  const kernel = await makeKernel({ storage, secrets: { key } })
  await kernel.exec(Core.commands.registerDistrict({ code: DISTRICT, name: "岭东区" }), system)
  await kernel.exec(
    Registry.commands.registerStreet({ district: DISTRICT, code: STREET, name: "中山街道", kind: "street_office" }),
    system
  )
  await kernel.exec(
    Registry.commands.registerCommunity({ district: DISTRICT, street: STREET, code: COMMUNITY, name: "博爱社区" }),
    system
  )
  for (const [code, name] of [
    [G1, "第1网格"],
    [G2, "第2网格"]
  ] as const) {
    await kernel.exec(
      Registry.commands.registerGrid({ district: DISTRICT, community: COMMUNITY, code, name, createdOn: "2020-01-01" }),
      system
    )
  }
  for (const [building, grid] of [
    ["1号楼", G1],
    ["2号楼", G2]
  ] as const) {
    await kernel.exec(
      Registry.commands.registerBuilding({
        district: DISTRICT,
        compound: "博爱小区",
        name: building,
        grid,
        since: "2020-01-01"
      }),
      system
    )
  }
  const resident = (id: string, name: string, building: string, household: string, relation: string, phone?: string) =>
    kernel.exec(
      Registry.commands.registerResident({
        district: DISTRICT,
        document: { type: "resident_id_card", number: id },
        name,
        ...(phone === undefined ? {} : { phone }),
        address: { compound: "博爱小区", building, unit: "1", flat: "301" },
        household,
        relation,
        movedIn: "2020-06-01"
      }),
      system
    )
  const zhang = await resident(residentId("230503", "19500101", "123"), "张三", "1号楼", "H001", "户主", "13812345678")
  const li = await resident(residentId("230503", "19520202", "224"), "李四", "1号楼", "H001", "配偶")
  const wang = await resident(residentId("230503", "19800303", "335"), "王五", "2号楼", "H002", "户主")
  return { kernel, zhang, li, wang }
}

/** A fresh database for one registry test: how to open it, the kernel to close after the test, and its dump. */
export interface RegistryDatabase {
  readonly open: () => Storage
  readonly track: (k: Kernel) => void
  readonly dump: () => Promise<Uint8Array>
}

/** The registry's conformance tests, registered inside the adapter's suite. */
export const registryTests = (fresh: () => Promise<RegistryDatabase>) => {
  it("the key's fingerprint is stored at first start, and any other key is refused at start", async () => {
    const db = await fresh()
    const { kernel } = await district(db.open())
    await kernel.close()
    const refused = await makeKernel({ storage: db.open(), secrets: { key: OTHER_KEY } }).catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(Secrets.KeyMismatch)
    const again = await makeKernel({ storage: db.open(), secrets: { key: KEY } })
    db.track(again)
  })

  it("a rotated key re-hashes every stored number: look-ups still find the resident", async () => {
    const db = await fresh()
    const { kernel } = await district(db.open())
    await kernel.close()
    const rotated = await makeKernel({ storage: db.open(), secrets: { key: OTHER_KEY, previousKeys: [{ key: KEY }] } })
    db.track(rotated)
    const found = await rotated.exec(
      Registry.queries.findByDocument({ district: DISTRICT, number: residentId("230503", "19500101", "123") }),
      system
    )
    expect(found?.name).toBe("张三")
  })

  it("a resident's grid follows the building they live in, and a second registration of one number is refused", async () => {
    const db = await fresh()
    const { kernel, zhang } = await district(db.open())
    db.track(kernel)
    const record = await kernel.exec(Registry.queries.resident({ district: DISTRICT, id: zhang.id }), system)
    expect(record.scopePath).toBe(G1_PATH)
    const again = await kernel
      .exec(
        Registry.commands.registerPerson({
          district: DISTRICT,
          document: { type: "resident_id_card", number: residentId("230503", "19500101", "123").toLowerCase() },
          name: "张三"
        }),
        system
      )
      .catch((e: unknown) => e)
    expect(again).toMatchObject({ code: "REGISTRY.DOCUMENT_REGISTERED", subject: zhang.id })
  })

  it("a grid worker cannot read a resident of another grid", async () => {
    const db = await fresh()
    const { kernel, zhang, wang } = await district(db.open())
    db.track(kernel)
    const own = worker(G2_PATH)
    const seen = await kernel.exec(Registry.queries.resident({ district: DISTRICT, id: wang.id }), own)
    expect(seen.name).toBe("王五")
    const hidden = await kernel
      .exec(Registry.queries.resident({ district: DISTRICT, id: zhang.id }), own)
      .catch((e: unknown) => e)
    expect(hidden).toBeInstanceOf(NotFound)
    expect(await kernel.exec(Registry.queries.roster({ district: DISTRICT, grid: G1 }), own)).toEqual([])
    expect(
      (await kernel.exec(Registry.queries.roster({ district: DISTRICT, grid: G2 }), own)).map((r) => r.name)
    ).toEqual(["王五"])
    const lookup = await kernel.exec(
      Registry.queries.findByDocument({ district: DISTRICT, number: residentId("230503", "19500101", "123") }),
      own
    )
    expect(lookup).toBeNull()
  })

  it("numbers are masked; a community admin sees them whole, and that read is in the audit trail", async () => {
    const db = await fresh()
    const { kernel, zhang } = await district(db.open())
    db.track(kernel)
    const number = residentId("230503", "19500101", "123")
    const masked = await kernel.exec(Registry.queries.resident({ district: DISTRICT, id: zhang.id }), worker(G1_PATH))
    expect(masked.documentNumber).toBe(`230503***********${number.slice(-1)}`)
    expect(masked.phone).toBe("138****5678")
    const refused = await kernel
      .exec(Registry.queries.resident({ district: DISTRICT, id: zhang.id, unmask: true }), worker(G1_PATH))
      .catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(Forbidden)
    const admin = worker(`${DISTRICT}/${STREET}/${COMMUNITY}/`, "community_admin")
    const whole = await kernel.exec(
      Registry.queries.resident({ district: DISTRICT, id: zhang.id, unmask: true }),
      admin
    )
    expect(whole.documentNumber).toBe(number)
    expect(whole.phone).toBe("13812345678")
    const events = await kernel.events.since({ district: DISTRICT, after: 0 })
    const audit = events.filter((e) => e.type === "registry.numbers-unmasked")
    expect(audit).toHaveLength(1)
    expect(audit[0]).toMatchObject({ subject: zhang.id, actor: admin.id })
    expect(JSON.stringify(events)).not.toContain(number)
    expect(JSON.stringify(events)).not.toContain("13812345678")
  })

  it("a restricted tag is hidden from a grid worker and shown, audited, to a community admin", async () => {
    const db = await fresh()
    const { kernel, zhang } = await district(db.open())
    db.track(kernel)
    await kernel.exec(
      Registry.commands.addTag({ district: DISTRICT, tag: "community_correction", subject: zhang.id }),
      system
    )
    await kernel.exec(Registry.commands.addTag({ district: DISTRICT, tag: "empty_nest", subject: zhang.id }), system)
    const seenByWorker = await kernel.exec(
      Registry.queries.resident({ district: DISTRICT, id: zhang.id }),
      worker(G1_PATH)
    )
    expect(seenByWorker.tags.map((t) => t.tag)).toEqual(["empty_nest"])
    const admin = worker(`${DISTRICT}/${STREET}/${COMMUNITY}/`, "community_admin")
    const seenByAdmin = await kernel.exec(Registry.queries.resident({ district: DISTRICT, id: zhang.id }), admin)
    expect(seenByAdmin.tags.map((t) => t.tag).sort()).toEqual(["community_correction", "empty_nest"])
    const events = await kernel.events.since({ district: DISTRICT, after: 0 })
    expect(events.filter((e) => e.type === "registry.restricted-tag-read")).toHaveLength(1)
  })

  it("households and residents are counted by grid, within the reader's scope", async () => {
    const db = await fresh()
    const { kernel } = await district(db.open())
    db.track(kernel)
    const all = await kernel.exec(Registry.queries.population({ district: DISTRICT, by: "grid" }), system)
    expect(all.map((r) => [r.code, r.households, r.residents])).toEqual([
      [G1, 1, 2],
      [G2, 1, 1]
    ])
    const own = await kernel.exec(Registry.queries.population({ district: DISTRICT, by: "community" }), worker(G2_PATH))
    expect(own.map((r) => [r.code, r.households, r.residents])).toEqual([[COMMUNITY, 1, 1]])
  })

  it("the base-data imports: places created on first load, a ledger with a bad row refused whole, then imported with its tags", async () => {
    const db = await fresh()
    const kernel = await makeKernel({ storage: db.open(), secrets: { key: KEY } })
    db.track(kernel)
    await kernel.exec(Core.commands.registerDistrict({ code: DISTRICT, name: "岭东区" }), system)
    const places = await kernel.import(
      Registry.imports.places({ district: DISTRICT, create: true, since: "2020-06-01" }, [
        {
          street: "中山街道",
          community: "博爱社区",
          grid: "第1网格",
          compound: "博爱小区",
          building: "1号楼",
          flats: "60"
        },
        { street: "中山街道", community: "博爱社区", grid: "第2网格", compound: "博爱小区", building: "2号楼" }
      ]),
      system
    )
    expect(places.counts).toMatchObject({ streets: 1, communities: 1, grids: 2, compounds: 1, buildings: 2 })
    const ledger = [
      ["19500101", "123", "1号楼", "H1", "户主", "空巢老人;独居老人"],
      ["19520202", "224", "1号楼", "H1", "配偶", "空巢老人"],
      ["19800303", "335", "2号楼", "H2", "户主", "低保"],
      ["20100404", "446", "2号楼", "H2", "长子", ""]
    ].map(([birth, sequence, building, household, relation, tags]) => ({
      id_number: residentId("230503", birth!, sequence!),
      name: `居民${sequence}`,
      phone: "13812345678",
      compound: "博爱小区",
      building: building!,
      unit: "1",
      flat: "101",
      household: household!,
      relation: relation!,
      tags: tags!,
      moved_in: "2020-07-01"
    }))
    const bad = await kernel
      .import(
        Registry.imports.residents({ district: DISTRICT }, [
          ...ledger,
          { ...ledger[3]!, household: "H3", relation: "长子" }
        ]),
        system
      )
      .catch((e: unknown) => e)
    expect(bad).toBeInstanceOf(InvalidInput)
    expect((bad as InvalidInput).problems.map((p) => [p.row, p.code])).toEqual([
      [5, "REGISTRY.DOCUMENT_DUPLICATE_IN_FILE"]
    ])
    const none = await kernel.exec(Registry.queries.population({ district: DISTRICT, by: "grid" }), system)
    expect(none.map((r) => r.residents)).toEqual([0, 0])
    const imported = await kernel.import(Registry.imports.residents({ district: DISTRICT }, ledger), system)
    expect(imported.counts).toMatchObject({
      residents: 4,
      households: 2,
      dwellings: 2,
      empty_nest: 2,
      living_alone: 1,
      low_income: 1
    })
    const counted = await kernel.exec(Registry.queries.population({ district: DISTRICT, by: "grid" }), system)
    expect(counted.map((r) => [r.name, r.households, r.residents])).toEqual([
      ["第1网格", 1, 2],
      ["第2网格", 1, 2]
    ])
    const found = await kernel.exec(
      Registry.queries.findByDocument({ district: DISTRICT, number: ledger[2]!.id_number }),
      system
    )
    expect(found?.name).toBe("居民335")
  })

  it("no imported ID or phone number is stored in clear, in any table", async () => {
    const db = await fresh()
    const kernel = await makeKernel({ storage: db.open(), secrets: { key: KEY } })
    db.track(kernel)
    await kernel.exec(Core.commands.registerDistrict({ code: DISTRICT, name: "岭东区" }), system)
    await kernel.import(
      Registry.imports.places({ district: DISTRICT, create: true, since: "2020-06-01" }, [
        { street: "中山街道", community: "博爱社区", grid: "第1网格", compound: "博爱小区", building: "1号楼" }
      ]),
      system
    )
    const people = Array.from({ length: 40 }, (_, i) => ({
      id: residentId("230503", `19${50 + i}0101`, String(100 + i)),
      phone: `139${String(10_000_000 + i * 7919).padStart(8, "0")}`
    }))
    const written = await kernel.import(
      Registry.imports.residents(
        { district: DISTRICT },
        people.map((person, i) => ({
          id_number: i % 2 === 0 ? person.id : person.id.toLowerCase(),
          name: `居民${i}`,
          phone: i % 3 === 0 ? `+86 ${person.phone.slice(0, 3)}-${person.phone.slice(3)}` : person.phone,
          compound: "博爱小区",
          building: "1号楼",
          unit: "1",
          flat: String(101 + Math.floor(i / 4)),
          household: `H${Math.floor(i / 4)}`,
          relation: i % 4 === 0 ? "户主" : "子",
          tags: i % 5 === 0 ? "空巢老人" : ""
        }))
      ),
      system
    )
    expect(written.written).toBe(40)
    const bytes = Buffer.from(await db.dump())
    // The dump is real: what may be stored in clear is there.
    expect(bytes.includes(Buffer.from("居民39"))).toBe(true)
    const leaked = people.flatMap(({ id, phone }) =>
      [id, id.slice(0, 17), phone].filter((secret) => bytes.includes(Buffer.from(secret)))
    )
    expect(leaked).toEqual([])
  })
}
