"""A message that names another role and asks nothing else ("what about X?") asks the last question
again about that role, even when its few words look a little like a control word ("skip")."""

from __future__ import annotations

import pytest

from tests.core.test_conversation import Chat


@pytest.mark.parametrize("follow_up", ["what about multimodal", "what about the multimodal one",
                                       "and the multimodal one?", "how about the multimodal internship"])
def test_what_about_another_role_repeats_the_question(engine, follow_up: str) -> None:
    chat = Chat(engine)
    first = chat.say("what does the e-commerce PhD role pay?")
    assert "$" in first.text, first.text
    reply = chat.say(follow_up)
    assert "Multimodal" in reply.text and "pay" in reply.text.lower(), reply.text  # its pay (stated or not)
    assert "Key requirements" not in reply.text  # the question again, not the role's overview
