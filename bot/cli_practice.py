"""`prepbot quiz` and `prepbot grade`: role-tailored practice questions and offline answer feedback.

`quiz --json` prints one object, `{"role": {"id", "title"} | null, "questions": [...]}`, that other
tools rely on; `grade --json` prints the feedback object. People get rich text. Every error is a
`PrepbotError`, which `bot.cli.main` prints as one line on stderr with exit status 1.
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from rich.markup import escape

from bot.cli import PARSER_EXTENSIONS, command, ensure_indexed, out
from bot.core.services import Services

if TYPE_CHECKING:
    from bot.core.grading import Feedback
    from bot.core.quiz import Quiz, QuizMaker, QuizQuestion


def add_practice_parsers(sub: argparse._SubParsersAction) -> None:
    quiz = sub.add_parser("quiz", help="practice questions tailored to a role (the bank plus the posting's own lines)")
    quiz.add_argument("--role", help="role id or words that name it (e.g. 'multimodal'); none: any role")
    quiz.add_argument("--topic", help="only this topic (e.g. recsys, pytorch, search)")
    quiz.add_argument("--difficulty", help="easy, medium or hard")
    quiz.add_argument("-n", type=int, default=5, help="number of questions, 1-20 (default 5)")
    quiz.add_argument("--seed", type=int, help="the same seed gives the same quiz")
    quiz.add_argument("--json", action="store_true", help="print one JSON object")

    grade = sub.add_parser("grade", help="feedback on an answer: key points covered and missed, job terms used")
    grade.add_argument("question_id", metavar="QUESTION_ID", help="a question id, as `prepbot quiz` shows it")
    grade.add_argument("answer", metavar="ANSWER", help="your answer, quoted")
    grade.add_argument("--role", help="the role to compare your terms with (default: the question's own role)")
    grade.add_argument("--json", action="store_true", help="print the feedback as one JSON object")


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
    if args.json:
        print(json.dumps(quiz.to_dict(), ensure_ascii=False, indent=2))
    else:
        print_quiz(quiz)
    return 0


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

    ensure_indexed(services)
    maker = build_quiz_maker(services)
    question = maker.question(args.question_id)
    if args.role:
        posting = maker.resolve_role(args.role)
    else:
        posting = services.index.role(question.role_id) if question.role_id else None
    feedback = services.grader.grade(question, args.answer, role=posting)
    if args.json:
        print(json.dumps(feedback.to_dict(), ensure_ascii=False, indent=2))
    else:
        print_feedback(question, feedback)
    return 0


def print_feedback(question: QuizQuestion, feedback: Feedback) -> None:
    total = len(feedback.covered) + len(feedback.missed)
    out.print(f"[bold]{escape(question.question)}[/bold]")
    out.print(f"[dim]{escape(question.id)} · {escape(question.topic)} · {escape(question.difficulty)}[/dim]\n")
    out.print(f"[bold]Key points covered: {len(feedback.covered)} of {total}[/bold]")
    for point, sentence, similarity in feedback.covered:
        out.print(f"  [green]✓[/green] {escape(point)}")
        out.print(f"      [dim]you said: “{escape(sentence)}” (similarity {similarity:.2f})[/dim]")
    for point in feedback.missed:
        out.print(f"  [red]✗[/red] {escape(point)}")
    out.print()
    if feedback.job_terms:
        out.print(f"Terms from the job posting you used: {escape(', '.join(feedback.job_terms))}")
    if feedback.top_words:
        out.print("Words you used most: " + escape(", ".join(f"{w} ({c})" for w, c in feedback.top_words)))
    out.print(f"Word count: {feedback.word_count}")
    for note in feedback.notes:
        out.print(f"[yellow]Note:[/yellow] {escape(note)}")
