"""Study plans to an interview date: topic weights, a deterministic FSRS workload simulation within a
daily minutes budget, predicted recall per topic on the day, and an .ics export."""

from bot.core.plan.build import InvalidPlan, PlanDay, PlanInputs, PlanTopic, StudyPlan, build_plan
from bot.core.plan.service import parse_date, plan_for

__all__ = ["InvalidPlan", "PlanDay", "PlanInputs", "PlanTopic", "StudyPlan", "build_plan", "parse_date", "plan_for"]
