"""Scenarios: co-located service hubs, before/after, optimisation, vulnerability and budget.

A scenario is a list of changes to today's services (the baseline, always available).  The
draft being edited lives in the session (a user choice); every change is evaluated at once
(incremental routing, see ``analysis.accessibility``) and shown before it is saved to the
DuckDB store.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from analysis import budget, evaluate, headlines, map_fit, maps, needs, store
from analysis import effect as effect_engine
from analysis.errors import ServicekartanError
from analysis.i18n import fmt_minutes, fmt_number, fmt_percent, fmt_sek, t
from analysis.model import CATEGORY_IDS, EVERYDAY_BUNDLE, NEED_IDS, NEEDS, SECTORS
from analysis.scenarios import Change, Scenario
from analysis.settings import AGE_GROUPS, MODES, THRESHOLDS_MIN
from ui import auth, basemaps, data, page, tables
from ui import figures as figures_ui

auth.require_planner()
lang, region = page.header("nav.scenarios")
region_id = region.info.region_id
database = data.database()
category_names = {c: t(f"category.{c}", lang) for c in CATEGORY_IDS}
need_names = {n: t(f"need.{n}", lang) for n in NEED_IDS}
locality_names = tables.locality_names(region, lang)
sites = region.sites.set_index("site_id")
candidates = region.sites.loc[region.sites["is_candidate"]].sort_values("name")
services = region.services


def _site_label(site_id: str) -> str:
    return SITE_LABELS[site_id]


SERVICE_LABELS = {
    row.service_id: f"{row.name} – {category_names[row.category]}"
    for row in services[["service_id", "name", "category"]].itertuples(index=False)
}
SITE_LABELS = {
    site_id: f"{row['name']} ({locality_names.get(row['locality_id'], row['locality_id'])})"
    for site_id, row in sites.iterrows()
}


def _service_label(service_id: str) -> str:
    return SERVICE_LABELS[service_id]


# --- Which scenario ------------------------------------------------------------------------
DRAFT = "scenario_draft"
records = store.list_scenarios(database, region_id)
by_id = {record.scenario_id: record for record in records}
# A save or delete below asks for another choice; it is applied here, before the widget exists.
if "scenario_choice_next" in st.session_state:
    st.session_state["scenario_choice"] = st.session_state.pop("scenario_choice_next")
choice = st.selectbox(
    t("scen.choose", lang),
    ["__new__", *by_id],
    format_func=lambda v: (
        t("scen.new", lang)
        if v == "__new__"
        else f"{by_id[v].name} ({by_id[v].author or '–'}, {by_id[v].updated_at:%Y-%m-%d})"
    ),
    key="scenario_choice",
)
draft: dict[str, object] = st.session_state.get(DRAFT) or {}
if draft.get("loaded_from") != choice or draft.get("region_id") != region_id:
    record = by_id.get(choice)
    draft = {
        "loaded_from": choice,
        "region_id": region_id,
        "scenario_id": record.scenario_id if record else None,
        "name": record.name if record else t("scen.default_name", lang),
        "author": record.author if record else "",
        "description": record.description if record else "",
        "changes_json": Scenario.from_changes(region_id, "", record.changes).changes_json()
        if record
        else "[]",
    }
    st.session_state[DRAFT] = draft
scenario = Scenario.from_changes_json(
    region_id,
    str(draft["name"]),
    str(draft["changes_json"]),
    str(draft["author"]),
    str(draft["description"]),
)


def _set_changes(changes: tuple[Change, ...]) -> None:
    st.session_state[DRAFT] = {
        **draft,
        "changes_json": Scenario(region_id, "", changes).changes_json(),
    }


# --- Editor --------------------------------------------------------------------------------
tab_hub, tab_close, tab_hours, tab_optimise, tab_vulnerable = st.tabs(
    [
        t("scen.tab_hub", lang),
        t("scen.tab_close", lang),
        t("scen.tab_hours", lang),
        t("scen.tab_optimise", lang),
        t("scen.tab_vulnerable", lang),
    ]
)


@st.fragment
def _hub_choices() -> None:
    """Where the hub goes and what it holds: a choice here reruns only this part of the page."""
    st.caption(t("scen.hub_help", lang))
    st.caption(t("scen.click_site", lang))
    if "hub_site_next" in st.session_state:  # a site clicked on the map below
        st.session_state["hub_site"] = st.session_state.pop("hub_site_next")
    st.selectbox(
        t("scen.site", lang), list(candidates["site_id"]), format_func=_site_label, key="hub_site"
    )
    hub_categories = st.multiselect(
        t("scen.hub_categories", lang),
        CATEGORY_IDS,
        default=list(evaluate.DEFAULT_HUB_CATEGORIES),
        format_func=lambda c: category_names[c],
        placeholder=t("scen.choose_categories", lang),
        key="hub_categories",
    )
    with st.expander(t("scen.move_into_hub", lang)):
        for category in hub_categories:
            existing = services.loc[services["category"] == category, "service_id"].tolist()
            if not existing:
                continue
            st.selectbox(
                category_names[category],
                ["", *existing],
                format_func=lambda v: t("scen.new_service", lang) if not v else _service_label(v),
                key=f"hub_move_{category}",
            )


def _add_hub() -> None:
    """Add the hub chosen above to the draft.

    The button's callback runs before the page does, so a click costs one run of the page
    (``if st.button(...): ...; st.rerun()`` would run it twice: the map waited for both).
    """
    hub_categories = tuple(st.session_state["hub_categories"])
    move_from = {
        category: str(st.session_state[f"hub_move_{category}"])
        for category in hub_categories
        if st.session_state.get(f"hub_move_{category}")
    }
    _set_changes(
        (
            *scenario.changes,
            Change(
                "hub",
                site_id=st.session_state["hub_site"],
                categories=hub_categories,
                move_from=move_from,
            ),
        )
    )


with tab_hub:
    _hub_choices()
    st.button(t("scen.add_hub", lang), type="primary", key="add_hub", on_click=_add_hub)

with tab_close:
    st.selectbox(
        t("scen.service", lang),
        list(services["service_id"]),
        format_func=_service_label,
        key="close_service",
    )
    action = st.radio(
        t("scen.action", lang),
        ["close", "move"],
        format_func=lambda v: t(f"scen.action_{v}", lang),
        horizontal=True,
        key="close_action",
    )
    if action == "move":
        st.selectbox(
            t("scen.move_to", lang), list(sites.index), format_func=_site_label, key="move_to"
        )

    def _add_close_or_move() -> None:
        """Add the closure or move chosen above (a callback: one run of the page per click)."""
        service = st.session_state["close_service"]
        change = (
            Change("close", service_id=service)
            if st.session_state["close_action"] == "close"
            else Change("move", service_id=service, site_id=st.session_state["move_to"])
        )
        _set_changes((*scenario.changes, change))

    st.button(t("scen.add_change", lang), key="add_close", on_click=_add_close_or_move)

with tab_hours:
    hours_service = st.selectbox(
        t("scen.service", lang),
        list(services["service_id"]),
        format_func=_service_label,
        key="hours_service",
    )
    current = services.loc[services["service_id"] == hours_service].iloc[0]
    new_hours = st.text_input(t("scen.opening_hours", lang), value=str(current["opening_hours"]))
    new_per_week = st.number_input(
        t("scen.hours_per_week", lang), 0.0, 168.0, float(current["hours_per_week"]), step=1.0
    )
    if st.button(t("scen.add_change", lang), key="add_hours"):
        _set_changes(
            (
                *scenario.changes,
                Change(
                    "hours",
                    service_id=hours_service,
                    opening_hours=new_hours,
                    hours_per_week=new_per_week,
                ),
            )
        )
        st.rerun()

# --- Settings of the comparison ---------------------------------------------------------------
col_mode, col_threshold = st.columns(2)
mode = col_mode.radio(
    t("planner_map.time_mode", lang),
    MODES,
    format_func=lambda v: t(f"mode.{v}", lang),
    horizontal=True,
    key="scen_mode",
)
threshold = col_threshold.select_slider(
    t("needs_ui.threshold", lang), list(THRESHOLDS_MIN), value=20, key="scen_threshold"
)

with tab_optimise:
    st.caption(t("scen.optimise_help", lang))
    col1, col2, col3 = st.columns(3)
    k = col1.slider(t("scen.k", lang), 1, 10, 3)
    problem = col2.radio(
        t("scen.problem", lang),
        ["mclp", "p_median"],
        format_func=lambda v: t(f"scen.problem_{v}", lang),
    )
    weight = col3.selectbox(
        t("scen.weight", lang),
        ["pop_total", *AGE_GROUPS],
        format_func=lambda v: t(f"age.{v}", lang),
    )
    hub_needs = st.multiselect(
        t("scen.optimise_needs", lang),
        list(NEED_IDS),
        default=list(EVERYDAY_BUNDLE),
        format_func=need_names.__getitem__,
        placeholder=t("priorities.choose_needs", lang),
        key="optimise_needs",
    )
    use_needs = st.checkbox(t("scen.use_needs", lang), value=False)
    locked = st.multiselect(
        t("scen.locked", lang),
        list(candidates["site_id"]),
        format_func=_site_label,
        placeholder=t("scen.choose_sites", lang),
    )
    if st.button(t("scen.run_optimise", lang), key="run_optimise"):
        with st.spinner(t("scen.optimising", lang)), page.user_errors():
            baseline = data.baseline(region_id)
            needs_per_cell = None
            if use_needs:
                needs_per_cell = evaluate.needs_people_per_cell(
                    needs.list_needs(database, region_id), region.population
                )
            plan = evaluate.optimise_hubs(
                baseline,
                k,
                threshold,
                problem,
                mode,
                weight=weight,
                locked_site_ids=tuple(locked),
                needs_per_cell=needs_per_cell,
                needs=hub_needs or None,
            )
        st.session_state["scen_plan"] = {
            "site_ids": plan.site_ids,
            "changes_json": plan.scenario.changes_json(),
            "objective": plan.solution.objective,
            "baseline": plan.solution.baseline,
            "total": plan.solution.total_weight,
            "method": plan.solution.method,
            "optimal": plan.solution.optimal,
            "seconds": plan.solution.solve_seconds,
            "problem": problem,
            "name": plan.scenario.name,
            "description": plan.scenario.description,
        }
    result_plan = st.session_state.get("scen_plan")
    if result_plan:
        st.write(
            t("scen.plan_sites", lang, sites=", ".join(map(_site_label, result_plan["site_ids"])))
        )
        key = "scen.plan_mclp" if result_plan["problem"] == "mclp" else "scen.plan_p_median"
        st.caption(
            t(
                key,
                lang,
                before=fmt_number(result_plan["baseline"], 0, lang),
                after=fmt_number(result_plan["objective"], 0, lang),
                total=fmt_number(result_plan["total"], 0, lang),
                minutes=threshold,
            )
            + " "
            + t(
                "scen.plan_method",
                lang,
                method=result_plan["method"],
                optimal=t("scen.yes" if result_plan["optimal"] else "scen.no", lang),
                seconds=fmt_number(result_plan["seconds"], 1, lang),
            )
        )
        st.caption(t("scen.plan_compare_hint", lang))

        def _open_plan() -> None:
            """Open the proposal as a new scenario of its own (one click, one page run)."""
            st.session_state["scenario_choice"] = "__new__"
            st.session_state[DRAFT] = {
                "loaded_from": "__new__",
                "region_id": region_id,
                "scenario_id": None,
                "name": result_plan["name"],
                "author": "",
                "description": result_plan["description"],
                "changes_json": result_plan["changes_json"],
            }

        def _add_plan() -> None:
            """Add the proposal's hubs to the scenario being edited."""
            plan_changes = Scenario.from_changes_json(region_id, "", result_plan["changes_json"])
            _set_changes((*scenario.changes, *plan_changes.changes))

        col_open, col_add = st.columns(2)
        col_open.button(
            t("scen.open_plan", lang), key="open_plan", type="primary", on_click=_open_plan
        )
        col_add.button(t("scen.use_plan", lang), key="use_plan", on_click=_add_plan)

