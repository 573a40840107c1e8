"""Answers that fit what was asked: one role's fields and sections, role cards, cross-role lists
and comparisons, small talk; each built from a `Query` (bot.core.understanding), never a string."""
