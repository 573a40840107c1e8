"""`prepbot quiz` and `prepbot grade`: role-tailored practice questions and offline answer feedback.

`quiz --json` prints one object, `{"role": {"id", "title"} | null, "questions": [...]}`, that other
tools rely on; `grade --json` prints the feedback object (`covered`, `missed` and `contradicted` lists of
key-point strings, `points` with each verdict and its quote, `quality`); `grade --batch FILE` reads JSON
lines `{"question_id", "answer"}` and prints one such object per line. People get rich text. Every error is a
`PrepbotError`, which `bot.cli.main` prints as one line on stderr with exit status 1.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from rich.markup import escape

from bot.cli_common import PARSER_EXTENSIONS, command, emit, ensure_indexed, out
from bot.core.errors import PrepbotError
from bot.core.services import Services

if TYPE_CHECKING:
    from bot.core.grading import Feedback
    from bot.core.postings import Posting
    from bot.core.quiz import Quiz, QuizMaker, QuizQuestion


def add_practice_parsers(sub: argparse._SubParsersAction) -> None:
    quiz = sub.add_parser("quiz", help="practice questions tailored to a role (the bank plus the posting's own lines)")
    quiz.add_argument("--role", help="role id or words that name it (e.g. 'multimodal'); none: any role")
    quiz.add_argument("--topic", help="only this topic (e.g. recsys, pytorch, search)")
    quiz.add_argument("--difficulty", help="easy, medium or hard")
    quiz.add_argument("-n", type=int, default=5, help="number of questions, 1-20 (default 5)")
    quiz.add_argument("--seed", type=int, help="the same seed gives the same quiz")
    quiz.add_argument("--json", action="store_true", help="print one JSON object")

    grade = sub.add_parser("grade", help="feedback on an answer: the key points it discussed, contradicted and missed")
    grade.add_argument("question_id", metavar="QUESTION_ID", nargs="?",
                       help="a question id, as `prepbot quiz` shows it")
    grade.add_argument("answer", metavar="ANSWER", nargs="?", help="your answer, quoted")
    grade.add_argument("--role", help="the role to compare your terms with (default: the question's own role)")
    grade.add_argument("--json", action="store_true", help="print the feedback as one JSON object")
    grade.add_argument("--batch", metavar="FILE",
                       help='grade many answers in one start-up: JSON lines {"question_id", "answer"} '
                            "(- for stdin); prints one JSON result per line")


PARSER_EXTENSIONS.append(add_practice_parsers)


def build_quiz_maker(services: Services) -> QuizMaker:
    """The bank from the configured questions dir over the knowledge index (LLM-assisted when configured)."""
    return services.quiz_maker


# ----- quiz ---------------------------------------------------------------------------------------
@command("quiz")
def run_quiz(args: argparse.Namespace, services: Services) -> int:
    ensure_indexed(services)
    quiz = build_quiz_maker(services).make_quiz(role=args.role, topic=args.topic, difficulty=args.difficulty,
                                                n=args.n, seed=args.seed)
    return emit(quiz, args.json, print_quiz)


def print_quiz(quiz: Quiz) -> None:
    target = f"the {quiz.role.display_name} role ({quiz.role.role_id})" if quiz.role else "general practice"
    if not quiz.questions:
        out.print(f"No questions match those filters for {escape(target)}.")
        return
    out.print(f"[bold]{len(quiz.questions)} questions for {escape(target)}[/bold]\n")
    for number, question in enumerate(quiz.questions, start=1):
        _print_question(number, question)
    out.print('[dim]Answer one with: prepbot grade QUESTION_ID "your answer"[/dim]')


def _print_question(number: int, question: QuizQuestion) -> None:
    source = "from the posting" if question.source == "posting" else "from the bank"
    out.print(f"[bold cyan]{number}.[/bold cyan] [bold]{escape(question.question)}[/bold]")
    out.print(f"   [dim]{escape(question.topic)} · {escape(question.difficulty)} · {source} · "
              f"id: {escape(question.id)}[/dim]")
    out.print(f"   [dim]Why: {escape(question.why)}[/dim]\n")


# ----- grade --------------------------------------------------------------------------------------
@command("grade")
def run_grade(args: argparse.Namespace, services: Services) -> int:
    if args.batch:
        if args.question_id or args.answer:
            raise InvalidGradeRequest("Give either --batch FILE or a QUESTION_ID and an ANSWER, not both.")
        return run_grade_batch(args.batch, args.role, services)
    if not args.question_id or args.answer is None:
        raise InvalidGradeRequest('Give a question id and your answer: prepbot grade QUESTION_ID "your answer" '
                                  "(or --batch FILE of JSON lines).")
    ensure_indexed(services)
    maker = build_quiz_maker(services)
    question = maker.question(args.question_id)
    feedback = services.grader.grade(question, args.answer, role=_role(args.role, question, maker, services))
    return emit(feedback, args.json, lambda shown: print_feedback(question, shown))


class InvalidGradeRequest(PrepbotError):
    """`prepbot grade` called without an answer to grade, or with both an answer and --batch."""


def _role(role: str | None, question: QuizQuestion, maker: QuizMaker, services: Services) -> Posting | None:
    if role:
        return maker.resolve_role(role)
    return services.index.role(question.role_id) if question.role_id else None


def run_grade_batch(path: str, role: str | None, services: Services) -> int:
    """One result object per input line, in order: the feedback, or {"line", "error"} for a line that
    cannot be graded (a bad line never stops the rest). Exit status 1 when any line failed."""
    ensure_indexed(services)
    maker = build_quiz_maker(services)
    failed = False
    for number, line in enumerate(_batch_lines(path), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            if not isinstance(item, dict) or not isinstance(item.get("question_id"), str) \
                    or not isinstance(item.get("answer"), str):
                raise InvalidGradeRequest('each line must be a JSON object with string "question_id" and "answer"')
            question = maker.question(item["question_id"])
            result = services.grader.grade(question, item["answer"],
                                           role=_role(role, question, maker, services)).to_dict()
        except (json.JSONDecodeError, PrepbotError) as error:
            failed = True
            message = f"not JSON ({error.msg})" if isinstance(error, json.JSONDecodeError) else str(error)
            result = {"line": number, "error": message}
        print(json.dumps(result, ensure_ascii=False), flush=True)
    return 1 if failed else 0


def _batch_lines(path: str) -> list[str]:
    if path == "-":
        return sys.stdin.read().splitlines()
    try:
        return Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidGradeRequest(f"Cannot read the batch file {path}: {error.__class__.__name__}.") from error


# The colour of a feedback line, by the mark Feedback.render puts before each key point's verdict.
_VERDICT_STYLE = {"✓": "green", "⚠": "yellow", "~": "cyan", "✗": "red"}


def print_feedback(question: QuizQuestion, feedback: Feedback) -> None:
    """The question, then Feedback's own rendering (the words every front end shows), coloured by
    verdict: the CLI decides colours, never what the feedback says."""
    out.print(f"[bold]{escape(question.question)}[/bold]")
    out.print(f"[dim]{escape(question.id)} · {escape(question.topic)} · {escape(question.difficulty)}[/dim]\n")
    headline, *rest = feedback.render().splitlines()
    out.print(f"[bold]{escape(headline)}[/bold]")
    for line in rest:
        mark = line.strip()[:1]
        style = _VERDICT_STYLE.get(mark) or ("dim" if line.startswith("      ") else "")
        out.print(f"[{style}]{escape(line)}[/{style}]" if style else escape(line))