with tab_vulnerable:
    st.caption(t("scen.vulnerable_help", lang, minutes=threshold))
    vulnerable_by_category = st.toggle(
        t("scen.by_category", lang), value=False, key="vulnerable_by_category"
    )
    if vulnerable_by_category:
        vulnerable_options = [c for c in CATEGORY_IDS if (services["category"] == c).any()]
    else:
        vulnerable_options = [n for n in NEED_IDS if services["category"].isin(NEEDS[n]).any()]
    vulnerable_names = category_names if vulnerable_by_category else need_names
    category = st.selectbox(
        t("scen.vulnerable_subject", lang),
        vulnerable_options,
        format_func=vulnerable_names.__getitem__,
        key="vulnerable_category" if vulnerable_by_category else "vulnerable_need",
    )
    ranking = evaluate.vulnerability(data.baseline(region_id), category, mode, threshold)
    st.dataframe(
        pd.DataFrame(
            {
                t("scen.col_service", lang): ranking["name"],
                t("scen.col_served", lang): [
                    fmt_number(v, 0, lang) for v in ranking["residents_served"]
                ],
                t("scen.col_losing", lang, minutes=threshold): [
                    fmt_number(v, 0, lang) for v in ranking["residents_losing"]
                ],
                t("scen.col_added", lang): [
                    fmt_minutes(v, lang) for v in ranking["mean_added_min"]
                ],
            }
        ),
        hide_index=True,
    )

