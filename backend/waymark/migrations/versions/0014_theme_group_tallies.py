"""Theme tallies by who raised the theme (for the theme report), filled from the responses
already counted under each theme.

Revision ID: 0014
Revises: 0013
"""

from collections import Counter
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    table = op.create_table(
        "insight_theme_group_tally",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("theme", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("dimension", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("grp", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("responses", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenant.id"], name=op.f("fk_insight_theme_group_tally_tenant_id_tenant")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insight_theme_group_tally")),
        sa.UniqueConstraint(
            "tenant_id",
            "theme",
            "dimension",
            "grp",
            name=op.f("uq_insight_theme_group_tally_tenant_id_theme_dimension_grp"),
        ),
    )
    # Count the responses already tallied under each theme (as insights.tally does).
    responses = sa.table(
        "consultation_response",
        sa.column("tenant_id", sa.Integer()),
        sa.column("tallied_themes", sa.JSON()),
        sa.column("age_band", sa.String()),
        sa.column("care_status", sa.String()),
        sa.column("send", sa.Boolean()),
        sa.column("recent_contact", sa.Boolean()),
    )
    counts: Counter = Counter()
    for row in op.get_bind().execute(sa.select(responses)):
        for theme in row.tallied_themes or []:
            groups = {
                "age_band": row.age_band or "unknown",
                "care_status": row.care_status or "unknown",
                "send": "unknown" if row.send is None else ("yes" if row.send else "no"),
                "recent_contact": "unknown" if row.recent_contact is None else ("yes" if row.recent_contact else "no"),
            }
            for dimension, group in groups.items():
                counts[(row.tenant_id, theme, dimension, group)] += 1
    if counts:
        op.bulk_insert(
            table,
            [
                {"tenant_id": t, "theme": th, "dimension": d, "grp": g, "responses": n}
                for (t, th, d, g), n in counts.items()
            ],
        )


def downgrade() -> None:
    op.drop_table("insight_theme_group_tally")
