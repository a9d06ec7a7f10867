"""The effect of a scenario: who gains, who loses, by how much, and at what cost to whom.

Everything is computed from cell-level travel times and populations, per *need* (met by any of
its categories, :data:`analysis.model.NEEDS`) and per service category, for everyone and each
age group, for the whole municipality and each locality:

* residents gaining (shorter trip) and losing (longer trip), and those crossing 10/20/30 min;
* minutes saved and lost, in total and per gaining (losing) resident;
* residents gaining in *any* need and slower to *any* service, each counted once;
* the localities gaining and losing most, registered needs newly met, and the annual cost
  change for all actors together and per actor, with the cost per resident gaining.

:func:`analysis.effect.headlines` picks the four or five figures that matter for *this*
scenario from it, so a hub that brings groceries to a village shows that, and never a fixed
figure that cannot move.
"""

from analysis.effect.compute import (
    CROSSING_THRESHOLDS_MIN,
    STORY_THRESHOLDS_MIN,
    SUBJECT_COLUMNS,
    SUBJECT_KINDS,
    Effect,
    changed_bounds,
    changed_needs,
    need_minutes,
    scenario_effect,
)
from analysis.effect.figures import MAX_HEADLINES, Headline, headlines
from analysis.effect.proposals import PROPOSAL_FIGURES, compare_proposals, proposal_figures

__all__ = [
    "CROSSING_THRESHOLDS_MIN",
    "MAX_HEADLINES",
    "PROPOSAL_FIGURES",
    "STORY_THRESHOLDS_MIN",
    "SUBJECT_COLUMNS",
    "SUBJECT_KINDS",
    "Effect",
    "Headline",
    "changed_bounds",
    "changed_needs",
    "compare_proposals",
    "headlines",
    "need_minutes",
    "proposal_figures",
    "scenario_effect",
]
