"""schema.org JobPosting from a page's JSON-LD (extruct), wherever the page nests it."""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger(__name__)


def job_posting(root: Any) -> dict | None:
    """The first JobPosting object in the page's `application/ld+json` blocks, or None.

    Pages put it at the top level, in a list, or inside an `@graph`; a broken block is skipped
    (extruct logs and moves on), so a page with bad JSON-LD still reads as HTML.
    """
    from extruct.jsonld import JsonLdExtractor

    try:
        items = JsonLdExtractor().extract_items(root)
    except Exception as error:  # extruct surfaces json and lxml errors from third-party pages as-is
        log.info("ignoring unreadable JSON-LD: %s", error)
        return None
    return _find(list(items))


def _find(node: Any) -> dict | None:
    if isinstance(node, list):
        for item in node:
            found = _find(item)
            if found:
                return found
        return None
    if not isinstance(node, dict):
        return None
    types = node.get("@type", [])
    types = types if isinstance(types, list) else [types]
    if any(isinstance(t, str) and t.rsplit("/", 1)[-1].rsplit(":", 1)[-1] == "JobPosting" for t in types):
        return node
    for key in ("@graph", "mainEntity", "itemListElement", "item"):
        found = _find(node.get(key))
        if found:
            return found
    return None


def posting_name(posting: dict) -> str | None:
    """'Title — Company' from a JobPosting, for people."""
    title = posting.get("title") or posting.get("name")
    org = posting.get("hiringOrganization")
    company = org.get("name") if isinstance(org, dict) else org if isinstance(org, str) else None
    if isinstance(title, str) and title.strip():
        return f"{title.strip()} — {company.strip()}" if isinstance(company, str) and company.strip() else title.strip()
    return None
