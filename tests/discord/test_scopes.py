"""Postings belong to someone, end to end through the fake Discord: a server's postings are seen in
that server only, a student's personal postings by that student only (in DMs and in any server,
privately), and removal and /forget leave no vectors in the store."""

from __future__ import annotations

import pytest

from bot.core.scopes import Scope
from tests.discord.harness import is_ephemeral
from tests.fakediscord import ALL_PERMISSIONS
from tests.scope_postings import ZEPH, stored_vectors

pytestmark = pytest.mark.asyncio(loop_scope="module")
OWN_INDEX = True
SETTINGS = {"PREPBOT_MAX_PERSONAL_POSTINGS": 2, "PREPBOT_RATE_LIMIT_PER_MINUTE": 60}

QUOKKA = """# Data Scientist, Pricing | Quokkaline Foods

Quokkaline Foods sells groceries online. This is a full-time role in Perth, Australia.

## Logistics
- Pay: $63 per hour

## Responsibilities
- Build demand forecasting models for fresh produce.
- Design pricing experiments with the merchandising team.

## Requirements
- MS in statistics or economics.
"""
MARLIN = """# Speech Scientist | Marlinweave Audio

Marlinweave Audio builds hearing aids. This is a full-time role in Lyon, France.

## Logistics
- Pay: $58 per hour

## What You'll Do
- Train on-device speech enhancement models.

## Requirements
- PhD in signal processing.
"""
ZEPH_ID = "zephyrine-robotics-perception-research-intern"
PAY_QUESTION = "what does the Zephyrine perception internship pay?"


async def second_guild(h, name: str = "Other Guild"):
    """Another server the bot is in, with a #general channel."""
    guild = h.fake.add_guild(name)
    channel = h.fake.add_text_channel(guild, name="general")
    await h.fake.announce_guild(guild)
    await h.eventually(lambda: h.bot.get_guild(guild.id))
    return guild, channel


def member(h, guild, permissions=None):
    user = h.user()
    h.fake.add_member(guild, user, permissions=permissions)
    return user


async def ask(h, user, question, *, channel=None, dm=False) -> dict:
    interaction = await h.command("ask", {"question": question}, user=user, channel=channel, dm=dm)
    return await h.reply(interaction, timeout=60)  # the first question of a process loads the intent examples


def text_of(message: dict) -> str:
    parts = [message.get("content") or ""]
    for embed in message.get("embeds") or []:
        parts += [embed.get("title") or "", embed.get("description") or ""]
        parts += [f"{f.get('name')} {f.get('value')}" for f in embed.get("fields") or []]
    return "\n".join(parts)


async def autocomplete(h, user, typed, *, channel=None, dm=False) -> list[dict]:
    interaction = await h.fake.send_autocomplete("ask", {"question": "pay?", "role": typed}, "role", user=user,
                                                 channel=None if dm else channel or h.channel, dm=dm)
    return (await h.until(h.fake.wait_for_interaction_response(interaction, timeout=3))).choices


def stored_chunks(h, owner: str) -> list[str]:
    return stored_vectors(h.bot.services.index, owner)


