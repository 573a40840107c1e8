"""Slash commands end to end: the real PrepBot against the fake Discord (one bot for the module)."""

from __future__ import annotations

import asyncio
import traceback
from datetime import UTC, datetime, timedelta

import pytest

from bot.discord_app.bot import intents
from bot.discord_app.errors import UNEXPECTED
from bot.discord_app.sync import HASH_FILE
from tests.discord.harness import APP_ID, NO_MENTIONS, is_ephemeral
from tests.fakediscord import ALL_PERMISSIONS

pytestmark = pytest.mark.asyncio(loop_scope="module")

COMMANDS = {"ask", "roles", "role", "quiz", "mock", "review", "progress", "leaderboard", "studygroup", "posting",
            "help", "fit", "plan", "forget"}
PHD_PAY = "what does the PhD role pay?"
ECOM = "tiktok-ml-scientist-intern-global-e-commerce-content-recommendation-phd"


def options_of(command: dict) -> list[dict]:
    """Every leaf option of a registered command (through subcommands)."""
    found = []
    for option in command.get("options", []):
        if option["type"] in (1, 2):
            found += options_of(option)
        else:
            found.append(option)
    return found


def button_labels(message: dict) -> list[str]:
    return [c.get("label") or c.get("emoji", {}).get("name") for row in message["components"]
            for c in row["components"]]


async def test_start_up_uses_the_intents_and_syncs_the_commands_once(h):
    """IDENTIFY asks for guilds, guild messages, DMs and message content; the tree is synced once,
    globally, and its hash is kept in the data dir; no mentions are allowed by default."""
    identify = await h.fake.wait_until_identified()
    assert identify["intents"] == intents().value
    assert intents().message_content and intents().dm_messages and not intents().members
    syncs = h.fake.requests_matching("PUT", rf"/applications/{APP_ID}/commands")
    assert len(syncs) == 1
    registered = {c["name"]: c for c in h.fake.registered_commands()}
    assert set(registered) == COMMANDS
    for command in registered.values():
        for option in options_of(command):
            assert option["description"] and option["description"] != "…", (command["name"], option["name"])
    assert (h.bot.settings.data_dir / HASH_FILE).exists()
    assert not h.bot.command_sync.needs_sync()
    assert h.bot.allowed_mentions.to_dict() == NO_MENTIONS
    manage = registered["studygroup"]["default_member_permissions"]
    assert int(manage) == 1 << 5  # Manage Server


async def test_help_lists_the_commands(h):
    """/help answers privately with an embed naming every command group."""
    interaction = await h.command("help", user=h.user())
    message = await h.reply(interaction)
    assert is_ephemeral(message)
    text = str(message["embeds"][0])
    for name in ("/ask", "/quiz", "/mock start", "/studygroup setup", "/posting add", "/leaderboard show", "/fit",
                 "/plan", "/forget"):
        assert name in text


async def test_roles_lists_every_indexed_role(h):
    """/roles lists each indexed role by its title and company, never by its internal id."""
    interaction = await h.command("roles", user=h.user())
    message = await h.reply(interaction)
    description = message["embeds"][0]["description"]
    for posting in h.bot.services.index.roles():
        assert f"**{posting.display_name}** — {posting.company}" in description
        assert posting.role_id not in description


async def test_role_show_and_set_make_a_target_role_the_default(h):
    """/role show gives a role's details; /role set makes it the default for /ask."""
    user = h.user()
    shown = await h.reply(await h.command("role show", {"role": ECOM}, user=user))
    embed = shown["embeds"][0]
    assert "E-Commerce" in embed["title"]
    assert {f["name"] for f in embed["fields"]} >= {"Pay", "Location"}
    confirmation = await h.reply(await h.command("role set", {"role": "e-commerce"}, user=user))
    assert is_ephemeral(confirmation) and ECOM in confirmation["content"]
    assert h.bot.state.get_target_role(user.id) == ECOM
    answer = await h.reply(await h.command("ask", {"question": "where is it?"}, user=user))
    assert "E-Commerce" in answer["embeds"][0]["description"]


