/**
 * The party module's tables. Every key starts with `district_code`, and every
 * link to another district table (the registry's communities, grids,
 * households and people included) carries it too. Rows at a community or above
 * (organisations, committees, members, schemes, scores) hold the scope path of
 * that place; rows in a grid (cells, central households, their neighbours, and
 * the check-ins, services and meetings recorded in one) hold the grid's path,
 * which the kernel keeps in step when the grid is redrawn. Where the past
 * matters (a member's attachment, a community's committee) a history table
 * keeps dated rows beside the row of the present, as the registry keeps a
 * building's grids.
 */
import type { CreateTableBuilder } from "kysely"
import type { ColumnTypes, Migration } from "../Migration.js"

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Table = CreateTableBuilder<any, any>

const districtKeyed = (table: Table, types: ColumnTypes): Table =>
  table.addColumn("district_code", types.districtCode, (c) => c.notNull()).addColumn("id", types.id, (c) => c.notNull())

const link = (table: Table, name: string, column: string, target: string): Table =>
  table.addForeignKeyConstraint(name, ["district_code", column], target, ["district_code", "id"])

export const organisations: Migration = {
  name: "0001_organisations",
  up: ({ db, types }) => [
    link(
      districtKeyed(db.schema.createTable("party_organisation"), types)
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("parent_id", types.id)
        .addColumn("established_on", types.date)
        .addColumn("scope_path", types.scopePath, (c) => c.notNull())
        .addPrimaryKeyConstraint("party_organisation_pk", ["district_code", "id"])
        .addUniqueConstraint("party_organisation_name_key", ["district_code", "scope_path", "name"]),
      "party_organisation_parent_fk",
      "parent_id",
      "party_organisation"
    ),
    db.schema
      .createIndex("party_organisation_parent_idx")
      .on("party_organisation")
      .columns(["district_code", "parent_id"]),
    districtKeyed(db.schema.createTable("party_committee"), types)
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("established_on", types.date, (c) => c.notNull())
      .addColumn("scope_path", types.scopePath, (c) => c.notNull())
      .addPrimaryKeyConstraint("party_committee_pk", ["district_code", "id"])
      .addUniqueConstraint("party_committee_name_key", ["district_code", "name"]),
    // A community is under one grand party committee at most.
    link(
      link(
        db.schema
          .createTable("party_committee_community")
          .addColumn("district_code", types.districtCode, (c) => c.notNull())
          .addColumn("committee_id", types.id, (c) => c.notNull())
          .addColumn("community_id", types.id, (c) => c.notNull())
          .addPrimaryKeyConstraint("party_committee_community_pk", ["district_code", "committee_id", "community_id"])
          .addUniqueConstraint("party_committee_community_key", ["district_code", "community_id"]),
        "party_committee_community_committee_fk",
        "committee_id",
        "party_committee"
      ),
      "party_committee_community_community_fk",
      "community_id",
      "registry_community"
    ),
    // A member unit's branch joins a committee and may leave it; both dates are kept.
    link(
      link(
        districtKeyed(db.schema.createTable("party_committee_unit"), types)
          .addColumn("committee_id", types.id, (c) => c.notNull())
          .addColumn("unit", "text", (c) => c.notNull())
          .addColumn("organisation_id", types.id, (c) => c.notNull())
          .addColumn("joined_on", types.date, (c) => c.notNull())
          .addColumn("left_on", types.date)
          .addPrimaryKeyConstraint("party_committee_unit_pk", ["district_code", "id"]),
        "party_committee_unit_committee_fk",
        "committee_id",
        "party_committee"
      ),
      "party_committee_unit_organisation_fk",
      "organisation_id",
      "party_organisation"
    ),
    db.schema
      .createIndex("party_committee_unit_committee_idx")
      .on("party_committee_unit")
      .columns(["district_code", "committee_id"]),
    db.schema
      .createIndex("party_committee_unit_organisation_idx")
      .on("party_committee_unit")
      .columns(["district_code", "organisation_id"])
  ]
}

