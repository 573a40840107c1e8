"""/posting add url: through the fake Discord, against a loopback HTTP server (this module's bot
allows private addresses, as the tests must reach 127.0.0.1; one test turns that off)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.core.scopes import Scope
from tests.discord.harness import is_ephemeral
from tests.webserver import LoopbackServer, running_server

pytestmark = pytest.mark.asyncio(loop_scope="module")
OWN_INDEX = True
SETTINGS = {"PREPBOT_FETCH_ALLOW_PRIVATE": True, "PREPBOT_RATE_LIMIT_PER_MINUTE": 100}


@pytest.fixture(scope="module")
def web() -> Iterator[LoopbackServer]:
    with running_server() as server:
        yield server


def _server_roles(h) -> list[tuple[str, str]]:
    return sorted((p.role_id, p.source) for p in h.bot.services.index.scope_roles(Scope.server(h.guild.id)))


async def test_posting_add_by_link_cites_the_page(h, web: LoopbackServer):
    """A link is fetched and indexed for the server; answers cite it as a link to the page."""
    url = web.url("/posting.html")
    interaction = await h.command("posting add", {"url": url}, user=h.admin)
    assert interaction.response.type == 5  # deferred: the fetch happens after the acknowledgement
    outcome = await h.reply(interaction)
    assert is_ephemeral(outcome)
    assert outcome["content"].startswith("✅ Added **Machine Learning Intern, Forecasting"), outcome["content"]
    assert f"from {url}." in outcome["content"]
    asked = await h.command("ask", {"question": "what does the Lindenbrook forecasting intern pay?"}, user=h.user())
    answer = await h.reply(asked, timeout=60)  # the first answer loads the question-understanding examples
    embed = answer["embeds"][0]
    assert "$44" in embed["description"]
    assert embed["fields"][0]["value"].endswith(f"[Machine Learning Intern, Forecasting — Lindenbrook Energy]({url})")


async def test_posting_add_pdf_by_link(h, web: LoopbackServer):
    """A PDF link is read through its text layer and indexed."""
    outcome = await h.reply(await h.command("posting add", {"url": web.url("/posting.pdf")}, user=h.admin))
    assert outcome["content"].startswith("✅ Added **Data Science Intern, Grid Analytics"), outcome["content"]
    assert any(source == web.url("/posting.pdf") for _, source in _server_roles(h))


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/missing", "the page answered HTTP 404 (Not Found)"),
        ("/huge", "the page is larger than the 5 MB limit (stopped reading at 5 MB)"),
        ("/binary", "the link is not an HTML page or a PDF (it is application/octet-stream)"),
        ("/loop-a", "the link redirects in a loop"),
        ("/scan.pdf", "the PDF has no text layer (a scanned image?)"),
    ],
)
async def test_bad_links_get_one_line_and_change_nothing(h, web: LoopbackServer, path: str, reason: str):
    """Each bad link is one private line with its reason; the server's postings are unchanged."""
    before = _server_roles(h)
    outcome = await h.reply(await h.command("posting add", {"url": web.url(path)}, user=h.admin), timeout=30)
    assert is_ephemeral(outcome)
    assert outcome["content"].startswith(f"❌ {web.url(path)} was not added: {reason}"), outcome["content"]
    assert "\n" not in outcome["content"]
    assert _server_roles(h) == before


async def test_private_addresses_refused_before_any_request(h, web: LoopbackServer):
    """With the allow setting off, 10.0.0.1 and the loopback server are refused; the server sees nothing."""
    settings = h.bot.services.settings
    before, seen = _server_roles(h), list(web.requests)
    settings.fetch_allow_private = False
    try:
        private = await h.reply(await h.command("posting add", {"url": "http://10.0.0.1/jobs/7"}, user=h.admin))
        loopback = await h.reply(await h.command("posting add", {"url": web.url("/posting.html?again")},
                                                 user=h.admin))
    finally:
        settings.fetch_allow_private = True
    assert private["content"] == ("❌ http://10.0.0.1/jobs/7 was not added: refusing to fetch from 10.0.0.1: "
                                  "it is a private address")
    assert loopback["content"].endswith("refusing to fetch from 127.0.0.1: it is a loopback address")
    assert web.requests == seen and _server_roles(h) == before


async def test_link_and_file_together_refused(h, web: LoopbackServer):
    """One posting at a time: a link with pasted text is refused without fetching anything."""
    seen = list(web.requests)
    refusal = await h.reply(await h.command("posting add", {"url": web.url("/posting.html"), "text": "hello"},
                                            user=h.admin))
    assert is_ephemeral(refusal) and "one posting at a time" in refusal["content"].lower()
    assert web.requests == seen


async def test_a_link_sent_in_a_dm_with_a_request_is_offered_and_fetched(h, web: LoopbackServer):
    """"save this job for me <link>" in a DM: the offer, then the page is fetched as a personal posting."""
    student = h.user()
    url = web.url("/posting.html")
    replies = await h.dm(student, f"can you save this job for me {url}")
    assert len(replies) == 1 and "personal postings" in replies[0]["content"]
    outcome = await h.followup(await h.click(replies[0], label="Add to my postings", user=student))
    assert outcome["content"].startswith("✅ Added **Machine Learning Intern, Forecasting"), outcome["content"]
    assert [p.source for p in h.bot.services.index.scope_roles(Scope.user(student.id))] == [url]