async def test_ask_answers_in_an_embed_with_sources_and_votes(h):
    """/ask answers publicly with cited posting lines as fields and 👍/👎 buttons that are stored."""
    user = h.user()
    interaction = await h.command("ask", {"question": PHD_PAY}, user=user)
    assert interaction.response.type == 5  # deferred first: the answer is computed off the event loop
    message = await h.reply(interaction)
    assert not is_ephemeral(message)
    embed = message["embeds"][0]
    assert embed["title"] == PHD_PAY
    assert "$57" in embed["description"] and "[1]" in embed["description"]
    assert embed["fields"][0]["name"].startswith("[1] ") and embed["fields"][0]["value"].startswith("> ")
    assert button_labels(message) == ["👍", "👎"]
    click = await h.click(message, custom_id="pb:vote:up", user=user)
    thanks = await h.reply(click)
    assert is_ephemeral(thanks) and "👍 1" in thanks["content"]
    other = h.user()
    await h.reply(await h.click(message, custom_id="pb:vote:down", user=other))
    totals = h.bot.state.feedback_totals(f"answer:{message['id']}")
    assert (totals.up, totals.down) == (1, 1)


async def test_ask_private_is_ephemeral(h):
    """private:true makes the answer visible only to the asker."""
    interaction = await h.command("ask", {"question": PHD_PAY, "private": True}, user=h.user())
    message = await h.reply(interaction)
    assert is_ephemeral(message) and message["embeds"]


async def test_ask_with_a_role_option(h):
    """The role option (an autocomplete id or words) scopes the answer to that role."""
    interaction = await h.command("ask", {"question": "what does it pay?", "role": "research scientist"},
                                  user=h.user())
    embed = (await h.reply(interaction))["embeds"][0]
    assert "$60" in embed["description"] and "$57" not in embed["description"]


async def test_unknown_role_is_a_private_error_message(h):
    """A PrepbotError (no such role) becomes its message, ephemerally, before anything is deferred."""
    interaction = await h.command("ask", {"question": "what does it pay?", "role": "zz underwater basket"},
                                  user=h.user())
    assert interaction.response.type == 4
    message = await h.reply(interaction)
    assert is_ephemeral(message)
    assert message["content"].startswith("No indexed role matches 'zz underwater basket'")


async def test_a_question_with_everyone_pings_nobody(h):
    """@everyone in a question is echoed in the embed but every request says allowed_mentions none."""
    since = asyncio.get_running_loop().time()
    interaction = await h.command("ask", {"question": "@everyone what does the PhD role pay?"}, user=h.user())
    message = await h.reply(interaction)
    assert "@everyone" in message["embeds"][0]["title"]
    assert not message["mention_everyone"] and message["mentions"] == []
    sent = [r for r in h.fake.requests_matching("POST", r"/webhooks/\d+/.+") if r.time >= since]
    assert sent and all(r.json["allowed_mentions"] == NO_MENTIONS for r in sent)


async def test_autocomplete_returns_at_most_25_filtered_choices(h):
    """Role, topic and timezone autocomplete answer with ≤ 25 choices matching what was typed."""
    user = h.user()
    cases = [("ask", {"question": "pay?", "role": "phd"}, "role", None),
             ("quiz", {"topic": "ml"}, "topic", None),
             ("studygroup setup", {"timezone": "america"}, "timezone", None)]
    for name, options, focused, _ in cases:
        interaction = await h.fake.send_autocomplete(name, options, focused, user=user, channel=h.channel)
        callback = await h.until(h.fake.wait_for_interaction_response(interaction, timeout=3))
        assert callback.type == 8 and callback.latency < 3
        choices = callback.choices
        assert 0 < len(choices) <= 25, (name, choices)
        typed = options[focused].lower()
        assert all(typed in (c["name"] + c["value"]).lower() for c in choices), choices
    interaction = await h.fake.send_autocomplete("studygroup setup", {"timezone": ""}, "timezone", user=user,
                                                 channel=h.channel)
    assert len((await h.until(h.fake.wait_for_interaction_response(interaction, timeout=3))).choices) == 25


