"""A study plan as an iCalendar file (RFC 5545, via the `icalendar` package): one all-day event per
study day ("prepbot: 3 new, 5 reviews (~17 min)") and the interview day itself.

UIDs are derived from the role and the date, so importing an updated plan replaces the old
events instead of duplicating them, and the same plan always gives the same file.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from bot.core.plan.build import StudyPlan

PRODID = "-//prepbot//study plan//EN"


def plan_calendar(plan: StudyPlan, role_name: str) -> bytes:
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"prepbot: {role_name}")
    stamp = datetime.combine(plan.start, datetime.min.time()).replace(tzinfo=None)
    for day in plan.days:
        if not day.new and not day.reviews:
            continue
        event = Event()
        event.add("uid", f"{plan.role_id}-{day.date.isoformat()}@prepbot")
        event.add("dtstamp", stamp)
        event.add("dtstart", day.date)
        event.add("dtend", day.date + timedelta(days=1))
        event.add("summary", f"prepbot: {day.new} new, {day.reviews} reviews (~{round(day.minutes)} min)")
        event.add("description", f"Study plan for {role_name}: learn {day.new} new questions and review "
                                 f"{day.reviews}. Ask me in a DM: 'review' or 'quiz me'.")
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    interview = Event()
    interview.add("uid", f"{plan.role_id}-interview-{plan.interview.isoformat()}@prepbot")
    interview.add("dtstamp", stamp)
    interview.add("dtstart", plan.interview)
    interview.add("dtend", plan.interview + timedelta(days=1))
    interview.add("summary", f"Interview: {role_name}")
    calendar.add_component(interview)
    return calendar.to_ical()


def write_calendar(plan: StudyPlan, role_name: str, path: Path) -> None:
    path.write_bytes(plan_calendar(plan, role_name))