async def test_a_server_posting_is_found_in_its_server_and_nowhere_else(h):
    """Added in server A: answered in A; in server B and in a student's DMs it is never named, cited,
    listed, autocompleted, quizzed or shown, and the refusal does not hint that another server has it."""
    other, other_channel = await second_guild(h)
    added = await h.reply(await h.command("posting add", {"file": ("zeph.md", ZEPH.encode())}, user=h.admin))
    assert added["content"].startswith("✅ Added **Perception Research Intern")
    role_id = Scope.server(h.guild.id).role_id(ZEPH_ID)

    found = await ask(h, h.user(), PAY_QUESTION)
    assert "$51" in text_of(found)
    assert any(c["value"] == role_id for c in await autocomplete(h, h.user(), "zeph"))

    outsider = member(h, other)
    for where in ({"channel": other_channel}, {"dm": True}):
        answer = text_of(await ask(h, outsider, PAY_QUESTION, **where))
        assert "$51" not in answer and role_id not in answer and "Oslo" not in answer, answer
        listing = text_of(await h.reply(await h.command("roles", user=outsider, channel=where.get("channel"),
                                                        dm=where.get("dm", False))))
        assert "Perception Research Intern" not in listing and "Zephyrine" not in listing
        assert await autocomplete(h, outsider, "zeph", **where) == []
        shown = await h.reply(await h.command("role show", {"role": role_id}, user=outsider,
                                              channel=where.get("channel"), dm=where.get("dm", False)))
        assert role_id not in text_of(shown) and "Perception Research Intern" not in text_of(shown)
        quiz = await h.reply(await h.command("quiz", {"role": role_id}, user=outsider, channel=where.get("channel"),
                                             dm=where.get("dm", False)))
        assert "lidar" not in text_of(quiz) and "Perception Research" not in text_of(quiz)
    listing = await h.reply(await h.command("posting list", user=outsider, channel=other_channel))
    assert "none yet" in listing["content"]
    dm = await h.dm(outsider, "which roles mention lidar?")
    assert all("Perception Research Intern" not in text_of(m) and "$51" not in text_of(m) for m in dm)


async def test_a_personal_posting_follows_its_owner_and_no_one_else(h):
    """Added in DMs: the owner finds it in DMs and in any server (privately there); no one else does."""
    other, other_channel = await second_guild(h, "Third Guild")
    owner = member(h, other)
    added = await h.reply(await h.command("posting add", {"file": ("quokka.md", QUOKKA.encode())}, user=owner,
                                          dm=True))
    assert added["content"].startswith("✅ Added **Data Scientist, Pricing") and "yours alone" in added["content"]
    role_id = Scope.user(owner.id).role_id("quokkaline-foods-data-scientist-pricing")

    in_dm = await h.dm(owner, "what does the Quokkaline pricing role pay?")
    assert any("$63" in text_of(m) for m in in_dm)
    interaction = await h.command("ask", {"question": "what does the Quokkaline pricing role pay?"}, user=owner,
                                  channel=other_channel)
    note = await h.reply(interaction)
    assert "privately" in note["content"] and "$63" not in text_of(note) and not is_ephemeral(note)
    private = await h.followup(interaction, index=0)
    assert is_ephemeral(private) and "$63" in text_of(private)
    assert any(c["value"] == role_id for c in await autocomplete(h, owner, "quokka", channel=other_channel))

    stranger = h.user()
    for where in ({"dm": True}, {"channel": other_channel}, {"channel": h.channel}):
        answer = text_of(await ask(h, stranger, "what does the Quokkaline pricing role pay?", **where))
        assert "$63" not in answer and role_id not in answer
        assert await autocomplete(h, stranger, "quokka", **where) == []
    theirs = await h.reply(await h.command("posting list", user=owner, dm=True))
    assert "Data Scientist, Pricing" in theirs["content"]
    assert "none yet" in (await h.reply(await h.command("posting list", user=stranger, dm=True)))["content"]


async def test_a_dm_attachment_is_offered_as_a_personal_posting(h):
    """A posting sent as a DM attachment is not answered as a question: one button adds it."""
    student = h.user()
    channel = h.fake.dm_channel_for(student)
    sent = await h.fake.send_dm(student, "", attachments=[("marlin.md", MARLIN.encode())])
    offer = await h.bot_message(channel, lambda m: m.get("components"))
    assert "personal postings" in offer["content"]
    click = await h.click(offer, label="Add to my postings", user=student)
    outcome = await h.followup(click)
    assert is_ephemeral(outcome) and outcome["content"].startswith("✅ Added **Speech Scientist")
    assert [p.title for p in h.bot.services.index.scope_roles(Scope.user(student.id))] == ["Speech Scientist"]
    assert sent["id"] in h.fake.find_component(offer, label="Add to my postings")["custom_id"]