export const members: Migration = {
  name: "0002_members",
  up: ({ db, types }) => [
    link(
      link(
        link(
          districtKeyed(db.schema.createTable("party_member"), types)
            .addColumn("person_id", types.id, (c) => c.notNull())
            .addColumn("kind", "text", (c) => c.notNull())
            .addColumn("organisation_id", types.id)
            .addColumn("community_id", types.id, (c) => c.notNull())
            .addColumn("joined_party_on", types.date, (c) => c.notNull())
            .addColumn("scope_path", types.scopePath, (c) => c.notNull())
            .addPrimaryKeyConstraint("party_member_pk", ["district_code", "id"])
            .addUniqueConstraint("party_member_person_key", ["district_code", "person_id"]),
          "party_member_person_fk",
          "person_id",
          "registry_person"
        ),
        "party_member_organisation_fk",
        "organisation_id",
        "party_organisation"
      ),
      "party_member_community_fk",
      "community_id",
      "registry_community"
    ),
    db.schema
      .createIndex("party_member_organisation_idx")
      .on("party_member")
      .columns(["district_code", "organisation_id"]),
    db.schema.createIndex("party_member_scope_idx").on("party_member").columns(["district_code", "scope_path"]),
    // The kind is the member's at check-in, so counts by kind stay true for past periods.
    link(
      link(
        link(
          districtKeyed(db.schema.createTable("party_check_in"), types)
            .addColumn("member_id", types.id, (c) => c.notNull())
            .addColumn("kind", "text", (c) => c.notNull())
            .addColumn("community_id", types.id, (c) => c.notNull())
            .addColumn("grid_id", types.id)
            .addColumn("pledge", "text", (c) => c.notNull())
            .addColumn("checked_in_on", types.date, (c) => c.notNull())
            .addColumn("ended_on", types.date)
            .addColumn("scope_path", types.scopePath, (c) => c.notNull())
            .addPrimaryKeyConstraint("party_check_in_pk", ["district_code", "id"]),
          "party_check_in_member_fk",
          "member_id",
          "party_member"
        ),
        "party_check_in_community_fk",
        "community_id",
        "registry_community"
      ),
      "party_check_in_grid_fk",
      "grid_id",
      "registry_grid"
    ),
    db.schema.createIndex("party_check_in_member_idx").on("party_check_in").columns(["district_code", "member_id"]),
    db.schema.createIndex("party_check_in_scope_idx").on("party_check_in").columns(["district_code", "scope_path"]),
    link(
      districtKeyed(db.schema.createTable("party_service"), types)
        .addColumn("check_in_id", types.id, (c) => c.notNull())
        .addColumn("grid_id", types.id)
        .addColumn("served_on", types.date, (c) => c.notNull())
        .addColumn("what", "text", (c) => c.notNull())
        .addColumn("minutes", "integer", (c) => c.notNull())
        .addColumn("scope_path", types.scopePath, (c) => c.notNull())
        .addPrimaryKeyConstraint("party_service_pk", ["district_code", "id"]),
      "party_service_check_in_fk",
      "check_in_id",
      "party_check_in"
    ),
    db.schema
      .createIndex("party_service_check_in_idx")
      .on("party_service")
      .columns(["district_code", "check_in_id", "served_on"]),
    db.schema.createIndex("party_service_served_idx").on("party_service").columns(["district_code", "served_on"])
  ]
}

export const cells: Migration = {
  name: "0003_cells",
  up: ({ db, types }) => [
    // A district's own limit of central households per cell; without a row it is the case's 3.
    db.schema
      .createTable("party_setting")
      .addColumn("district_code", types.districtCode, (c) => c.notNull())
      .addColumn("central_households_per_cell", "integer", (c) => c.notNull())
      .addPrimaryKeyConstraint("party_setting_pk", ["district_code"])
      .addForeignKeyConstraint("party_setting_district_fk", ["district_code"], "registry_district", ["district_code"]),
    link(
      link(
        districtKeyed(db.schema.createTable("party_cell"), types)
          .addColumn("grid_id", types.id, (c) => c.notNull())
          .addColumn("organisation_id", types.id, (c) => c.notNull())
          .addColumn("name", "text", (c) => c.notNull())
          .addColumn("formed_on", types.date, (c) => c.notNull())
          .addColumn("scope_path", types.scopePath, (c) => c.notNull())
          .addPrimaryKeyConstraint("party_cell_pk", ["district_code", "id"])
          .addUniqueConstraint("party_cell_grid_key", ["district_code", "grid_id"]),
        "party_cell_grid_fk",
        "grid_id",
        "registry_grid"
      ),
      "party_cell_organisation_fk",
      "organisation_id",
      "party_organisation"
    ),
    db.schema.createIndex("party_cell_scope_idx").on("party_cell").columns(["district_code", "scope_path"]),
    link(
      link(
        link(
          districtKeyed(db.schema.createTable("party_central_household"), types)
            .addColumn("cell_id", types.id, (c) => c.notNull())
            .addColumn("grid_id", types.id, (c) => c.notNull())
            .addColumn("household_id", types.id, (c) => c.notNull())
            .addColumn("member_id", types.id, (c) => c.notNull())
            .addColumn("appointed_on", types.date, (c) => c.notNull())
            .addColumn("ended_on", types.date)
            .addColumn("scope_path", types.scopePath, (c) => c.notNull())
            .addPrimaryKeyConstraint("party_central_household_pk", ["district_code", "id"]),
          "party_central_household_cell_fk",
          "cell_id",
          "party_cell"
        ),
        "party_central_household_household_fk",
        "household_id",
        "registry_household"
      ),
      "party_central_household_member_fk",
      "member_id",
      "party_member"
    ),
    db.schema
      .createIndex("party_central_household_cell_idx")
      .on("party_central_household")
      .columns(["district_code", "cell_id"]),
    db.schema
      .createIndex("party_central_household_scope_idx")
      .on("party_central_household")
      .columns(["district_code", "scope_path"]),
    link(
      link(
        db.schema
          .createTable("party_neighbour")
          .addColumn("district_code", types.districtCode, (c) => c.notNull())
          .addColumn("central_household_id", types.id, (c) => c.notNull())
          .addColumn("household_id", types.id, (c) => c.notNull())
          .addColumn("grid_id", types.id, (c) => c.notNull())
          .addColumn("since", types.date, (c) => c.notNull())
          .addColumn("scope_path", types.scopePath, (c) => c.notNull())
          .addPrimaryKeyConstraint("party_neighbour_pk", ["district_code", "central_household_id", "household_id"]),
        "party_neighbour_central_household_fk",
        "central_household_id",
        "party_central_household"
      ),
      "party_neighbour_household_fk",
      "household_id",
      "registry_household"
    ),
    db.schema.createIndex("party_neighbour_scope_idx").on("party_neighbour").columns(["district_code", "scope_path"])
  ]
}