# --- The changes -----------------------------------------------------------------------------
st.subheader(t("scen.changes", lang, count=len(scenario.changes)))
if not scenario.changes:
    st.info(t("scen.no_changes", lang))
for index, change in enumerate(scenario.changes):
    col_text, col_button = st.columns([6, 1])
    if change.kind == "hub":
        text = t(
            "scen.change_hub",
            lang,
            site=_site_label(str(change.site_id)),
            categories=", ".join(category_names[c] for c in change.categories),
        )
    elif change.kind == "close":
        text = t("scen.change_close", lang, service=_service_label(str(change.service_id)))
    elif change.kind == "move":
        text = t(
            "scen.change_move",
            lang,
            service=_service_label(str(change.service_id)),
            site=_site_label(str(change.site_id)),
        )
    elif change.kind == "add":
        text = t(
            "scen.change_add",
            lang,
            category=category_names[str(change.category)],
            site=_site_label(str(change.site_id)),
        )
    else:
        text = t(
            "scen.change_hours",
            lang,
            service=_service_label(str(change.service_id)),
            hours=change.opening_hours or "",
        )
    col_text.text(f"{index + 1}. {text}")
    if col_button.button(t("scen.remove", lang), key=f"remove_{index}"):
        _set_changes(scenario.without_change(index).changes)
        st.rerun()