async def test_personal_cap_is_enforced_with_a_clear_message(h):
    student = h.user()
    for name, text in (("zeph.md", ZEPH), ("quokka.md", QUOKKA)):
        added = await h.reply(await h.command("posting add", {"file": (name, text.encode())}, user=student, dm=True))
        assert added["content"].startswith("✅ Added")
    refused = await h.reply(await h.command("posting add", {"file": ("marlin.md", MARLIN.encode())}, user=student,
                                            dm=True))
    assert is_ephemeral(refused)
    assert refused["content"] == ("You have 2 postings, the most allowed; remove one with `/posting remove` before "
                                  "adding another.")
    assert len(h.bot.services.index.scope_roles(Scope.user(student.id))) == 2


async def test_remove_and_forget_leave_no_vectors(h):
    """/posting remove: a member cannot remove the server's posting, a manager can; a student removes
    their own. /forget then deletes the rest of their personal postings and every vector."""
    guild, channel = await second_guild(h, "Removal Guild")
    manager = member(h, guild, permissions=ALL_PERMISSIONS)
    await h.reply(await h.command("posting add", {"file": ("marlin.md", MARLIN.encode())}, user=manager,
                                  channel=channel))
    role_id = Scope.server(guild.id).role_id("marlinweave-audio-speech-scientist")
    assert stored_chunks(h, Scope.server(guild.id).key)
    plain = member(h, guild)
    refused = await h.reply(await h.command("posting remove", {"role": role_id}, user=plain, channel=channel))
    assert is_ephemeral(refused) and refused["content"] == "There is no posting here that you can remove."
    assert stored_chunks(h, Scope.server(guild.id).key)
    removed = await h.reply(await h.command("posting remove", {"role": role_id}, user=manager, channel=channel))
    assert removed["content"].startswith("🗑️ Removed **Speech Scientist")
    assert stored_chunks(h, Scope.server(guild.id).key) == []

    student = h.user()
    for name, text in (("zeph.md", ZEPH), ("quokka.md", QUOKKA)):
        await h.reply(await h.command("posting add", {"file": (name, text.encode())}, user=student, dm=True))
    own = Scope.user(student.id)
    removed = await h.reply(await h.command("posting remove", {"role": "quokkaline"}, user=student, dm=True))
    assert removed["content"].startswith("🗑️ Removed **Data Scientist, Pricing")
    assert len(stored_chunks(h, own.key)) > 0
    asked = await h.reply(await h.command("forget", user=student, dm=True))
    done = await h.followup(await h.click(asked, label="Delete everything", user=student))
    assert "1 of your own postings" in done["content"]
    assert stored_chunks(h, own.key) == []
    assert h.bot.services.index.store.owned_role_ids(own.key) == []


async def test_add_this_posting_in_a_dm_is_offered_not_answered(h):
    """'add this posting:' followed by a pasted posting gets the one-button offer, not an answer."""
    student = h.user()
    replies = await h.dm(student, "add this posting:\n" + QUOKKA)
    assert len(replies) == 1 and "personal postings" in replies[0]["content"]
    click = await h.click(replies[0], label="Add to my postings", user=student)
    outcome = await h.followup(click)
    assert outcome["content"].startswith("✅ Added **Data Scientist, Pricing")
    assert [p.title for p in h.bot.services.index.scope_roles(Scope.user(student.id))] == [
        "Data Scientist, Pricing"]


async def test_a_posting_pasted_in_a_dm_in_other_words_is_offered(h):
    """No fixed wording: a posting pasted after any first line (or none) is offered, a question is answered."""
    student = h.user()
    for message in ("here's the JD for my onsite next week\n\n" + MARLIN, MARLIN):
        replies = await h.dm(student, message)
        assert len(replies) == 1 and "personal postings" in replies[0]["content"], replies
    answered = await h.dm(student, "which roles are remote?")
    assert answered and "personal postings" not in answered[0]["content"]