export const stars: Migration = {
  name: "0004_stars",
  up: ({ db, types }) => [
    districtKeyed(db.schema.createTable("party_star_scheme"), types)
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("period_from", types.date, (c) => c.notNull())
      .addColumn("period_to", types.date, (c) => c.notNull())
      .addColumn("star_1", "double precision", (c) => c.notNull())
      .addColumn("star_2", "double precision", (c) => c.notNull())
      .addColumn("star_3", "double precision", (c) => c.notNull())
      .addColumn("star_4", "double precision", (c) => c.notNull())
      .addColumn("star_5", "double precision", (c) => c.notNull())
      .addColumn("scope_path", types.scopePath, (c) => c.notNull())
      .addPrimaryKeyConstraint("party_star_scheme_pk", ["district_code", "id"])
      .addUniqueConstraint("party_star_scheme_name_key", ["district_code", "scope_path", "name"]),
    db.schema
      .createTable("party_star_item")
      .addColumn("district_code", types.districtCode, (c) => c.notNull())
      .addColumn("scheme_id", types.id, (c) => c.notNull())
      .addColumn("code", "text", (c) => c.notNull())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("max_points", "double precision", (c) => c.notNull())
      .addColumn("weight", "double precision", (c) => c.notNull())
      .addColumn("position", "integer", (c) => c.notNull())
      .addPrimaryKeyConstraint("party_star_item_pk", ["district_code", "scheme_id", "code"])
      .addForeignKeyConstraint("party_star_item_scheme_fk", ["district_code", "scheme_id"], "party_star_scheme", [
        "district_code",
        "id"
      ]),
    // One score per member per item: entering it again replaces it, and the event keeps what it was.
    link(
      db.schema
        .createTable("party_star_score")
        .addColumn("district_code", types.districtCode, (c) => c.notNull())
        .addColumn("scheme_id", types.id, (c) => c.notNull())
        .addColumn("member_id", types.id, (c) => c.notNull())
        .addColumn("item_code", "text", (c) => c.notNull())
        .addColumn("points", "double precision", (c) => c.notNull())
        .addColumn("evidence", "text", (c) => c.notNull())
        .addColumn("scored_on", types.date, (c) => c.notNull())
        .addColumn("scope_path", types.scopePath, (c) => c.notNull())
        .addPrimaryKeyConstraint("party_star_score_pk", ["district_code", "scheme_id", "member_id", "item_code"])
        .addForeignKeyConstraint(
          "party_star_score_item_fk",
          ["district_code", "scheme_id", "item_code"],
          "party_star_item",
          ["district_code", "scheme_id", "code"]
        ),
      "party_star_score_member_fk",
      "member_id",
      "party_member"
    )
  ]
}

