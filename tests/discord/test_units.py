"""Pure parts of the Discord layer: embed limits, the rate limiter, autocomplete, custom ids."""

from __future__ import annotations

from types import SimpleNamespace

import discord
import pytest

from bot.core.answers import Answer
from bot.core.citations import Citation
from bot.core.errors import UnknownQuestion
from bot.discord_app import render
from bot.discord_app.autocomplete import MAX_CHOICES, role_choices, word_choices
from bot.discord_app.components import CUSTOM_ID_LIMIT, RateButton, practice_view, rating_buttons
from bot.discord_app.question_ids import decode, encode
from bot.discord_app.ratelimit import RateLimiter, retry_phrase


def embed_ok(embed: discord.Embed) -> bool:
    data = embed.to_dict()
    fields = data.get("fields", [])
    return (len(data.get("title", "")) <= 256 and len(data.get("description", "")) <= 4096
            and len(fields) <= 25 and all(len(f["name"]) <= 256 and len(f["value"]) <= 1024 for f in fields)
            and len(embed) <= 6000)


def test_fit_enforces_every_embed_limit():
    """An embed over every limit is cut to fit: title, description, fields, field values, total."""
    embed = discord.Embed(title="t" * 500, description="d" * 9000)
    for _ in range(40):
        embed.add_field(name="n" * 300, value="v" * 2000)
    embed.set_footer(text="f" * 3000)
    render.fit(embed)
    assert embed_ok(embed)
    assert embed.title.endswith(render.ELLIPSIS) and len(embed.title) == 256


def test_answer_embed_with_many_long_citations_fits():
    """An answer citing 40 long posting lines still makes a valid embed (fields dropped last)."""
    citations = [Citation("r", "Role " * 60, "Co", "logistics", "quote " * 400, "/x/posting.txt", n)
                 for n in range(40)]
    answer = Answer("q", "answer " * 1000, "r", citations)
    embed = render.answer_embed("why? " * 100, answer)
    assert embed_ok(embed)
    assert embed.fields and embed.fields[0].value.startswith("> quote")
    assert "posting.txt, line 0" in embed.fields[0].value


def test_leaderboard_and_roles_listings_are_bounded():
    """Thousands of roles or rows become a listing that ends with '…and N more'."""
    roles = [SimpleNamespace(display_name=f"Role {i} " + "x" * 40, company="Co", role_id=f"role-{i}",
                             location="Remote")
             for i in range(3000)]
    embed = render.roles_embed(roles)
    assert embed_ok(embed) and "more" in embed.description
    rows = [SimpleNamespace(user_id=str(10**17 + i), answers=100 - i % 50, streak=i % 7, quality=(i % 10) / 10)
            for i in range(500)]
    assert embed_ok(render.leaderboard_embed(rows, "week", "Guild"))


def test_key_points_are_spoilered():
    """Every key point is wrapped in ||spoilers|| (and cannot close the spoiler early)."""
    question = SimpleNamespace(question="Why?", key_points=["first point", "a || b"])
    text = render.key_points_text(question)
    assert "||first point||" in text and "||a | | b||" in text


def test_rate_limiter_allows_a_burst_then_refills():
    """N requests per minute pass at once; the next waits 60/N seconds, then one more passes."""
    now = [0.0]
    limiter = RateLimiter(6, clock=lambda: now[0])
    assert [limiter.hit(1) for _ in range(6)] == [0.0] * 6
    wait = limiter.hit(1)
    assert 9.9 < wait <= 10.0
    assert limiter.hit(2) == 0.0  # other users are unaffected
    now[0] = 10.0
    assert limiter.hit(1) == 0.0
    assert limiter.hit(1) > 0


def test_retry_phrase_rounds_up():
    """The refusal never tells a user to retry too early."""
    assert retry_phrase(0.2) == "in 1 second"
    assert retry_phrase(7.01) == "in 8 seconds"


def test_role_autocomplete_is_filtered_and_capped():
    """At most 25 choices; every typed word must match; names and values within 100 characters."""
    roles = [SimpleNamespace(role_id=f"company-ml-engineer-{i}", title=f"ML Engineer {i} " + "z" * 120, level=None,
                             display_name=f"ML Engineer {i} " + "z" * 120, company="Company", location="Paris")
             for i in range(300)]
    choices = role_choices(roles, "")
    assert len(choices) == MAX_CHOICES
    assert all(len(c.name) <= 100 and len(c.value) <= 100 for c in choices)
    found = [c.value for c in role_choices(roles, "Engineer 17")]
    assert "company-ml-engineer-17" in found and all("17" in v for v in found) and len(found) == 13
    assert role_choices(roles, "nothing matches this") == []


def test_word_autocomplete_prefers_prefix_matches():
    """Topics (or timezones) that start with what was typed come first."""
    assert [c.value for c in word_choices(["ml-systems", "llm", "ml-fundamentals"], "ml")][:2] == [
        "ml-fundamentals", "ml-systems"]


def test_custom_ids_stay_within_100_characters():
    """Rating buttons for the longest question ids fit; an id that would not fit gets no buttons."""
    user = 2**63 - 1
    buttons = rating_buttons(user, "q" * 60)
    assert len(buttons) == 4 and all(len(b.custom_id) <= CUSTOM_ID_LIMIT for b in buttons)
    assert rating_buttons(user, "q" * 90) == []  # neither short nor a posting question id
    parsed = RateButton.parse(buttons[2].custom_id)
    assert (parsed.user_id, parsed.rating, parsed.token) == (user, "good", "q" * 60)
    view = practice_view(user, rate_question_id="q" * 60, votes=True, answer_ids=["a", "b"], key_points_id="a")
    assert len(view.children) == 9


def test_long_posting_question_ids_travel_as_short_tokens():
    """A question built from a posting with a long role id gets a short token that expands back."""
    role_id = "tiktok-ml-scientist-intern-global-e-commerce-content-recommendation-phd"
    question_id = f"posting-{role_id}-12-3"
    token = encode(question_id)
    assert token is not None and len(token) <= 60 and token.startswith("~")
    roles = [SimpleNamespace(role_id="other-role"), SimpleNamespace(role_id=role_id)]
    assert decode(token, roles) == question_id
    assert decode("recsys-item-cf", roles) == "recsys-item-cf"
    llm_id = f"llm-{role_id}-0a1b2c3d"
    assert decode(encode(llm_id), roles) == llm_id
    with pytest.raises(UnknownQuestion):
        decode(token, roles[:1])
    buttons = rating_buttons(2**63 - 1, question_id)
    assert len(buttons) == 4 and all(len(b.custom_id) <= CUSTOM_ID_LIMIT for b in buttons)
