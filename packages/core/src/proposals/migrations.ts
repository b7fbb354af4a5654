/**
 * The proposals' tables. States and transitions are reference tables, the
 * same for every district, seeded with core's and extended by plugins. A
 * proposal's state is not stored on it: it is the last entry of its append-only
 * log of changes, whose first entry is the raise.
 */
import { sql } from "kysely"
import type { Migration } from "../Migration.js"
import { proposalStates, proposalTransitions, extendProposalStates } from "./States.js"

export const proposals: Migration = {
  name: "0001_proposals",
  up: (context) => {
    const { db, types } = context
    return [
      db.schema
        .createTable("proposals_state")
        .addColumn("state", "text", (c) => c.notNull())
        .addColumn("owner", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("proposals_state_pk", ["state"]),
      db.schema
        .createTable("proposals_transition")
        .addColumn("from_state", "text", (c) => c.notNull())
        .addColumn("to_state", "text", (c) => c.notNull())
        .addColumn("owner", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("proposals_transition_pk", ["from_state", "to_state"])
        .addForeignKeyConstraint("proposals_transition_from_fk", ["from_state"], "proposals_state", ["state"])
        .addForeignKeyConstraint("proposals_transition_to_fk", ["to_state"], "proposals_state", ["state"]),
      // The place it concerns: a grid (its scope path then follows the grid), or the community with a compound, or the community.
      db.schema
        .createTable("proposals_proposal")
        .addColumn("district_code", types.districtCode, (c) => c.notNull())
        .addColumn("id", types.id, (c) => c.notNull())
        .addColumn("title", "text", (c) => c.notNull())
        .addColumn("text", "text", (c) => c.notNull())
        .addColumn("category", "text", (c) => c.notNull())
        .addColumn("grid_id", types.id)
        .addColumn("compound_id", types.id)
        .addColumn("scope_path", types.scopePath, (c) => c.notNull())
        .addColumn("raised_by", "text", (c) => c.notNull())
        .addColumn("raised_at", types.timestamp, (c) => c.notNull())
        .addPrimaryKeyConstraint("proposals_proposal_pk", ["district_code", "id"])
        .addForeignKeyConstraint("proposals_proposal_grid_fk", ["district_code", "grid_id"], "registry_grid", [
          "district_code",
          "id"
        ])
        .addForeignKeyConstraint(
          "proposals_proposal_compound_fk",
          ["district_code", "compound_id"],
          "registry_compound",
          ["district_code", "id"]
        ),
      db.schema
        .createIndex("proposals_proposal_scope_idx")
        .on("proposals_proposal")
        .columns(["district_code", "scope_path"]),
      db.schema
        .createTable("proposals_author")
        .addColumn("district_code", types.districtCode, (c) => c.notNull())
        .addColumn("proposal_id", types.id, (c) => c.notNull())
        .addColumn("resident_id", types.id, (c) => c.notNull())
        .addPrimaryKeyConstraint("proposals_author_pk", ["district_code", "proposal_id", "resident_id"])
        .addForeignKeyConstraint(
          "proposals_author_proposal_fk",
          ["district_code", "proposal_id"],
          "proposals_proposal",
          ["district_code", "id"]
        )
        .addForeignKeyConstraint("proposals_author_resident_fk", ["district_code", "resident_id"], "registry_person", [
          "district_code",
          "id"
        ]),
      // One support per resident: the key itself refuses a second one, even from two requests at once.
      db.schema
        .createTable("proposals_support")
        .addColumn("district_code", types.districtCode, (c) => c.notNull())
        .addColumn("proposal_id", types.id, (c) => c.notNull())
        .addColumn("resident_id", types.id, (c) => c.notNull())
        .addColumn("recorded_by", "text", (c) => c.notNull())
        .addColumn("supported_at", types.timestamp, (c) => c.notNull())
        .addPrimaryKeyConstraint("proposals_support_pk", ["district_code", "proposal_id", "resident_id"])
        .addForeignKeyConstraint(
          "proposals_support_proposal_fk",
          ["district_code", "proposal_id"],
          "proposals_proposal",
          ["district_code", "id"]
        )
        .addForeignKeyConstraint("proposals_support_resident_fk", ["district_code", "resident_id"], "registry_person", [
          "district_code",
          "id"
        ]),
      // Numbered per proposal, so two changes made at once from the same state cannot both be written.
      db.schema
        .createTable("proposals_change")
        .addColumn("district_code", types.districtCode, (c) => c.notNull())
        .addColumn("proposal_id", types.id, (c) => c.notNull())
        .addColumn("seq", "integer", (c) => c.notNull())
        .addColumn("from_state", "text")
        .addColumn("to_state", "text", (c) => c.notNull())
        .addColumn("reason", "text")
        .addColumn("changed_by", "text", (c) => c.notNull())
        .addColumn("changed_at", types.timestamp, (c) => c.notNull())
        .addPrimaryKeyConstraint("proposals_change_pk", ["district_code", "proposal_id", "seq"])
        .addForeignKeyConstraint(
          "proposals_change_proposal_fk",
          ["district_code", "proposal_id"],
          "proposals_proposal",
          ["district_code", "id"]
        )
        .addForeignKeyConstraint("proposals_change_from_fk", ["from_state"], "proposals_state", ["state"])
        .addForeignKeyConstraint("proposals_change_to_fk", ["to_state"], "proposals_state", ["state"])
        // Only the raise, the first entry, comes from no state and without a reason.
        .addCheckConstraint(
          "proposals_change_reason_check",
          sql`(seq = 1 and from_state is null and reason is null) or (seq > 1 and from_state is not null and reason is not null)`
        ),
      ...extendProposalStates("0001_proposals", "proposals", {
        states: proposalStates,
        transitions: proposalTransitions
      }).up(context)
    ]
  }
}

export const migrations: ReadonlyArray<Migration> = [proposals]
