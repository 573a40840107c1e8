"""/posting add end to end (this module's bot has an index of its own, since it ingests)."""

from __future__ import annotations

import pytest

from bot.core.scopes import Scope, Viewer
from tests.discord.harness import NO_MENTIONS, is_ephemeral

pytestmark = pytest.mark.asyncio(loop_scope="module")
OWN_INDEX = True

ACME_BASE = "acme-robotics-ml-engineer-search-ranking-new-grad"
POSTING = """# Machine Learning Engineer, Search Ranking (New Grad) | Acme Robotics

Acme Robotics builds search for warehouse robots. This is a full-time role in Berlin, Germany.

## The TL;DR
- Role: Full-time
- Location: Hybrid, Berlin, Germany
- Pay: $150,000 - $180,000 per year
- Team: Search Ranking
- Tech Stack: Python, PyTorch, Elasticsearch

## What You'll Do
- Build learning-to-rank models for product search.
- Run online A/B experiments on ranking changes.

## Must-Haves
- BS or MS in computer science.
- Experience with Python and PyTorch.
"""


def acme(h) -> str:
    """The Acme role's id in the test guild's scope."""
    return Scope.server(h.guild.id).role_id(ACME_BASE)


FORM_POSTING = """Applied Scientist, Forecasting | Lumenfield Energy

Lumenfield Energy forecasts solar output for grid operators. Full-time, remote in Canada.

Pay: CA$140,000 - CA$160,000 per year

What you'll do
- Build probabilistic forecasting models for solar generation.
- Work with weather data at scale.

What we look for
- MS or PhD in statistics, machine learning or a related field.
"""
FLAT_POSTING = """Robotics Software Engineer | Tessellate Motion
Tessellate Motion builds delivery robots. This is a full-time role in Austin, Texas.
Pay: $45 per hour
Responsibilities:
- Write motion planning code in C++ for sidewalk robots.
- Test navigation in simulation before field trials.
Requirements:
- BS in computer science or robotics.
- Experience with ROS and C++.
"""
PASTED = """Research Engineer, Speech (PhD) | Globex
@everyone look at this role!
Globex builds speech recognition. This is a full-time role in Toronto, Canada.
Pay: $70 hourly
Tech Stack: Python, JAX
What You'll Do
- Train speech recognition models on large datasets.
- Publish research at top conferences.
Must-Haves
- PhD in machine learning or a related field.
"""


async def test_posting_add_needs_manage_server(h):
    """Without Manage Server the command is refused privately and nothing is indexed."""
    before = len(h.bot.services.index.roles())
    interaction = await h.command("posting add", {"file": ("acme.md", POSTING.encode())}, user=h.user())
    refusal = await h.reply(interaction)
    assert is_ephemeral(refusal) and "Manage Server" in refusal["content"]
    assert len(h.bot.services.index.roles()) == before


async def test_posting_add_without_file_or_text_opens_the_paste_form(h):
    """With neither an attachment nor text the admin gets a form with a paragraph field (newlines kept,
    up to 4,000 characters); what they paste there is added, even flattened into one line."""
    opened = await h.command("posting add", {}, user=h.admin)
    assert opened.response.type == 9
    field = opened.response.data["components"][0]["component"]
    assert field["style"] == 2 and field["max_length"] == 4000
    outcome = await h.reply(await h.fake.send_modal_submit(opened, {"text": FORM_POSTING, "name": "lumen.md"}))
    assert is_ephemeral(outcome) and outcome["content"].startswith("✅ Added **Applied Scientist, Forecasting")
    assert "Only this server sees it" in outcome["content"]


async def test_a_posting_flattened_into_one_line_is_still_read(h):
    """A paste that lost its newlines (the string option on desktop clients) is still a posting."""
    flat = " ".join(FLAT_POSTING.split())  # what a desktop client's string option would deliver
    opened = await h.command("posting add", {}, user=h.admin)
    outcome = await h.reply(await h.fake.send_modal_submit(opened, {"text": flat}))
    assert outcome["content"].startswith("✅ Added **Robotics Software Engineer"), outcome["content"]
    role = next(p for p in h.bot.services.index.scope_roles(Scope.server(h.guild.id))
                if p.title.startswith("Robotics Software Engineer"))
    assert role.pay is not None and role.pay.minimum == 45


async def test_posting_add_from_an_attachment(h):
    """An .md attachment is ingested (deferred, privately) and its role can be asked about at once."""
    interaction = await h.command("posting add", {"file": ("acme-search.md", POSTING.encode())}, user=h.admin)
    assert interaction.response.type == 5
    outcome = await h.reply(interaction)
    assert is_ephemeral(outcome)
    first = outcome["content"].splitlines()[0]
    assert first.startswith("✅ Added **Machine Learning Engineer, Search Ranking (New Grad)")
    assert first.endswith("** from acme-search.md.") and acme(h) not in outcome["content"]  # no internal id shown
    assert h.bot.services.index.view(Viewer(h.admin.id, h.guild.id)).role(acme(h)) is not None
    assert h.bot.services.index.role(acme(h)) is None  # a server posting, not the shared library
    answer = await h.reply(await h.command("ask", {"question": "what does the Acme search ranking role pay?"},
                                           user=h.user()))
    assert "$150,000" in answer["embeds"][0]["description"]
    assert answer["embeds"][0]["fields"][0]["value"].endswith("acme-search.md, line 8")


async def test_posting_add_the_same_text_again_changes_nothing(h):
    """Adding the same posting again reports that it is already indexed."""
    interaction = await h.command("posting add", {"text": POSTING, "name": "acme-again.md"}, user=h.admin)
    outcome = await h.reply(interaction)
    # The same text under another name is one role with a second source, not a second role.
    assert "acme-again.md duplicates" in outcome["content"] and "merged as another source" in outcome["content"]
    assert len([p for p in h.bot.services.index.scope_roles(Scope.server(h.guild.id))
                if p.role_id == acme(h)]) == 1


async def test_posting_add_pasted_text_with_everyone_pings_nobody(h):
    """Pasted text is ingested as a .txt posting; @everyone in it is never a ping."""
    interaction = await h.command("posting add", {"text": PASTED}, user=h.admin)
    outcome = await h.reply(interaction)
    assert outcome["content"].startswith("✅ Added **Research Engineer, Speech")
    shown = await h.reply(await h.command("role show", {"role": "globex speech"}, user=h.user()))
    assert shown["embeds"][0]["title"].startswith("Research Engineer, Speech")
    for request in h.fake.requests_matching("POST", r"/webhooks/\d+/.+"):
        assert request.json["allowed_mentions"] == NO_MENTIONS


async def test_posting_add_refuses_other_file_types(h):
    """A .zip is refused before anything is read, naming the supported types."""
    refusal = await h.reply(await h.command("posting add", {"file": ("role.zip", b"PK")}, user=h.admin))
    assert is_ephemeral(refusal) and "not a posting file I can read" in refusal["content"]