# --- Effects ---------------------------------------------------------------------------------
with page.user_errors(), st.spinner(t("scen.computing", lang)):
    baseline = data.baseline(region_id)
    after = data.scenario_analysis(region_id, scenario.fingerprint(), scenario.changes_json())
    params = budget.BudgetParameters(
        **{
            key: value
            for key, value in st.session_state.get("budget_params", {}).items()
            if key in budget.BudgetParameters.__dataclass_fields__
        }
    )
    stored_needs = needs.list_needs(database, region_id)
    result = evaluate.evaluate(
        baseline,
        after,
        scenario,
        mode,
        threshold,
        stored_needs,
        params,
        # Everyone, and the age group the table below shows (one compared at a time: faster).
        weights=tuple(
            dict.fromkeys(("pop_total", st.session_state.get("compare_age", "pop_total")))
        ),
    )
effect = result.effect
story = result.headlines()
figures = headlines.key_figures(story, lang, locality_names, category_names)

st.subheader(t("scen.effects", lang))
if not scenario.changes:
    st.info(t("scen.effects_empty", lang))
else:
    st.markdown(f"**{figures_ui.plain(headlines.summary_sentence(story, lang, locality_names))}**")
page.wrap_key_figures()
figures_ui.show_key_figures(figures, lang)

