"""The letter path: a batch or a single letter stored, claimed, and taken through named
stages (`bot.pipeline.stages`)."""

from bot.case_fields import merge_fields
from bot.pipeline.config import (
    FOLLOWUP_KINDS,
    STRANDED_AFTER,
    PipelineConfig,
    default_classifier,
)
from bot.pipeline.service import Pipeline

__all__ = [
    "FOLLOWUP_KINDS",
    "STRANDED_AFTER",
    "Pipeline",
    "PipelineConfig",
    "default_classifier",
    "merge_fields",
]