async def test_quiz_answer_form_feedback_and_rating(h):
    """/quiz posts questions with Answer buttons; the form grades the answer privately with
    Again/Hard/Good/Easy; a rating schedules the card and disables the rating buttons."""
    user = h.user()
    interaction = await h.command("quiz", {"topic": "recsys", "difficulty": "easy", "count": 2}, user=user)
    quiz = await h.reply(interaction)
    embed = quiz["embeds"][0]
    assert len(embed["fields"]) == 2 and all("recsys · easy" in f["name"] for f in embed["fields"])
    assert button_labels(quiz) == ["Answer 1", "Answer 2"]
    opened = await h.click(quiz, label="Answer 1", user=user)
    assert opened.response.type == 9  # the answer form, opened without waiting for anything slow
    label = opened.response.data["components"][0]
    assert label["label"] == "Your answer" and embed["fields"][0]["value"].startswith(label["description"][:90])
    question_id = h.fake.find_component(quiz, label="Answer 1")["custom_id"].split(":")[-1]
    submitted = await h.fake.send_modal_submit(opened, {"answer": "Scoring every item with the heavy ranking model "
                                                        "is too expensive for the latency budget, so retrieval "
                                                        "narrows candidates with high recall first."})
    feedback = await h.reply(submitted)
    assert is_ephemeral(feedback)
    assert feedback["embeds"][0]["title"].startswith("Feedback — ")
    assert button_labels(feedback) == ["Again", "Hard", "Good", "Easy"]
    rate = await h.click(feedback, label="Good", user=user)
    assert rate.response.type == 6  # acknowledged at once; the message is then edited
    confirmation = await h.followup(rate)
    assert "Rated **good**" in confirmation["content"] and "Next review in" in confirmation["content"]
    updated = h.fake.message(feedback["id"])
    assert all(c["disabled"] for row in updated["components"] for c in row["components"])
    assert [c["style"] for c in updated["components"][0]["components"]] == [2, 2, 3, 2]  # the choice is green
    card = h.bot.state.get_card(user.id, question_id)
    assert card is not None and card.last_rating == "good"
    assert h.bot.state.recent_answers(user.id)[0].question_id == question_id


async def test_quiz_for_a_role_has_posting_questions_whose_buttons_work(h):
    """A role's quiz mixes in questions built from its posting (long ids travel as short tokens in
    the buttons); answering and rating one works like any other."""
    user = h.user()
    quiz = await h.reply(await h.command("quiz", {"role": ECOM, "count": 10}, user=user))
    assert "E-Commerce" in quiz["embeds"][0]["title"]
    tokens = [c["custom_id"] for row in quiz["components"] for c in row["components"]]
    assert all(len(t) <= 100 for t in tokens)
    posting = next(t for t in tokens if t.startswith("pb:answer:~"))
    opened = await h.click(quiz, custom_id=posting, user=user)
    feedback = await h.reply(await h.fake.send_modal_submit(opened, {"answer": "I would use PyTorch and measure"}))
    assert feedback["embeds"][0]["title"].startswith("Feedback — ")
    rate = await h.click(feedback, label="Good", user=user)
    assert "Rated **good**" in (await h.followup(rate))["content"]
    answered = h.bot.state.recent_answers(user.id)[0].question_id
    assert ECOM in answered and h.bot.state.get_card(user.id, answered)


async def test_rating_buttons_belong_to_the_user_who_answered(h):
    """Someone else clicking a rating button is told so, and no card is made for them."""
    owner, other = h.user(), h.user()
    quiz = await h.reply(await h.command("quiz", {"topic": "pytorch", "count": 1}, user=owner))
    opened = await h.click(quiz, label="Answer", user=owner)
    feedback = await h.reply(await h.fake.send_modal_submit(opened, {"answer": "autograd records operations"}))
    click = await h.click(feedback, label="Easy", user=other)
    assert "person who gave it" in (await h.reply(click))["content"]
    assert h.bot.state.due_cards(other.id, datetime.now(UTC) + timedelta(days=999)) == []


async def test_review_serves_due_questions(h):
    """/review lists practised questions once they are due (clock moved forward), with Answer buttons."""
    user = h.user()
    empty = await h.reply(await h.command("review", user=user))
    assert "Nothing is due" in empty["content"]
    quiz = await h.reply(await h.command("quiz", {"topic": "llm", "count": 1}, user=user))
    opened = await h.click(quiz, label="Answer", user=user)
    feedback = await h.reply(await h.fake.send_modal_submit(opened, {"answer": "I don't know"}))
    await h.followup(await h.click(feedback, label="Again", user=user))
    h.clock.now = datetime.now(UTC) + timedelta(days=2)
    try:
        review = await h.reply(await h.command("review", user=user))
    finally:
        h.clock.now = None
    assert is_ephemeral(review)
    assert review["embeds"][0]["title"].startswith("Due for review")
    assert button_labels(review) == ["Answer"]


