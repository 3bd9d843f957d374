"""Rooms, memberships and messages; the public room `general` with every user in it.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from papo.server.models import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    rooms = op.create_table(
        "rooms",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("topic", sa.String(250), nullable=False),
        sa.Column("private", sa.Boolean(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("direct_key", sa.String(40), nullable=True),
        sa.Column(
            "created_by",
            sa.Integer(),
            sa.ForeignKey("users.id", ondelete="SET NULL", name="fk_rooms_created_by"),
            nullable=True,
        ),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.Column("last_message_id", sa.Integer(), nullable=False),
        sa.UniqueConstraint("name", name="uq_rooms_name"),
        sa.UniqueConstraint("direct_key", name="uq_rooms_direct_key"),
        sa.CheckConstraint("kind IN ('channel', 'direct')", name="ck_rooms_kind"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "memberships",
        sa.Column(
            "room_id",
            sa.Integer(),
            sa.ForeignKey("rooms.id", ondelete="CASCADE", name="fk_memberships_room"),
            primary_key=True,
        ),
        sa.Column(
            "user_id",
            sa.Integer(),
            sa.ForeignKey("users.id", ondelete="CASCADE", name="fk_memberships_user"),
            primary_key=True,
        ),
        sa.Column("joined_at", UTCDateTime(), nullable=False),
        sa.Column("last_read_id", sa.Integer(), nullable=False),
    )
    op.create_index("ix_memberships_user_id", "memberships", ["user_id"])
    op.create_table(
        "messages",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "room_id",
            sa.Integer(),
            sa.ForeignKey("rooms.id", ondelete="CASCADE", name="fk_messages_room"),
            nullable=False,
        ),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column(
            "author_id",
            sa.Integer(),
            sa.ForeignKey("users.id", ondelete="SET NULL", name="fk_messages_author"),
            nullable=True,
        ),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("client_id", sa.String(64), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("edited_at", UTCDateTime(), nullable=True),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.UniqueConstraint("room_id", "seq", name="uq_messages_room_seq"),
        sa.UniqueConstraint("author_id", "client_id", name="uq_messages_author_client_id"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_messages_room_id_id", "messages", ["room_id", "id"])
    _create_general(rooms)


def _create_general(rooms: sa.Table) -> None:
    now = datetime.now(UTC)
    op.bulk_insert(
        rooms,
        [
            {
                "name": "general",
                "topic": "Everyone, everything",
                "private": False,
                "kind": "channel",
                "created_at": now,
                "last_seq": 0,
                "last_message_id": 0,
            }
        ],
    )
    op.execute(
        sa.text(
            "INSERT INTO memberships (room_id, user_id, joined_at, last_read_id) "
            "SELECT r.id, u.id, :now, 0 FROM users u, rooms r WHERE r.name = 'general'"
        ).bindparams(sa.bindparam("now", now, type_=UTCDateTime()))
    )


def downgrade() -> None:
    op.drop_index("ix_messages_room_id_id", table_name="messages")
    op.drop_table("messages")
    op.drop_index("ix_memberships_user_id", table_name="memberships")
    op.drop_table("memberships")
    op.drop_table("rooms")
