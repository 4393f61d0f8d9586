"""Indexes the HQ digest reads by (R-HQ-7, migration 0009): cases created or changed since
the last digest, and the last digest itself among the outbox rows.

Declared here so the service-core models stay untouched; bot/store/db.py and
migrations/env.py import this module so that both the fresh schema and Alembic see them.
"""

from __future__ import annotations

from sqlalchemy import Index

from bot.store.models import Case, OutboxMessage

CASES_CREATED = Index("ix_cases_created_at", Case.created_at)
CASES_UPDATED = Index("ix_cases_updated_at", Case.updated_at)
OUTBOX_TEMPLATE = Index(
    "ix_outbox_template_created", OutboxMessage.template, OutboxMessage.created_at
)
