"""Fit check: a resume against a role's requirements (evidenced / mentioned / missing), both sides quoted."""

from bot.core.fit.check import KINDS, STATUSES, FitReport, RequirementFit, check_fit
from bot.core.fit.resume import (
    RESUME_FORMATS,
    Resume,
    ResumeLine,
    UnreadableResume,
    read_resume,
    read_resume_file,
    resume_format,
    resume_from_text,
)

__all__ = [
    "KINDS",
    "RESUME_FORMATS",
    "STATUSES",
    "FitReport",
    "RequirementFit",
    "Resume",
    "ResumeLine",
    "UnreadableResume",
    "check_fit",
    "read_resume",
    "read_resume_file",
    "resume_format",
    "resume_from_text",
]
