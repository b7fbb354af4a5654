import { describe, expect, it } from "vitest"
import { sqliteStorage } from "../../../adapters/sqlite/src/index.js"
import { Forbidden, NotFound } from "../../src/Errors.js"
import { Party } from "../../src/party/Party.js"
import type { PartyRefused } from "../../src/party/Refused.js"
import type { Attendance, MeetingKind } from "../../src/party/Vocabulary.js"
import { Registry } from "../../src/registry/Registry.js"
import { partyActors, partyFixture, partyPlaces, problemsOf, rejection } from "../../src/testing/party.js"
import { DISTRICT } from "../../src/testing/tasks.js"

const { organisationDepartment, boaiSecretary, boaiWorker, huiminSecretary, g1Worker, g2Worker } = partyActors

/** The fixture with G1's cell in 博爱社区党支部, and 张一, 张二, 张三 (all of G1) its members. */
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
    actor = boaiWorker,
    heldOn = "2020-04-10"
  ) =>
    exec(
      Party.commands.recordMeeting({
        district: DISTRICT,
        organisation,
        kind,
        ...(grid === undefined ? {} : { grid }),
        heldOn,
        topic: "学习党章",
        attendance: attendance.map((m) => ({ member: m, status: "present" as const }))
      }),
      actor
    )
  const rollOf = (kind: MeetingKind, on: string, grid?: string, actor = boaiWorker) =>
    exec(
      Party.queries.roll({
        district: DISTRICT,
        organisation: organisations.boai.id,
        kind,
        ...(grid === undefined ? {} : { grid }),
        on
      }),
      actor
    )
  return { ...fixture, members, meet, rollOf }
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

  it("each attendee is a known member, listed once, and every member expected is on the list", async () => {
    const { organisations, members, meet } = await withMembers()
    const refused = await rejection(
      meet(organisations.boai.id, "branch_members", [members[0]!, members[0]!, "0190f000-0000-7000-8000-000000000000"])
    )
    expect(problemsOf(refused)).toEqual([
      "attendance[1].member PARTY.LISTED_TWICE",
      "attendance[2].member PARTY.UNKNOWN",
      "attendance PARTY.ATTENDANCE_INCOMPLETE",
      "attendance PARTY.ATTENDANCE_INCOMPLETE"
    ])
    // Those left off are named, so the recorder knows whom to add.
    expect((refused as PartyRefused).problems.slice(2).map((p) => p["zh-CN"])).toEqual([
      "应到党员 张三 未列入出席名单：请记为出席、缺席或请假",
      "应到党员 张二 未列入出席名单：请记为出席、缺席或请假"
    ])
  })

  it("a member left off and a member of another branch are refused together, and nothing is recorded", async () => {
    const { exec, wang, organisations, members, member, meet } = await withMembers()
    const huimin = await member(wang.id, "resident", organisations.huimin.id, partyPlaces.huimin, huiminSecretary)
    const refused = await rejection(
      meet(organisations.boai.id, "branch_members", [members[0]!, members[1]!, huimin.id])
    )
    expect(problemsOf(refused)).toEqual([
      "attendance[2].member PARTY.ATTENDEE_NOT_A_MEMBER",
      "attendance PARTY.ATTENDANCE_INCOMPLETE"
    ])
    expect(
      await exec(Party.queries.attendance({ district: DISTRICT, from: "2020-01-01", to: "2020-12-31" }), boaiSecretary)
    ).toEqual([])
  })

  it("the list is checked against the branch as it was on the meeting's date: a member transferred away is expected before, a stranger after", async () => {
    const { exec, organisations, members, meet, rollOf } = await withMembers()
    await exec(
      Party.commands.transferMember({
        district: DISTRICT,
        member: members[2]!,
        organisation: organisations.huimin.id,
        transferredOn: "2020-05-01"
      }),
      boaiSecretary
    )
    expect((await rollOf("branch_members", "2020-04-30")).map((r) => r.name)).toEqual(["张一", "张三", "张二"])
    expect((await rollOf("branch_members", "2020-05-01")).map((r) => r.name)).toEqual(["张一", "张二"])
    // Recorded after the transfer, the April meeting still expects 张三; a June one refuses him.
    await meet(organisations.boai.id, "branch_members", members)
    const june = await rejection(
      meet(organisations.boai.id, "branch_members", members, undefined, boaiWorker, "2020-06-05")
    )
    expect(problemsOf(june)).toEqual(["attendance[2].member PARTY.ATTENDEE_NOT_A_MEMBER"])
    await meet(organisations.boai.id, "branch_members", members.slice(0, 2), undefined, boaiWorker, "2020-06-05")
  })

  it("a party group meeting expects the branch's members who lived in its grid that day; a member who died is expected no more", async () => {
    const { exec, g1, li, organisations, members, member, meet, rollOf } = await withMembers()
    // 李七 lives in G2: a member of the branch, but not of G1's party group.
    const inG2 = await member(li.id, "resident", organisations.boai.id)
    expect((await rollOf("party_group", "2020-05-08", partyPlaces.g1, g1Worker)).map((r) => r.name)).toEqual([
      "张一",
      "张三",
      "张二"
    ])
    const stranger = await rejection(
      meet(organisations.boai.id, "party_group", [...members, inG2.id], partyPlaces.g1, g1Worker)
    )
    expect(problemsOf(stranger)).toEqual(["attendance[3].member PARTY.ATTENDEE_NOT_A_MEMBER"])
    expect((stranger as PartyRefused).problems[0]?.["zh-CN"]).toBe("2020-04-10 该党员不住在第1网格党小组所在网格")
    await exec(Registry.commands.registerDeath({ district: DISTRICT, resident: g1[1]!.id, on: "2020-06-01" }))
    const attendance: ReadonlyArray<{ member: string; status: Attendance }> = [
      { member: members[0]!, status: "present" },
      { member: members[2]!, status: "excused" }
    ]
    await exec(
      Party.commands.recordMeeting({
        district: DISTRICT,
        organisation: organisations.boai.id,
        kind: "party_group",
        grid: partyPlaces.g1,
        heldOn: "2020-06-12",
        topic: "悼念张二同志",
        attendance
      }),
      g1Worker
    )
    // The branch's meeting still expects 李七, who lives in another grid of the branch.
    expect((await rollOf("branch_members", "2020-06-12")).map((r) => r.name)).toEqual(["张一", "张三", "李七"])
  })

  it("a branch committee meeting names no roll: any member of the branch may be on its list, a stranger may not", async () => {
    const { wang, organisations, members, member, meet, rollOf } = await withMembers()
    expect(await rollOf("branch_committee", "2020-04-10")).toEqual([])
    await meet(organisations.boai.id, "branch_committee", [members[0]!])
    const huimin = await member(wang.id, "resident", organisations.huimin.id, partyPlaces.huimin, huiminSecretary)
    expect(problemsOf(await rejection(meet(organisations.boai.id, "branch_committee", [huimin.id])))).toEqual([
      "attendance[0].member PARTY.ATTENDEE_NOT_A_MEMBER"
    ])
  })

  it("a grid's worker records its party group's meeting and reads its roll, not another grid's nor the branch's", async () => {
    const { exec, organisations, members, rollOf } = await withMembers()
    const record = (actor = g1Worker) =>
      exec(
        Party.commands.recordMeeting({
          district: DISTRICT,
          organisation: organisations.boai.id,
          kind: "party_group",
          grid: partyPlaces.g1,
          heldOn: "2020-05-08",
          topic: "走访独居老人",
          attendance: [
            { member: members[0]!, status: "present" },
            { member: members[1]!, status: "absent" },
            { member: members[2]!, status: "excused" }
          ]
        }),
        actor
      )
    await record()
    expect(await rejection(record(g2Worker))).toBeInstanceOf(Forbidden)
    // G1's cell is not G2's worker's to see, and the branch's roll is read at the community.
    expect(await rejection(rollOf("party_group", "2020-05-08", partyPlaces.g1, g2Worker))).toBeInstanceOf(NotFound)
    expect(await rejection(rollOf("branch_members", "2020-05-08", undefined, g1Worker))).toBeInstanceOf(Forbidden)
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
