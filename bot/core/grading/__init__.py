"""Answer feedback: which key points an answer states, contradicts or misses (offline by key terms
kept in the question bank; with an LLM, a judge quoting the answer), plus the words it used.

Modules: claims (sentences, clauses, lists), terms (key terms and their opposites), language (the
words claims are read with), grader (the offline verdicts), feedback (what the student is shown),
words (job terms, most-used words). `bot.core.llm.judge` is the language-model judge.
"""

from bot.core.grading.feedback import (
    CONTRADICTED,
    MISSING,
    PARTLY,
    RATE_PROMPT,
    STATED,
    VERDICTS,
    Feedback,
    PointVerdict,
)
from bot.core.grading.grader import COVERED_MATCH, QUESTION_DISCOUNT, EmptyAnswer, Grader, answer_units
from bot.core.grading.terms import KeyTerms, KeyTermsError, parse_key_terms
from bot.core.grading.words import STOPWORDS, job_terms, top_words

__all__ = [
    "CONTRADICTED", "COVERED_MATCH", "MISSING", "PARTLY", "QUESTION_DISCOUNT", "RATE_PROMPT", "STATED", "STOPWORDS",
    "VERDICTS", "EmptyAnswer", "Feedback", "Grader", "KeyTerms", "KeyTermsError", "PointVerdict", "answer_units",
    "job_terms", "parse_key_terms", "top_words",
]
