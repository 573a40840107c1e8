"""A study plan as an iCalendar file (RFC 5545, via the `icalendar` package): one all-day event per
study day ("prepbot: 3 new, 5 reviews (~17 min)") and the interview day itself.

UIDs are derived from the role and the date, so importing an updated plan replaces the old
events instead of duplicating them, and the same plan always gives the same file.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from bot.core.plan.build import StudyPlan

if TYPE_CHECKING:
    from icalendar import Event

PRODID = "-//prepbot//study plan//EN"


def plan_calendar(plan: StudyPlan, role_name: str) -> bytes:
    from icalendar import Calendar

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"prepbot: {role_name}")
    stamp = datetime.combine(plan.start, datetime.min.time()).replace(tzinfo=None)
    for day in plan.days:
        if not day.new and not day.reviews:
            continue
        event = _all_day(f"{plan.role_id}-{day.date.isoformat()}", stamp, day.date,
                         f"prepbot: {day.new} new, {day.reviews} reviews (~{round(day.minutes)} min)")
        event.add("description", f"Study plan for {role_name}: learn {day.new} new questions and review "
                                 f"{day.reviews}. Ask me in a DM: 'review' or 'quiz me'.")
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    calendar.add_component(_all_day(f"{plan.role_id}-interview-{plan.interview.isoformat()}", stamp,
                                    plan.interview, f"Interview: {role_name}"))
    return calendar.to_ical()


def _all_day(key: str, stamp: datetime, day: date, summary: str) -> Event:
    """An all-day event whose UID comes from `key` (role and date), so a re-imported plan
    replaces its events; the stamp is the plan's start, so the same plan gives the same file."""
    from icalendar import Event

    event = Event()
    event.add("uid", f"{key}@prepbot")
    event.add("dtstamp", stamp)
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("summary", summary)
    return event


def write_calendar(plan: StudyPlan, role_name: str, path: Path) -> None:
    path.write_bytes(plan_calendar(plan, role_name))