async def test_progress_counts_answers(h):
    """/progress shows the user's answers, cards and target role, privately."""
    user = h.user()
    quiz = await h.reply(await h.command("quiz", {"topic": "cpp", "count": 1}, user=user))
    opened = await h.click(quiz, label="Answer", user=user)
    await h.reply(await h.fake.send_modal_submit(opened, {"answer": "RAII ties resource lifetime to scope"}))
    progress = await h.reply(await h.command("progress", user=user))
    assert is_ephemeral(progress)
    fields = {f["name"]: f["value"] for f in progress["embeds"][0]["fields"]}
    assert fields["Answers"].startswith("1 ") and "cpp" in fields["By topic"]


async def test_mock_start_sends_the_first_question_by_dm_and_stop_summarises(h):
    """/mock start answers privately and DMs the first question; /mock stop replies with a summary."""
    user = h.user()
    started = await h.reply(await h.command("mock start", {"role": "research scientist"}, user=user))
    assert is_ephemeral(started) and "DMs" in started["content"]
    dm = await h.bot_message(h.fake.dm_channel_for(user))
    assert "Mock interview" in dm["content"] and "Question 1 of" in dm["content"]
    assert h.fake.requests_matching("POST", "/users/@me/channels")
    stopped = await h.reply(await h.command("mock stop", user=user))
    assert is_ephemeral(stopped) and "Mock interview" in stopped["content"]


async def test_mock_start_with_dms_closed_says_so(h):
    """A member who does not accept DMs is told how to fix it instead of getting an error."""
    user = h.user()
    user.accepts_dms = False
    h.allowed_rest_errors.append(r"/channels/\d+/messages")  # Discord answers 403 (50007)
    message = await h.reply(await h.command("mock start", user=user))
    assert is_ephemeral(message)
    assert message["content"] == "I can't send you direct messages. Allow DMs from server members and try again."


async def test_studygroup_setup_checks_the_bots_own_permissions(h):
    """Setting up a channel the bot cannot post in is refused with the permissions it lacks."""
    view_only = 1 << 10
    locked = h.fake.add_guild("Locked Guild", bot_permissions=view_only, everyone_permissions=view_only)
    channel = h.fake.add_text_channel(locked, "study")
    h.fake.add_member(locked, h.admin, permissions=ALL_PERMISSIONS)
    await h.fake.announce_guild(locked)
    await h.eventually(lambda: h.bot.get_guild(locked.id))
    message = await h.reply(await h.command("studygroup setup", {"channel": channel, "time": "09:00",
                                                                 "timezone": "UTC"}, user=h.admin, channel=channel))
    assert is_ephemeral(message)
    assert message["content"] == ("I'm missing permissions for that: Send Messages, Embed Links, "
                                  "Create Public Threads, Send Messages In Threads.")
    assert h.bot.state.get_studygroup(locked.id) is None


async def test_guild_only_commands_refuse_dms(h):
    """/leaderboard in a DM is refused with a short ephemeral sentence."""
    interaction = await h.command("leaderboard show", user=h.user(), dm=True)
    message = await h.reply(interaction)
    assert is_ephemeral(message) and message["content"] == "This command only works in a server."


async def test_rate_limit_refuses_privately_and_says_when_to_retry(h, monkeypatch):
    """Past rate_limit_per_minute commands, the next is refused ephemerally with a retry time."""
    monkeypatch.setattr(h.bot.limiter, "clock", lambda: 1000.0)  # no refill while the test runs
    user = h.user()
    allowed = h.bot.settings.rate_limit_per_minute
    for _ in range(allowed):
        message = await h.reply(await h.command("help", user=user))
        assert message["embeds"]
    refused = await h.reply(await h.command("help", user=user))
    assert is_ephemeral(refused)
    assert refused["content"] == "You're going a little fast. Try again in 8 seconds."  # 60 s / 8 per minute
    assert (await h.reply(await h.command("help", user=h.user())))["embeds"]  # others are unaffected


async def test_unexpected_errors_are_generic_and_reported(h, monkeypatch, caplog):
    """A bug inside a command shows only the generic sorry, logs the traceback and reaches the
    error listeners (which is how every other test fails fast)."""
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(h.bot.services.answers, "answer", broken)
    interaction = await h.fake.send_slash_command("ask", {"question": PHD_PAY}, user=h.user(), channel=h.channel)
    message = await h.fake.wait_for_response_message(interaction)
    assert message["content"] == UNEXPECTED
    assert [str(e.original) if hasattr(e, "original") else str(e) for e in h.errors] == ["boom"]
    logged = ["".join(traceback.format_exception(*r.exc_info)) for r in caplog.records if r.exc_info]
    assert any("RuntimeError: boom" in text for text in logged), logged  # the traceback of *this* error
    h.errors.clear()
    caplog.clear()
