"""The feedback embed (DMs, answer forms, study-group threads): each key point beside its verdict,
contradictions flagged with the key point behind a spoiler, no percentage, and a request to self-rate."""

from __future__ import annotations

from bot.config import Settings
from bot.core.grading import Grader
from bot.core.questions import QuestionBank
from bot.discord_app.render import feedback_embed


def test_feedback_embed_shows_verdicts_beside_key_points() -> None:
    bank = QuestionBank.load(Settings().questions_dir)
    question = bank.get("ml-fundamentals-l1-vs-l2-regularization")
    answer = ("L2 adds the squared weights to the loss, so weights shrink smoothly but rarely reach zero. L1 adds "
              "the absolute values and drives many weights to exactly zero, giving a sparse model. From the "
              "Bayesian side, L1 is a Gaussian prior on the weights.")
    feedback = Grader(None, bank=bank).grade(question, answer)
    embed = feedback_embed(question, feedback, streak=3)
    fields = {field.name: field.value for field in embed.fields}
    assert embed.title == "Feedback — you discussed 2 of 5 key points" and "%" not in embed.title
    assert question.key_points[0][:40] in fields["You discussed ✓"]
    flagged = fields["Check this ⚠ (spoilers)"]
    assert f"the key point says ||{question.key_points[3][:40]}" in flagged and "L1 is a Gaussian prior" in flagged
    missed = fields["You didn't mention ✗ (spoilers)"]
    assert missed.count("||") == 2 * 2 and question.key_points[2][:30] in missed  # two points, each spoilered
    assert "rate how well you knew it" in embed.footer.text and embed.footer.text.startswith("🔥 3-day streak")