export const meetings: Migration = {
  name: "0005_meetings",
  up: ({ db, types }) => [
    link(
      link(
        districtKeyed(db.schema.createTable("party_meeting"), types)
          .addColumn("organisation_id", types.id, (c) => c.notNull())
          .addColumn("cell_id", types.id)
          .addColumn("grid_id", types.id)
          .addColumn("kind", "text", (c) => c.notNull())
          .addColumn("held_on", types.date, (c) => c.notNull())
          .addColumn("topic", "text", (c) => c.notNull())
          .addColumn("scope_path", types.scopePath, (c) => c.notNull())
          .addPrimaryKeyConstraint("party_meeting_pk", ["district_code", "id"]),
        "party_meeting_organisation_fk",
        "organisation_id",
        "party_organisation"
      ),
      "party_meeting_cell_fk",
      "cell_id",
      "party_cell"
    ),
    db.schema
      .createIndex("party_meeting_held_idx")
      .on("party_meeting")
      .columns(["district_code", "organisation_id", "held_on"]),
    link(
      link(
        db.schema
          .createTable("party_meeting_attendance")
          .addColumn("district_code", types.districtCode, (c) => c.notNull())
          .addColumn("meeting_id", types.id, (c) => c.notNull())
          .addColumn("member_id", types.id, (c) => c.notNull())
          .addColumn("status", "text", (c) => c.notNull())
          .addPrimaryKeyConstraint("party_meeting_attendance_pk", ["district_code", "meeting_id", "member_id"]),
        "party_meeting_attendance_meeting_fk",
        "meeting_id",
        "party_meeting"
      ),
      "party_meeting_attendance_member_fk",
      "member_id",
      "party_member"
    )
  ]
}

/**
 * Dated history where the module kept only the present: how each member was
 * attached (kind and organisation) from when to when, which committee each
 * community was under from when to when, and the date an organisation was
 * dissolved. The rows already there open their history on the date the record
 * gives: the member's joining the party, the committee's setting up.
 */
export const history: Migration = {
  name: "0006_history",
  up: ({ db, types }) => [
    db.schema.alterTable("party_organisation").addColumn("dissolved_on", types.date),
    // A member's attachments: one open row (valid_to null), the closed ones before it; a date falls in a row when
    // valid_from <= date < valid_to. party_member keeps the open row's kind and organisation for the lists.
    link(
      link(
        db.schema
          .createTable("party_member_attachment")
          .addColumn("district_code", types.districtCode, (c) => c.notNull())
          .addColumn("member_id", types.id, (c) => c.notNull())
          .addColumn("valid_from", types.date, (c) => c.notNull())
          .addColumn("valid_to", types.date)
          .addColumn("kind", "text", (c) => c.notNull())
          .addColumn("organisation_id", types.id)
          .addPrimaryKeyConstraint("party_member_attachment_pk", ["district_code", "member_id", "valid_from"]),
        "party_member_attachment_member_fk",
        "member_id",
        "party_member"
      ),
      "party_member_attachment_organisation_fk",
      "organisation_id",
      "party_organisation"
    ),
    db.schema
      .createIndex("party_member_attachment_organisation_idx")
      .on("party_member_attachment")
      .columns(["district_code", "organisation_id", "valid_from"]),
    db
      .insertInto("party_member_attachment")
      .columns(["district_code", "member_id", "valid_from", "kind", "organisation_id"])
      .expression(
        db.selectFrom("party_member").select(["district_code", "id", "joined_party_on", "kind", "organisation_id"])
      ),
    // party_committee_community keeps each community's committee now (its unique key: one at a time); this its past.
    link(
      link(
        db.schema
          .createTable("party_committee_community_history")
          .addColumn("district_code", types.districtCode, (c) => c.notNull())
          .addColumn("community_id", types.id, (c) => c.notNull())
          .addColumn("valid_from", types.date, (c) => c.notNull())
          .addColumn("valid_to", types.date)
          .addColumn("committee_id", types.id, (c) => c.notNull())
          .addPrimaryKeyConstraint("party_committee_community_history_pk", [
            "district_code",
            "community_id",
            "valid_from"
          ]),
        "party_committee_community_history_committee_fk",
        "committee_id",
        "party_committee"
      ),
      "party_committee_community_history_community_fk",
      "community_id",
      "registry_community"
    ),
    db.schema
      .createIndex("party_committee_community_history_committee_idx")
      .on("party_committee_community_history")
      .columns(["district_code", "committee_id"]),
    db
      .insertInto("party_committee_community_history")
      .columns(["district_code", "community_id", "valid_from", "committee_id"])
      .expression(
        db
          .selectFrom("party_committee_community as cc")
          .innerJoin("party_committee as c", (j) =>
            j.onRef("c.district_code", "=", "cc.district_code").onRef("c.id", "=", "cc.committee_id")
          )
          .select(["cc.district_code", "cc.community_id", "c.established_on", "cc.committee_id"])
      ),
    // The registry's moves name households: the central households and neighbours they touch are found by household.
    db.schema
      .createIndex("party_central_household_household_idx")
      .on("party_central_household")
      .columns(["district_code", "household_id"]),
    db.schema
      .createIndex("party_neighbour_household_idx")
      .on("party_neighbour")
      .columns(["district_code", "household_id"])
  ]
}

export const migrations: ReadonlyArray<Migration> = [organisations, members, cells, stars, meetings, history]
