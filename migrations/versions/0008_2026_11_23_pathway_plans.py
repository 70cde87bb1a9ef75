"""Pathway plans: versions, sections, goals and actions, the young person's comments, progress on actions.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23

The database itself keeps plans from being rewritten: triggers refuse any change to the content of
a version once it has left draft (its sections, goals and actions included), any change to who
authorised it and when, any status change but authorised -> superseded, and deleting it. Comments
and progress on actions are append-only. A later migration that rebuilds these tables on SQLite
(batch mode) must create the triggers again.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CONTENT_TABLES = ("pathway_plan_section", "pathway_plan_goal", "pathway_plan_action")
_APPEND_ONLY_TABLES = ("pathway_plan_comment", "pathway_plan_action_update")
# Columns a version keeps from the moment it is submitted.
_CONTENT_COLUMNS = (
    "local_authority_id",
    "care_leaver_id",
    "version",
    "previous_version_id",
    "contingency_plan",
    "people_involved",
    "contributors",
    "created_at",
    "created_by",
)
_JSON_COLUMNS = {"people_involved", "contributors"}

_PG_FUNCTIONS = """
CREATE FUNCTION pathway_plan_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status <> 'draft' THEN
            RAISE EXCEPTION 'a submitted pathway plan is never deleted' USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.status <> 'draft' AND ({content_changed}) THEN
        RAISE EXCEPTION 'pathway plan content is fixed once submitted' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF OLD.status IN ('authorised', 'superseded') AND (
        NEW.authorised_at IS DISTINCT FROM OLD.authorised_at
        OR NEW.authorised_by IS DISTINCT FROM OLD.authorised_by
        OR NEW.status NOT IN ('authorised', 'superseded')
        OR (OLD.status = 'superseded' AND NEW.status <> 'superseded')
    ) THEN
        RAISE EXCEPTION 'an authorised pathway plan is never changed' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;

CREATE FUNCTION pathway_plan_content_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE')
        AND (SELECT status FROM pathway_plan WHERE id = OLD.plan_id) IS DISTINCT FROM 'draft' THEN
        RAISE EXCEPTION 'pathway plan content is fixed once submitted' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE')
        AND (SELECT status FROM pathway_plan WHERE id = NEW.plan_id) IS DISTINCT FROM 'draft' THEN
        RAISE EXCEPTION 'pathway plan content is fixed once submitted' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END $$;

