"""The DM router's first question: does a message bring a posting to add (bot/core/understanding/
posting_request.py)? By meaning for the request line, by reading for the posting itself."""

from __future__ import annotations

import pytest

from bot.core.understanding.posting_request import PostingInMessage, PostingRequests, split_lead
from tests.scope_postings import ZEPH

# Fresh phrasings, written after the examples in knowledge/dm/posting_requests.yaml and never added to
# them. Measured when the threshold was set: 20 of 24 right; the request lines it misses are still
# offered when a readable posting follows them (test below).
REQUESTS = ["plz add this", "Here's the posting for the role I'm interviewing for", "save this JD for me", "add job",
            "can you keep this posting", "this is the job description", "got this posting from linkedin, add it",
            "add this internship", "the job I want:", "posting for my onsite next week", "please store this posting",
            "found this job, can you add it"]
NOT_REQUESTS = ["what are the requirements", "why did you add that posting", "remove the last posting",
                "what's in my list", "is it hybrid", "can I paste a posting here?", "show my postings", "start a quiz",
                "I disagree with your feedback", "here's what I'd say:", "how much does it pay", "next question"]
RESUME = """Jane Doe
Machine Learning Engineer
jane@example.com

Experience
- Built a two-tower retrieval model at Acme, +3% CTR
- Trained an LLM reranker with PyTorch

Education
- MS Computer Science, Stanford, 2024

Skills
- Python, PyTorch, Spark, SQL
"""
ANSWER = ("Dropout randomly zeroes activations during training with probability p and scales the rest by "
          "1/(1-p), so the expected activation stays the same; at inference it is off. It discourages "
          "co-adaptation and acts like an ensemble of thinned networks. In transformers 0.1 is common, and I "
          "would tune it on validation data, watching for underfitting in small models.")


@pytest.fixture(scope="module")
def requests(embeddings) -> PostingRequests:
    return PostingRequests(embeddings)


def test_request_lines_are_told_from_other_messages(requests: PostingRequests) -> None:
    right = sum(requests.is_request(t) for t in REQUESTS) + sum(not requests.is_request(t) for t in NOT_REQUESTS)
    assert right >= 20, right
    assert not any(requests.is_request(t) for t in ("remove my posting", "how do I add a posting?", "here's my resume"))


@pytest.mark.parametrize("message", [
    "add this posting:\n" + ZEPH,
    "Add this posting: " + ZEPH,
    "here's the JD for my interview next week\n\n" + ZEPH,
    "got this posting from linkedin, add it\n" + ZEPH,  # a request line the classifier misses; the posting reads
    ZEPH,  # pasted alone
    "what should I study for this one?\n" + ZEPH,  # a question with the posting: it has to be added first
])
def test_a_posting_in_a_message_is_found_with_the_request_line_taken_off(requests: PostingRequests,
                                                                          message: str) -> None:
    found = requests.find(message)
    assert found is not None and found.url is None
    assert found.text.startswith("# Perception Research Intern") and found.text.rstrip().endswith(ZEPH.rstrip()[-40:])


def test_a_link_after_a_request_is_fetched_not_read(requests: PostingRequests) -> None:
    for message in ("add this posting https://jobs.example.com/ml-intern?id=7",
                    "save this job: https://jobs.example.com/ml-intern?id=7"):
        assert requests.find(message) == PostingInMessage(url="https://jobs.example.com/ml-intern?id=7")
    assert requests.find("why is https://jobs.example.com/ml-intern?id=7 not working") is None


@pytest.mark.parametrize("message", [
    "what does the zephyrine internship pay?",
    "add this posting",  # nothing follows it
    ANSWER,  # a long answer to a practice question
    RESUME,  # a resume pasted: a title, but experience and skills, not duties and requirements
])
def test_other_messages_bring_no_posting(requests: PostingRequests, message: str) -> None:
    assert requests.find(message) is None


def test_a_message_that_calls_itself_a_resume_is_never_a_posting(requests: PostingRequests) -> None:
    assert requests.find("here's my resume\n" + ZEPH, says_resume=True) is None


def test_the_lead_is_the_first_line_or_what_comes_before_its_colon() -> None:
    assert split_lead("add this posting: Senior ML Engineer at Acme") == ("add this posting", "Senior ML Engineer at Acme")
    assert split_lead("add this\nSenior ML Engineer") == ("add this", "Senior ML Engineer")
    assert split_lead("add https://a.example/job") == ("add", "https://a.example/job")
    long_line = "Senior ML Engineer at Acme " * 10
    assert split_lead(long_line) == ("", long_line)