# What the map and the table show: a need (default) or a service category, one switch away.
by_category = st.toggle(t("scen.by_category", lang), value=False, key="compare_by_category")
kind = "category" if by_category else "need"
subject_names = category_names if by_category else need_names
first_story = next((h.need for h in story if h.need), None)
if by_category:
    subjects = list(dict.fromkeys(effect.subject_rows("category")["subject"]))
else:
    ranked = effect_engine.changed_needs(effect)
    subjects = [n for n in ranked if n == first_story] + [n for n in ranked if n != first_story]
col_subject, col_age = st.columns(2)
if subjects:
    shown_subject = col_subject.selectbox(
        t("scen.compare_subject", lang),
        subjects,
        format_func=lambda s: subject_names.get(s, s),
        key=f"compare_{kind}",
    )
else:
    shown_subject = None
    col_subject.caption(t("scen.nothing_changed", lang))
age = col_age.selectbox(
    t("planner_map.age_group", lang),
    ["pop_total", *AGE_GROUPS],
    format_func=lambda v: t(f"age.{v}", lang),
    key="compare_age",
)

# Today's map stays the same while the scenario is edited: it is rendered once per region and
# language, and only the cells' change and the changed services are sent with each edit, as
# layers that replace the previous ones without rebuilding the map.  The map opens on the
# cells whose time changed, with no legend over them.
cells = region.population
change = (
    effect.change_min(f"{kind}:{shown_subject}")
    if shown_subject is not None
    else pd.Series(0.0, index=cells.index)
)
difference = maps.difference_layer(
    page.layer_holder(),
    cells,
    change,
    t(
        "scen.map_title",
        lang,
        category=subject_names.get(shown_subject, "–") if shown_subject else "–",
        mode=t(f"mode.{mode}", lang).lower(),
    ),
    lang,
    attach=False,
)
# The map opens where the subject it shows changes.
map_fit.fit_to(
    difference,
    effect_engine.changed_bounds(
        cells,
        effect.changed_cells_of(f"{kind}:{shown_subject}")
        if shown_subject is not None
        else effect.changed_cells,
    ),
)
changed = maps.changed_services_layer(
    baseline.services, after.services, t("maps.layer.scenario_changes", lang), lang
)
clicked = page.show_map(
    basemaps.scenario_base_map(region_id, lang),
    [difference, changed],
    key="scenario_map",
    height=520,
    returned_objects=["last_object_clicked"],
)
position = (clicked or {}).get("last_object_clicked")
if position and position != st.session_state.get("scenario_map_click"):
    # Only a new click picks a site (st_folium keeps returning the last one).
    st.session_state["scenario_map_click"] = position
    site = maps.nearest_site(region, float(position["lat"]), float(position["lng"]))
    if site is not None and site != st.session_state.get("hub_site"):
        st.session_state["hub_site_next"] = site
        st.rerun()

if shown_subject is not None:
    rows = effect.subject_rows(kind, age)
    rows = rows[
        (rows["subject"] == shown_subject)
        & ((rows["group"] == "all") | (rows["residents_gaining"] + rows["residents_losing"] > 0))
    ]
    st.markdown(
        f"**{figures_ui.plain(t('scen.table_title', lang, subject=subject_names[shown_subject]))}**"
    )
    st.dataframe(tables.effect_display(rows, locality_names, lang, threshold), hide_index=True)
    st.download_button(
        t("scen.effect_download", lang),
        tables.effect_csv(rows, locality_names, lang, threshold),
        file_name=f"effekt-{region_id}-{shown_subject}-{dt.date.today().isoformat()}.csv",
        mime="text/csv",
        key="effect_download",
    )

# --- Two proposals side by side ------------------------------------------------------------
others: dict[str, str] = {}
result_plan = st.session_state.get("scen_plan")
if result_plan:
    others["__plan__"] = t("scen.compare_plan", lang)
