import { describe, expect, it } from "vitest"
import { sqliteStorage } from "../../../adapters/sqlite/src/index.js"
import { Forbidden } from "../../src/Errors.js"
import { Party } from "../../src/party/Party.js"
import type { MeetingKind } from "../../src/party/Vocabulary.js"
import { partyActors, partyFixture, partyPlaces, problemsOf, rejection } from "../../src/testing/party.js"
import { DISTRICT } from "../../src/testing/tasks.js"

const { organisationDepartment, boaiSecretary, boaiWorker, g1Worker, g2Worker } = partyActors

const withMembers = async () => {
  const fixture = await partyFixture(sqliteStorage({ filename: ":memory:" }))
  const { exec, g1, organisations, member } = fixture
  await exec(
    Party.commands.formCell({ district: DISTRICT, grid: partyPlaces.g1, branch: organisations.boai.id }),
    boaiSecretary
  )
  const members = []
  for (const resident of g1.slice(0, 3)) members.push((await member(resident.id, "resident", organisations.boai.id)).id)
  const meet = (
    organisation: string,
    kind: MeetingKind,
    attendance: ReadonlyArray<string>,
    grid?: string,
    actor = boaiWorker
  ) =>
    exec(
      Party.commands.recordMeeting({
        district: DISTRICT,
        organisation,
        kind,
        ...(grid === undefined ? {} : { grid }),
        heldOn: "2020-04-10",
        topic: "学习党章",
        attendance: attendance.map((m) => ({ member: m, status: "present" as const }))
      }),
      actor
    )
  return { ...fixture, members, meet }
}

describe("party meetings", () => {
  it("a party group meeting is its cell's, in its branch; the branches' meetings are not a working committee's", async () => {
    const { organisations, members, meet } = await withMembers()
    expect(problemsOf(await rejection(meet(organisations.boai.id, "party_group", members)))).toEqual([
      "grid PARTY.MEETING_NOT_FOR_ORGANISATION"
    ])
    expect(problemsOf(await rejection(meet(organisations.boai.id, "branch_members", members, partyPlaces.g1)))).toEqual(
      ["grid PARTY.MEETING_NOT_FOR_ORGANISATION"]
    )
    expect(problemsOf(await rejection(meet(organisations.huimin.id, "party_group", members, partyPlaces.g1)))).toEqual([
      "grid PARTY.NOT_A_BRANCH",
      "attendance[0].member PARTY.ATTENDEE_NOT_A_MEMBER",
      "attendance[1].member PARTY.ATTENDEE_NOT_A_MEMBER",
      "attendance[2].member PARTY.ATTENDEE_NOT_A_MEMBER"
    ])
    const street = (kind: MeetingKind) =>
      meet(organisations.street.id, kind, members, undefined, organisationDepartment)
    expect(problemsOf(await rejection(street("branch_committee")))).toEqual(["kind PARTY.MEETING_NOT_FOR_ORGANISATION"])
    // A working committee gives a party lecture to the members of the branches it leads.
    await street("party_lecture")
  })

  it("each attendee is a known member, listed once", async () => {
    const { organisations, members, meet } = await withMembers()
    const refused = await rejection(
      meet(organisations.boai.id, "branch_members", [members[0]!, members[0]!, "0190f000-0000-7000-8000-000000000000"])
    )
    expect(problemsOf(refused)).toEqual([
      "attendance[1].member PARTY.LISTED_TWICE",
      "attendance[2].member PARTY.UNKNOWN"
    ])
  })

  it("a grid's worker records its party group's meeting, not another grid's", async () => {
    const { exec, organisations, members } = await withMembers()
    const record = (actor = g1Worker) =>
      exec(
        Party.commands.recordMeeting({
          district: DISTRICT,
          organisation: organisations.boai.id,
          kind: "party_group",
          grid: partyPlaces.g1,
          heldOn: "2020-05-08",
          topic: "走访独居老人",
          attendance: [{ member: members[0]!, status: "present" }]
        }),
        actor
      )
    await record()
    expect(await rejection(record(g2Worker))).toBeInstanceOf(Forbidden)
    const rows = await exec(
      Party.queries.attendance({
        district: DISTRICT,
        organisation: organisations.boai.id,
        from: "2020-05-08",
        to: "2020-05-08"
      }),
      g2Worker
    )
    expect(rows).toEqual([])
  })
})