CREATE FUNCTION pathway_plan_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'pathway plan comments and progress are append-only' USING ERRCODE = 'insufficient_privilege';
END $$;
"""
_PG_FUNCTION_NAMES = ("pathway_plan_guard", "pathway_plan_content_guard", "pathway_plan_append_only")


def _content_changed(dialect: str) -> str:
    def differs(column: str) -> str:
        if dialect == "postgresql":
            # json has no equality operator in PostgreSQL: compare its text.
            cast = "::text" if column in _JSON_COLUMNS else ""
            return f"NEW.{column}{cast} IS DISTINCT FROM OLD.{column}{cast}"
        return f"NEW.{column} IS NOT OLD.{column}"

    return " OR ".join(differs(c) for c in _CONTENT_COLUMNS)


def _create_postgresql_guards() -> None:
    op.execute(_PG_FUNCTIONS.replace("{content_changed}", _content_changed("postgresql")))
    op.execute(
        "CREATE TRIGGER pathway_plan_guard BEFORE UPDATE OR DELETE ON pathway_plan "
        "FOR EACH ROW EXECUTE FUNCTION pathway_plan_guard()"
    )
    for table in _CONTENT_TABLES:
        op.execute(
            f"CREATE TRIGGER {table}_fixed BEFORE INSERT OR UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION pathway_plan_content_guard()"
        )
    for table in _APPEND_ONLY_TABLES:
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION pathway_plan_append_only()"
        )


def _sqlite_trigger(name: str, event: str, table: str, when: str, message: str) -> None:
    op.execute(
        f"CREATE TRIGGER {name} BEFORE {event} ON {table} WHEN {when} "
        f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
    )


def _create_sqlite_guards() -> None:
    fixed = "pathway plan content is fixed once submitted"
    _sqlite_trigger(
        "pathway_plan_content_fixed",
        "UPDATE",
        "pathway_plan",
        f"OLD.status <> 'draft' AND ({_content_changed('sqlite')})",
        fixed,
    )
    _sqlite_trigger(
        "pathway_plan_authorisation_fixed",
        "UPDATE",
        "pathway_plan",
        "OLD.status IN ('authorised', 'superseded') AND (NEW.authorised_at IS NOT OLD.authorised_at "
        "OR NEW.authorised_by IS NOT OLD.authorised_by OR NEW.status NOT IN ('authorised', 'superseded') "
        "OR (OLD.status = 'superseded' AND NEW.status <> 'superseded'))",
        "an authorised pathway plan is never changed",
    )
    _sqlite_trigger(
        "pathway_plan_no_delete",
        "DELETE",
        "pathway_plan",
        "OLD.status <> 'draft'",
        "a submitted pathway plan is never deleted",
    )
    status_of = "(SELECT status FROM pathway_plan WHERE id = {row}.plan_id) IS NOT 'draft'"
    for table in _CONTENT_TABLES:
        new, old = status_of.format(row="NEW"), status_of.format(row="OLD")
        _sqlite_trigger(f"{table}_fixed_insert", "INSERT", table, new, fixed)
        _sqlite_trigger(f"{table}_fixed_update", "UPDATE", table, f"{old} OR {new}", fixed)
        _sqlite_trigger(f"{table}_fixed_delete", "DELETE", table, old, fixed)
    for table in _APPEND_ONLY_TABLES:
        for verb in ("UPDATE", "DELETE"):
            _sqlite_trigger(
                f"{table}_no_{verb.lower()}",
                verb,
                table,
                "1",
                "pathway plan comments and progress are append-only",
            )


def upgrade() -> None:
    op.create_table(
        "pathway_plan",
        sa.Column("local_authority_id", sa.Uuid(), nullable=False),
        sa.Column("care_leaver_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "submitted",
                "authorised",
                "superseded",
                name="planstatus",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("previous_version_id", sa.Uuid(), nullable=True),
        sa.Column("contingency_plan", sa.Text(), nullable=True),
        sa.Column("people_involved", sa.JSON(), nullable=False),
        sa.Column("contributors", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("submitted_by", sa.Uuid(), nullable=True),
        sa.Column("returned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("return_reason", sa.Text(), nullable=True),
        sa.Column("authorised_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("authorised_by", sa.Uuid(), nullable=True),
        sa.Column("superseded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("review_due_on", sa.Date(), nullable=True),
        sa.Column(
            "review_due_reason",
            sa.Enum(
                "six_monthly",
                "accommodation_changed",
                "eighteenth_birthday",
                "started_higher_education",
                "left_higher_education",
                "entered_custody",
                "became_parent",
                name="reviewreason",
                native_enum=False,
                length=40,
            ),
            nullable=True,
        ),
        sa.Column("review_trigger_on", sa.Date(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["authorised_by"], ["user_account.id"], name=op.f("fk_pathway_plan_authorised_by_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["care_leaver_id"], ["care_leaver.id"], name=op.f("fk_pathway_plan_care_leaver_id_care_leaver")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["user_account.id"], name=op.f("fk_pathway_plan_created_by_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["local_authority_id"],
            ["local_authority.id"],
            name=op.f("fk_pathway_plan_local_authority_id_local_authority"),
        ),
        sa.ForeignKeyConstraint(
            ["previous_version_id"],
            ["pathway_plan.id"],
            name=op.f("fk_pathway_plan_previous_version_id_pathway_plan"),
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by"], ["user_account.id"], name=op.f("fk_pathway_plan_submitted_by_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pathway_plan")),
        sa.UniqueConstraint("care_leaver_id", "version", name=op.f("uq_pathway_plan_care_leaver_id_version")),
    )
    with op.batch_alter_table("pathway_plan", schema=None) as batch_op:
        batch_op.create_index(
            "ix_pathway_plan_authorised_at", ["care_leaver_id", "authorised_at"], unique=False
        )
        batch_op.create_index(
            "ix_pathway_plan_review_due", ["local_authority_id", "status", "review_due_on"], unique=False
        )
        batch_op.create_index(
            "uq_pathway_plan_authorised",
            ["care_leaver_id"],
            unique=True,
            postgresql_where=sa.text("status = 'authorised'"),
            sqlite_where=sa.text("status = 'authorised'"),
        )
        batch_op.create_index(
            "uq_pathway_plan_open",
            ["care_leaver_id"],
            unique=True,
            postgresql_where=sa.text("status IN ('draft', 'submitted')"),
            sqlite_where=sa.text("status IN ('draft', 'submitted')"),
        )

    op.create_table(
        "pathway_plan_comment",
        sa.Column("local_authority_id", sa.Uuid(), nullable=False),
        sa.Column("plan_id", sa.Uuid(), nullable=False),
        sa.Column(
            "section",
            sa.Enum(
                "accommodation",
                "health_and_wellbeing",
                "education_training_and_employment",
                "money",
                "family_and_relationships",
                "identity_and_culture",
                "practical_and_life_skills",
                "immigration_and_legal_status",
                "parenting",
                "custody",
                name="sectionkind",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["user_account.id"], name=op.f("fk_pathway_plan_comment_created_by_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["local_authority_id"],
            ["local_authority.id"],
            name=op.f("fk_pathway_plan_comment_local_authority_id_local_authority"),
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["pathway_plan.id"], name=op.f("fk_pathway_plan_comment_plan_id_pathway_plan")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pathway_plan_comment")),
    )
    with op.batch_alter_table("pathway_plan_comment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pathway_plan_comment_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "pathway_plan_section",
        sa.Column("local_authority_id", sa.Uuid(), nullable=False),
        sa.Column("plan_id", sa.Uuid(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "accommodation",
                "health_and_wellbeing",
                "education_training_and_employment",
                "money",
                "family_and_relationships",
                "identity_and_culture",
                "practical_and_life_skills",
                "immigration_and_legal_status",
                "parenting",
                "custody",
                name="sectionkind",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("needs_and_risks", sa.Text(), nullable=True),
        sa.Column("going_well", sa.Text(), nullable=True),
        sa.Column("young_person_views", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["local_authority_id"],
            ["local_authority.id"],
            name=op.f("fk_pathway_plan_section_local_authority_id_local_authority"),
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["pathway_plan.id"], name=op.f("fk_pathway_plan_section_plan_id_pathway_plan")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pathway_plan_section")),
        sa.UniqueConstraint("plan_id", "kind", name=op.f("uq_pathway_plan_section_plan_id_kind")),
    )
    op.create_table(
        "pathway_plan_goal",
        sa.Column("local_authority_id", sa.Uuid(), nullable=False),
        sa.Column("plan_id", sa.Uuid(), nullable=False),
        sa.Column("section_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["local_authority_id"],
            ["local_authority.id"],
            name=op.f("fk_pathway_plan_goal_local_authority_id_local_authority"),
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["pathway_plan.id"], name=op.f("fk_pathway_plan_goal_plan_id_pathway_plan")
        ),
        sa.ForeignKeyConstraint(
            ["section_id"],
            ["pathway_plan_section.id"],
            name=op.f("fk_pathway_plan_goal_section_id_pathway_plan_section"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pathway_plan_goal")),
    )
    with op.batch_alter_table("pathway_plan_goal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pathway_plan_goal_plan_id"), ["plan_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_pathway_plan_goal_section_id"), ["section_id"], unique=False)

    op.create_table(
        "pathway_plan_action",
        sa.Column("local_authority_id", sa.Uuid(), nullable=False),
        sa.Column("plan_id", sa.Uuid(), nullable=False),
        sa.Column("goal_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column(
            "owner",
            sa.Enum(
                "young_person",
                "personal_adviser",
                "partner",
                name="actionowner",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("partner_name", sa.String(length=200), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "not_started",
                "in_progress",
                "done",
                "dropped",
                name="actionstatus",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("dropped_reason", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["goal_id"],
            ["pathway_plan_goal.id"],
            name=op.f("fk_pathway_plan_action_goal_id_pathway_plan_goal"),
        ),
        sa.ForeignKeyConstraint(
            ["local_authority_id"],
            ["local_authority.id"],
            name=op.f("fk_pathway_plan_action_local_authority_id_local_authority"),
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["pathway_plan.id"], name=op.f("fk_pathway_plan_action_plan_id_pathway_plan")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pathway_plan_action")),
    )
    with op.batch_alter_table("pathway_plan_action", schema=None) as batch_op:
        batch_op.create_index("ix_pathway_plan_action_plan_due", ["plan_id", "due_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_pathway_plan_action_goal_id"), ["goal_id"], unique=False)

    op.create_table(
        "pathway_plan_action_update",
        sa.Column("local_authority_id", sa.Uuid(), nullable=False),
        sa.Column("plan_id", sa.Uuid(), nullable=False),
        sa.Column("action_id", sa.Uuid(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "not_started",
                "in_progress",
                "done",
                "dropped",
                name="actionstatus",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.Uuid(), nullable=True),
        sa.Column("by_young_person", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["pathway_plan_action.id"],
            name=op.f("fk_pathway_plan_action_update_action_id_pathway_plan_action"),
        ),
        sa.ForeignKeyConstraint(
            ["local_authority_id"],
            ["local_authority.id"],
            name=op.f("fk_pathway_plan_action_update_local_authority_id_local_authority"),
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["pathway_plan.id"], name=op.f("fk_pathway_plan_action_update_plan_id_pathway_plan")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"],
            ["user_account.id"],
            name=op.f("fk_pathway_plan_action_update_recorded_by_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pathway_plan_action_update")),
    )
    with op.batch_alter_table("pathway_plan_action_update", schema=None) as batch_op:
        batch_op.create_index(
            "ix_pathway_plan_action_update_action", ["action_id", "recorded_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_pathway_plan_action_update_plan_id"), ["plan_id"], unique=False)

    if op.get_bind().dialect.name == "postgresql":
        _create_postgresql_guards()
    else:
        _create_sqlite_guards()


def downgrade() -> None:
    with op.batch_alter_table("pathway_plan_action_update", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pathway_plan_action_update_plan_id"))
        batch_op.drop_index("ix_pathway_plan_action_update_action")

    op.drop_table("pathway_plan_action_update")
    with op.batch_alter_table("pathway_plan_action", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pathway_plan_action_goal_id"))
        batch_op.drop_index("ix_pathway_plan_action_plan_due")

    op.drop_table("pathway_plan_action")
    with op.batch_alter_table("pathway_plan_goal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pathway_plan_goal_section_id"))
        batch_op.drop_index(batch_op.f("ix_pathway_plan_goal_plan_id"))

    op.drop_table("pathway_plan_goal")
    op.drop_table("pathway_plan_section")
    with op.batch_alter_table("pathway_plan_comment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pathway_plan_comment_plan_id"))

    op.drop_table("pathway_plan_comment")
    with op.batch_alter_table("pathway_plan", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_pathway_plan_open",
            postgresql_where=sa.text("status IN ('draft', 'submitted')"),
            sqlite_where=sa.text("status IN ('draft', 'submitted')"),
        )
        batch_op.drop_index(
            "uq_pathway_plan_authorised",
            postgresql_where=sa.text("status = 'authorised'"),
            sqlite_where=sa.text("status = 'authorised'"),
        )
        batch_op.drop_index("ix_pathway_plan_review_due")
        batch_op.drop_index("ix_pathway_plan_authorised_at")

    op.drop_table("pathway_plan")
    # Dropping a table drops its triggers; PostgreSQL's functions go separately, at the end.
    if op.get_bind().dialect.name == "postgresql":
        for name in _PG_FUNCTION_NAMES:
            op.execute(f"DROP FUNCTION {name}()")