others.update(
    {rid: record.name for rid, record in by_id.items() if rid != draft.get("scenario_id")}
)
st.subheader(t("scen.compare_title", lang))
if not others:
    st.caption(t("scen.compare_none", lang))
elif st.toggle(t("scen.compare_toggle", lang), value=False, key="compare_on"):
    other_id = st.selectbox(
        t("scen.compare_with", lang),
        list(others),
        format_func=others.__getitem__,
        key="compare_other",
    )
    if other_id == "__plan__":
        other = Scenario.from_changes_json(region_id, others[other_id], result_plan["changes_json"])
    else:
        record = by_id[other_id]
        other = Scenario.from_changes(region_id, record.name, record.changes)
    with page.user_errors():
        other_after = data.scenario_analysis(region_id, other.fingerprint(), other.changes_json())
        other_result = evaluate.evaluate(
            baseline, other_after, other, mode, threshold, stored_needs, params, weights=(age,)
        )
        this_name = str(draft["name"]) or t("scen.default_name", lang)
        names = {
            "this": t("scen.this_proposal", lang, name=this_name),
            "other": others[other_id],
        }
        side_by_side = effect_engine.compare_proposals(
            {"this": effect, "other": other_result.effect}, weight=age
        )
    st.dataframe(tables.proposals_display(side_by_side, names, need_names, lang), hide_index=True)
    st.caption(t("scen.compare_caption", lang, mode=t(f"mode.{mode}", lang).lower()))

st.markdown(f"**{t('scen.bundle_title', lang, n=len(EVERYDAY_BUNDLE), minutes=threshold)}**")
bundle = result.bundle_before.merge(
    result.bundle_after, on=["group", "weight"], suffixes=("_before", "_after")
)
bundle_n = len(EVERYDAY_BUNDLE)
st.dataframe(
    pd.DataFrame(
        {
            t("common.locality", lang): [locality_names.get(g, g) for g in bundle["group"]],
            t("scen.all_needs_before", lang): [
                fmt_percent(v, 0, lang) for v in bundle[f"share_at_least_{bundle_n}_before"]
            ],
            t("scen.all_needs_after", lang): [
                fmt_percent(v, 0, lang) for v in bundle[f"share_at_least_{bundle_n}_after"]
            ],
            t("scen.one_place_before", lang): [
                fmt_percent(v, 0, lang) for v in bundle["share_all_one_place_before"]
            ],
            t("scen.one_place_after", lang): [
                fmt_percent(v, 0, lang) for v in bundle["share_all_one_place_after"]
            ],
        }
    ),
    hide_index=True,
)
if len(result.needs_met):
    st.markdown(f"**{t('scen.needs_met_title', lang, count=len(result.needs_met))}**")
    met = result.needs_met
    st.dataframe(
        pd.DataFrame(
            {
                t("needs_ui.col_code", lang): met.get("short_code", met.get("need_id")),
                t("needs_ui.col_category", lang): [
                    category_names.get(c, c) for c in met["category"]
                ],
                t("scen.before", lang): [fmt_minutes(v, lang) for v in met["minutes_before"]],
                t("scen.after", lang): [fmt_minutes(v, lang) for v in met["minutes_after"]],
            }
        ),
        hide_index=True,
    )

# --- Budget ----------------------------------------------------------------------------------
st.subheader(t("scen.budget", lang))
with st.expander(t("scen.budget_params", lang)):
    defaults = budget.BudgetParameters()
    with st.form("budget_params_form"):
        premises_share = st.slider(
            t("scen.premises_share", lang), 0.0, 0.5, defaults.premises_share
        )
        premises_saving = st.slider(
            t("scen.premises_saving", lang), 0.0, 1.0, defaults.premises_saving
        )
        staff_share = st.slider(t("scen.staff_share", lang), 0.0, 0.9, defaults.staff_share)
        staff_saving = st.slider(t("scen.staff_saving", lang), 0.0, 0.5, defaults.staff_saving)
        coordination = st.number_input(
            t("scen.coordination_cost", lang),
            0.0,
            5_000_000.0,
            defaults.coordination_cost_sek,
            step=10_000.0,
        )
        if st.form_submit_button(t("scen.apply", lang)):
            st.session_state["budget_params"] = {
                "premises_share": premises_share,
                "premises_saving": premises_saving,
                "staff_share": staff_share,
                "staff_saving": staff_saving,
                "coordination_cost_sek": coordination,
            }
            st.rerun()
    st.caption(t("scen.budget_method", lang))
table = result.budget
actor_names = [
    t("scen.total", lang) if s == "total" else t(f"sector.{s}", lang) for s in table["sector"]
]
st.dataframe(
    pd.DataFrame(
        {
            t("scen.actor", lang): actor_names,
            t("scen.cost_before", lang): [fmt_sek(v, lang) for v in table["cost_before_sek"]],
            t("scen.cost_after", lang): [fmt_sek(v, lang) for v in table["cost_after_sek"]],
            t("scen.cost_change", lang): [
                fmt_sek(v, lang, signed=True) for v in table["change_sek"]
            ],
            t("scen.cost_saving", lang): [fmt_sek(v, lang) for v in table["colocation_saving_sek"]],
        }
    ),
    hide_index=True,
)
per_resident = effect.cost_per_resident_gaining_sek
st.caption(
    t(
        "scen.cost_per_resident",
        lang,
        value=fmt_sek(per_resident, lang, signed=True) if per_resident is not None else "–",
        count=fmt_number(effect.total("residents_gaining_any_need"), 0, lang),
    )
)
st.download_button(
    t("scen.budget_download", lang),
    # Swedish headers and actor names, like the table above (not the engine's column ids).
    budget.budget_csv(
        table.assign(sector=actor_names),
        labels={
            "sector": t("scen.actor", lang),
            **{c: t(f"scen.csv_{c}", lang) for c in budget.BUDGET_COLUMNS if c != "sector"},
        },
    ),
    file_name=f"budget-{region_id}-{dt.date.today().isoformat()}.csv",
    mime="text/csv",
)

# --- Save ------------------------------------------------------------------------------------
st.subheader(t("scen.save_title", lang))
with st.form("save_scenario"):
    name = st.text_input(t("scen.name", lang), value=str(draft["name"]), max_chars=120)
    author = st.text_input(t("scen.author", lang), value=str(draft["author"]), max_chars=120)
    description = st.text_area(
        t("scen.description", lang), value=str(draft["description"]), max_chars=2000
    )
    col_save, col_copy = st.columns(2)
    save = col_save.form_submit_button(t("scen.save", lang), type="primary")
    copy = col_copy.form_submit_button(t("scen.save_copy", lang))
if save or copy:
    if not name.strip():
        st.error(t("scen.name_missing", lang))
    else:
        try:
            saved_id = store.save_scenario(
                database,
                region_id,
                name.strip(),
                author.strip(),
                [c.to_json() for c in scenario.changes],
                parameters={"mode": mode, "threshold_min": threshold},
                description=description.strip(),
                scenario_id=None if copy else draft.get("scenario_id"),  # type: ignore[arg-type]
            )
        except ServicekartanError as error:
            st.error(error.message_sv if lang == "sv" else str(error))
        else:
            st.session_state[DRAFT] = {
                **draft,
                "loaded_from": saved_id,
                "scenario_id": saved_id,
                "name": name.strip(),
                "author": author.strip(),
                "description": description.strip(),
            }
            st.session_state["scenario_choice_next"] = saved_id
            st.success(t("scen.saved", lang, name=name.strip()))
            st.rerun()
if draft.get("scenario_id") and st.button(t("scen.delete", lang), key="delete_scenario"):
    store.delete_scenario(database, str(draft["scenario_id"]))
    st.session_state.pop(DRAFT, None)
    st.session_state["scenario_choice_next"] = "__new__"
    st.rerun()
st.caption(t("scen.sectors_note", lang, sectors=", ".join(t(f"sector.{s}", lang) for s in SECTORS)))
