"""The planning-group assignment engine: plain data in, plain data out, no Django.

It places every person in one group, maximizing how many get a group they asked for, as a
mixed-integer program solved by HiGHS (through `highspy`):

    maximize    sum  weight(rank of g for p) * x[p, g]  +  stability * x[p, previous(p)]
    subject to  each person in exactly one group              (sum_g x[p, g] = 1)
                group sizes within [min_size, max_size]
                residents >= floor * size          in every group  (resident floor)
                people of one sector <= ceiling * size  (non-resident sectors)
                people of one organization <= cap  in every group  (organization cap)
                language fit: someone who needs Spanish only in a Spanish or bilingual group;
                              someone else in a Spanish group only if they ranked it
                locks: a locked person has only their locked group

Small instances are solved exactly (proven optimal). Large ones solve the LP relaxation (which
is nearly integral here), keep every person the LP places whole, and solve a small MIP for the
rest ("repair"); the LP objective is an upper bound, so the gap to it is reported.

When the rules cannot all hold, they give way in RELAX_ORDER: first the organization cap, then
the sector ceiling, the resident floor, the group minimum, language fit and, last, the group
maximum. The first rules in that order (as few as make the problem feasible) get slack variables
whose penalties grow tenfold along the order, and the result reports which rule gave way, where,
and by how much (measured on the final assignment by `check_rules`, never assumed).

Deterministic: inputs are sorted, HiGHS runs single-threaded with a fixed seed, no time-based
cut-offs apply unless the safety time limit is hit (which the result then reports).
"""

from __future__ import annotations

import math
import time
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field

import highspy
import numpy as np

try:  # The plain core class: same solver, without the banner and callback set-up of highspy.Highs.
    from highspy._core import _Highs as _HighsSolver
except ImportError:  # pragma: no cover - other highspy layouts
    _HighsSolver = highspy.Highs

ORG_CAP = "org_cap"
SECTOR_CEILING = "sector_ceiling"
RESIDENT_FLOOR = "resident_floor"
GROUP_MIN = "group_min"
LANGUAGE = "language"
GROUP_MAX = "group_max"
RELAX_ORDER = (ORG_CAP, SECTOR_CEILING, RESIDENT_FLOOR, GROUP_MIN, LANGUAGE, GROUP_MAX)

# Why someone is where they are (the service renders these in the attendee's language).
REASON_LOCKED = "locked"
REASON_FIRST = "first_choice"
REASON_KEPT = "kept"
REASON_SECOND_FIRST_FULL = "second_choice_first_full"
REASON_THIRD_OTHERS_FULL = "third_choice"
REASON_CHOICES_FULL = "choices_full"
REASON_LANGUAGE = "language"
REASON_BALANCE = "balance"
REASON_UNRANKED = "unranked"
REASONS = (
    REASON_LOCKED,
    REASON_FIRST,
    REASON_KEPT,
    REASON_SECOND_FIRST_FULL,
    REASON_THIRD_OTHERS_FULL,
    REASON_CHOICES_FULL,
    REASON_LANGUAGE,
    REASON_BALANCE,
    REASON_UNRANKED,
)

GROUP_LANGUAGES = ("en", "es", "bilingual")
_EPS = 1e-6


class AssignmentInputError(ValueError):
    """The input cannot be solved as given (a duplicate id, a lock to an unknown group...)."""

    def __init__(self, code, message, *, field=None):
        super().__init__(message)
        self.code = code
        self.field = field


@dataclass(frozen=True)
class Person:
    id: str
    sector: str
    organization: str = ""
    language: str = "en"  # "es": needs Spanish (a Spanish or bilingual group)
    preferences: tuple[str, ...] = ()  # group ids, best first (at most three count)
    locked_group: str | None = None
    previous_group: str | None = None


@dataclass(frozen=True)
class Group:
    id: str
    language: str = "en"  # "en", "es" or "bilingual"
    min_size: int = 0
    max_size: int = 50


@dataclass(frozen=True)
class Rules:
    """Balance rules and solver settings. Defaults are what a coalition summit wants."""

    resident_sector: str = "resident"
    # Each group's share of residents is at least the summit-wide share minus this margin.
    resident_floor_margin: float | None = 0.10
    # Or an explicit floor share (overrides the margin).
    resident_floor: float | None = None
    # No non-resident sector above this share of any group (None: no ceiling).
    sector_ceiling: float | None = 0.40
    # At most this many people of one organization per group; an organization with more people
    # than `cap x groups` allows gets its even share across the groups plus one.
    org_cap: int | None = 2
    # First, second, third, unranked. The steep drop after the third choice makes getting
    # everyone into their top three matter more than trading second choices for first ones.
    weights: tuple[int, int, int, int] = (10, 8, 6, 0)
    # Bonus for keeping someone's previous group; above the largest preference gain (10), so
    # nobody moves for preference alone, only when a rule or a full group requires it.
    stability_bonus: int = 12
    keep_previous: bool = True
    method: str = "auto"  # "auto", "exact" or "lp_repair"
    exact_max_pairs: int = 20_000  # auto: exact up to this many person-group pairs
    time_limit: float = 120.0  # safety limit per solve, seconds

    FIELDS = (
        "resident_floor_margin",
        "resident_floor",
        "sector_ceiling",
        "org_cap",
        "weights",
        "stability_bonus",
        "keep_previous",
        "method",
        "exact_max_pairs",
        "time_limit",
    )

    def __post_init__(self):
        for name in ("resident_floor_margin", "resident_floor", "sector_ceiling"):
            value = getattr(self, name)
            if value is not None and not (0 <= value <= 1):
                raise AssignmentInputError("invalid_rule", f"{name} must be between 0 and 1.", field=name)
        if self.org_cap is not None and self.org_cap < 1:
            raise AssignmentInputError("invalid_rule", "org_cap must be at least 1.", field="org_cap")
        if len(self.weights) != 4 or list(self.weights) != sorted(self.weights, reverse=True):
            raise AssignmentInputError(
                "invalid_rule",
                "weights must be four numbers, first >= second >= third >= unranked.",
                field="weights",
            )
        if self.stability_bonus < 0:
            raise AssignmentInputError(
                "invalid_rule", "stability_bonus must be 0 or more.", field="stability_bonus"
            )
        if self.method not in ("auto", "exact", "lp_repair"):
            raise AssignmentInputError(
                "invalid_rule", "method must be auto, exact or lp_repair.", field="method"
            )
        if self.time_limit <= 0:
            raise AssignmentInputError("invalid_rule", "time_limit must be positive.", field="time_limit")

    @classmethod
    def from_dict(cls, data):
        """Rules from JSON-like parameters; unknown keys and bad values raise AssignmentInputError."""
        data = dict(data or {})
        unknown = sorted(set(data) - set(cls.FIELDS))
        if unknown:
            raise AssignmentInputError("invalid_rule", f"Unknown rule: {unknown[0]}.", field=unknown[0])
        kwargs = {}
        for name, value in data.items():
            try:
                if name == "weights":
                    value = tuple(int(v) for v in value)
                elif name in ("keep_previous",):
                    if not isinstance(value, bool):
                        raise TypeError
                elif name == "method":
                    value = str(value)
                elif name in ("org_cap", "stability_bonus", "exact_max_pairs"):
                    value = None if value is None and name == "org_cap" else int(value)
                elif value is not None:
                    value = float(value)
                    if not math.isfinite(value):
                        raise ValueError
            except (TypeError, ValueError) as exc:
                raise AssignmentInputError("invalid_rule", f"{name} has a wrong value.", field=name) from exc
            kwargs[name] = value
        return cls(**kwargs)

    def as_dict(self):
        return {name: (list(v) if isinstance(v := getattr(self, name), tuple) else v) for name in self.FIELDS}


@dataclass(frozen=True)
class Placement:
    person_id: str
    group_id: str
    reason: str
    rank: int | None  # 1..3, or None when the group was not ranked
    previous_group: str | None
    locked: bool

    @property
    def moved(self):
        return self.previous_group is not None and self.previous_group != self.group_id


@dataclass(frozen=True)
class Violation:
    rule: str
    group_id: str | None
    amount: int  # in people: how many too many / too few
    detail: str

    def __post_init__(self):
        object.__setattr__(self, "amount", int(self.amount))


@dataclass
class Result:
    placements: dict[str, Placement]
    status: str  # "optimal", "near_optimal", "time_limit", "empty"
    method: str  # "exact", "lp_repair", "none"
    relaxed: tuple[str, ...]  # rules allowed to give way (a prefix of RELAX_ORDER)
    violations: tuple[Violation, ...]  # measured on the final assignment
    rules_held: tuple[str, ...]  # rules with no violation at all
    objective: float
    lp_bound: float | None
    gap: float | None  # (lp_bound - objective) / lp_bound
    solve_seconds: float
    limits: dict = field(default_factory=dict)  # the effective floor, ceiling and caps
    figures: dict = field(default_factory=dict)

    @property
    def assignment(self):
        return {pid: p.group_id for pid, p in self.placements.items()}


# --------------------------------------------------------------------------------------------
# Instance preparation


def _org_key(name):
    return " ".join((name or "").split()).casefold()


class _Instance:
    """The input as sorted arrays, with the effective rule limits."""

    def __init__(self, people, groups, rules):
        self.rules = rules
        self.people = sorted(people, key=lambda p: p.id)
        self.groups = sorted(groups, key=lambda g: g.id)
        self.display_order = [g.id for g in groups]
        ids = [p.id for p in self.people]
        if len(set(ids)) != len(ids):
            raise AssignmentInputError("duplicate_person", "Two people share an id.")
        gids = [g.id for g in self.groups]
        if len(set(gids)) != len(gids):
            raise AssignmentInputError("duplicate_group", "Two groups share an id.")
        for g in self.groups:
            if g.language not in GROUP_LANGUAGES:
                raise AssignmentInputError("invalid_group", f"Group {g.id} has an unknown language.")
            if g.min_size < 0 or g.max_size < g.min_size:
                raise AssignmentInputError("invalid_group", f"Group {g.id} has impossible size bounds.")
        self.gidx = {g.id: i for i, g in enumerate(self.groups)}
        N, G = len(self.people), len(self.groups)
        self.N, self.G = N, G

        self.rank = np.zeros((N, G), dtype=np.int8)  # 0 = unranked
        self.locked = np.full(N, -1, dtype=np.int64)
        self.previous = np.full(N, -1, dtype=np.int64)
        self.spanish = np.zeros(N, dtype=bool)
        for i, p in enumerate(self.people):
            seen = set()
            for r, gid in enumerate(p.preferences[:3], start=1):
                if gid not in self.gidx:
                    raise AssignmentInputError("unknown_group", f"{p.id} prefers an unknown group {gid}.")
                if gid in seen:
                    continue
                seen.add(gid)
                self.rank[i, self.gidx[gid]] = r
            if p.locked_group is not None:
                if p.locked_group not in self.gidx:
                    raise AssignmentInputError("unknown_group", f"{p.id} is locked to an unknown group.")
                self.locked[i] = self.gidx[p.locked_group]
            if rules.keep_previous and p.previous_group in self.gidx:
                self.previous[i] = self.gidx[p.previous_group]
            self.spanish[i] = p.language == "es"

        self.sectors = sorted({p.sector for p in self.people})
        self.sector_of = np.array([self.sectors.index(p.sector) for p in self.people], dtype=np.int64)
        self.resident = np.array([p.sector == rules.resident_sector for p in self.people], dtype=bool)
        orgs = sorted({_org_key(p.organization) for p in self.people} - {""})
        self.orgs = orgs
        okey = {o: i for i, o in enumerate(orgs)}
        self.org_of = np.array([okey.get(_org_key(p.organization), -1) for p in self.people], dtype=np.int64)

        # Effective limits.
        self.resident_share = float(self.resident.mean()) if N else 0.0
        if rules.resident_floor is not None:
            self.floor = rules.resident_floor
        elif rules.resident_floor_margin is not None and N:
            self.floor = max(0.0, self.resident_share - rules.resident_floor_margin)
        else:
            self.floor = 0.0
        self.ceiling = rules.sector_ceiling
        self.capped_sectors = (
            [s for s in range(len(self.sectors)) if self.sectors[s] != rules.resident_sector]
            if self.ceiling is not None and self.ceiling < 1
            else []
        )
        open_groups = sum(1 for g in self.groups if g.max_size > 0) or 1
        org_sizes = Counter(int(o) for o in self.org_of if o >= 0)
        self.org_cap = {}
        if rules.org_cap is not None:
            for o, n in sorted(org_sizes.items()):
                cap = rules.org_cap if n <= rules.org_cap * open_groups else math.ceil(n / open_groups) + 1
                if n > cap:  # only organizations that could break the cap need a rule
                    self.org_cap[o] = cap
        self.org_cap_raised = {
            self.orgs[o]: cap
            for o, cap in self.org_cap.items()
            if rules.org_cap is not None and cap > rules.org_cap
        }

        g_lang = np.array([g.language for g in self.groups])
        bil = g_lang == "bilingual"
        en = g_lang == "en"
        es = g_lang == "es"
        sp = self.spanish[:, None]
        self.lang_ok = bil[None, :] | (en[None, :] & ~sp) | (es[None, :] & (sp | (self.rank > 0)))

    def limits(self):
        return {
            "resident_share": round(self.resident_share, 4),
            "resident_floor": round(self.floor, 4),
            "sector_ceiling": self.ceiling,
            "org_cap": self.rules.org_cap,
            "org_caps_raised": self.org_cap_raised,
        }


# --------------------------------------------------------------------------------------------
# Model


class _Model:
    """The MIP in HiGHS column-wise arrays, built with numpy (no per-element Python objects)."""

    def __init__(self, inst, relaxed, *, restrict=None, weights=None, stability=None):
        rules = inst.rules
        N, G = inst.N, inst.G
        weights = np.array(weights if weights is not None else rules.weights, dtype=float)
        stability = rules.stability_bonus if stability is None else stability
        base = 4.0 * (float(weights.max()) + stability + 1)
        penalty = {rule: base * 10.0**i for i, rule in enumerate(RELAX_ORDER)}
        self.relaxed = tuple(relaxed)

        allowed = inst.lang_ok.copy()
        lang_violation_ok = LANGUAGE in relaxed
        if lang_violation_ok:
            allowed[:] = True
        fixed = inst.locked.copy()
        if restrict is not None:
            fixed = np.where(fixed >= 0, fixed, restrict)
        rows_fixed = fixed >= 0
        allowed[rows_fixed] = False
        allowed[np.nonzero(rows_fixed)[0], fixed[rows_fixed]] = True
        pi, gi = np.nonzero(allowed)  # row-major: columns grouped by person, groups in order
        K = len(pi)
        self.pi, self.gi, self.K = pi, gi, K
        cost = np.where(inst.rank[pi, gi] == 0, weights[3], weights[np.maximum(inst.rank[pi, gi], 1) - 1])
        cost = cost + stability * (inst.previous[pi] == gi)
        # A planner's lock overrides language fit; anyone else outside it costs the language penalty.
        self.lang_bad = ~inst.lang_ok[pi, gi] & (inst.locked[pi] < 0)
        if lang_violation_ok:
            cost = cost - penalty[LANGUAGE] * self.lang_bad
        self.base_cost = cost

        entries_r, entries_c, entries_v = [], [], []
        row_lo, row_hi = [], []
        n_rows = 0

        def add_rows(lo, hi):
            nonlocal n_rows
            start = n_rows
            row_lo.append(np.asarray(lo, dtype=float))
            row_hi.append(np.asarray(hi, dtype=float))
            n_rows += len(row_lo[-1])
            return start

        inf = highspy.kHighsInf
        cols = np.arange(K)
        # Each person in exactly one group.
        r_assign = add_rows(np.ones(N), np.ones(N))
        entries_r.append(r_assign + pi)
        entries_c.append(cols)
        entries_v.append(np.ones(K))
        # Size rows: sum_p x[p, g] - y_g = 0.
        r_size = add_rows(np.zeros(G), np.zeros(G))
        entries_r.append(r_size + gi)
        entries_c.append(cols)
        entries_v.append(np.ones(K))
        y = K + np.arange(G)  # column index of y_g
        entries_r.append(r_size + np.arange(G))
        entries_c.append(y)
        entries_v.append(-np.ones(G))
        n_cols = K + G
        col_lo = [np.zeros(K), np.zeros(G)]
        col_hi = [np.ones(K), np.full(G, inf)]
        col_cost = [cost, np.zeros(G)]
        self.slack = {}  # rule -> (first column, count, row group ids)

        def add_slack(rule, rows, sign, group_ids):
            nonlocal n_cols
            count = len(rows)
            start = n_cols
            entries_r.append(np.asarray(rows))
            entries_c.append(start + np.arange(count))
            entries_v.append(np.full(count, float(sign)))
            on = rule in relaxed
            col_lo.append(np.zeros(count))
            col_hi.append(np.full(count, inf if on else 0.0))
            col_cost.append(np.full(count, -penalty[rule] if on else 0.0))
            self.slack.setdefault(rule, []).append((start, count, np.asarray(group_ids)))
            n_cols += count

        mins = np.array([g.min_size for g in inst.groups], dtype=float)
        maxs = np.array([g.max_size for g in inst.groups], dtype=float)
        # Group minimum: y_g + s >= min_g.   Group maximum: y_g - s <= max_g.
        r_min = add_rows(mins, np.full(G, inf))
        entries_r.append(r_min + np.arange(G))
        entries_c.append(y)
        entries_v.append(np.ones(G))
        add_slack(GROUP_MIN, r_min + np.arange(G), +1, np.arange(G))
        r_max = add_rows(np.full(G, -inf), maxs)
        entries_r.append(r_max + np.arange(G))
        entries_c.append(y)
        entries_v.append(np.ones(G))
        add_slack(GROUP_MAX, r_max + np.arange(G), -1, np.arange(G))

        # Resident floor: residents_g - floor * y_g + s >= 0.
        if inst.floor > 0:
            r_floor = add_rows(np.zeros(G), np.full(G, inf))
            res = inst.resident[pi]
            entries_r.append(r_floor + gi[res])
            entries_c.append(cols[res])
            entries_v.append(np.ones(int(res.sum())))
            entries_r.append(r_floor + np.arange(G))
            entries_c.append(y)
            entries_v.append(np.full(G, -inst.floor))
            add_slack(RESIDENT_FLOOR, r_floor + np.arange(G), +1, np.arange(G))

        # Sector ceiling: members of sector s in g - ceiling * y_g - s <= 0.
        if inst.capped_sectors:
            S = len(inst.capped_sectors)
            slot = np.full(len(inst.sectors), -1)
            slot[inst.capped_sectors] = np.arange(S)
            r_ceil = add_rows(np.full(G * S, -inf), np.zeros(G * S))
            col_slot = slot[inst.sector_of[pi]]
            has = col_slot >= 0
            entries_r.append(r_ceil + gi[has] * S + col_slot[has])
            entries_c.append(cols[has])
            entries_v.append(np.ones(int(has.sum())))
            rows_all = r_ceil + np.arange(G * S)
            entries_r.append(rows_all)
            entries_c.append(y[np.arange(G * S) // S])
            entries_v.append(np.full(G * S, -inst.ceiling))
            add_slack(SECTOR_CEILING, rows_all, -1, np.arange(G * S) // S)

        # Organization cap: members of o in g - s <= cap_o.
        if inst.org_cap:
            capped = sorted(inst.org_cap)
            slot = np.full(len(inst.orgs) + 1, -1)
            slot[capped] = np.arange(len(capped))
            n_org = len(capped)
            caps = np.repeat(np.array([inst.org_cap[o] for o in capped], dtype=float), G)
            r_org = add_rows(np.full(n_org * G, -inf), caps)
            col_slot = slot[inst.org_of[pi]]  # org -1 maps to the extra slot (-1)
            has = col_slot >= 0
            entries_r.append(r_org + col_slot[has] * G + gi[has])
            entries_c.append(cols[has])
            entries_v.append(np.ones(int(has.sum())))
            add_slack(ORG_CAP, r_org + np.arange(n_org * G), -1, np.tile(np.arange(G), n_org))

        rows = np.concatenate(entries_r).astype(np.int64)
        cols_all = np.concatenate(entries_c).astype(np.int64)
        vals = np.concatenate(entries_v).astype(float)
        order = np.argsort(cols_all, kind="stable")  # column-wise; row order inside a column is free
        rows, cols_all, vals = rows[order], cols_all[order], vals[order]
        start = np.searchsorted(cols_all, np.arange(n_cols + 1)).astype(np.int32)

        lp = highspy.HighsLp()
        lp.num_col_ = n_cols
        lp.num_row_ = n_rows
        lp.col_cost_ = np.concatenate(col_cost)
        lp.col_lower_ = np.concatenate(col_lo)
        lp.col_upper_ = np.concatenate(col_hi)
        lp.row_lower_ = np.concatenate(row_lo)
        lp.row_upper_ = np.concatenate(row_hi)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = start
        lp.a_matrix_.index_ = rows.astype(np.int32)
        lp.a_matrix_.value_ = vals
        lp.sense_ = highspy.ObjSense.kMaximize
        self.lp = lp
        self.n_cols = n_cols
        self.integral_costs = not relaxed and all(float(w).is_integer() for w in weights)

    def solve(self, *, integer, time_limit, mip_rel_gap=0.0):
        """Run HiGHS; returns (status name, objective, column values or None, mip dual bound)."""
        h = _HighsSolver()
        for name, value in (
            ("output_flag", False),
            ("threads", 1),
            ("random_seed", 0),
            ("time_limit", float(time_limit)),
            ("mip_rel_gap", float(mip_rel_gap)),
        ):
            h.setOptionValue(name, value)
        if integer and self.integral_costs and mip_rel_gap == 0:
            # Every objective value is an integer, so a gap below one proves optimality.
            h.setOptionValue("mip_abs_gap", 1 - 1e-6)
        h.passModel(self.lp)
        if integer:
            h.changeColsIntegrality(
                self.K, np.arange(self.K, dtype=np.int32), np.ones(self.K, dtype=np.uint8)
            )
        h.run()
        status = h.getModelStatus()
        info = h.getInfo()
        sol = h.getSolution()
        values = np.asarray(sol.col_value) if sol.value_valid else None
        names = {
            highspy.HighsModelStatus.kOptimal: "optimal",
            highspy.HighsModelStatus.kInfeasible: "infeasible",
            highspy.HighsModelStatus.kTimeLimit: "time_limit",
            highspy.HighsModelStatus.kUnboundedOrInfeasible: "infeasible",
        }
        name = names.get(status, "error")
        if name == "time_limit" and values is None:
            name = "time_limit_no_solution"
        bound = info.mip_dual_bound if integer else info.objective_function_value
        return name, float(info.objective_function_value), values, bound

    def groups_of(self, values, N):
        """Person -> group index from (near-)integral column values."""
        x = values[: self.K]
        best = np.full(N, -1, dtype=np.int64)
        best_val = np.full(N, -1.0)
        # Columns are grouped by person; take each person's largest value (first on ties).
        order = np.lexsort((-x, self.pi))
        first = np.ones(len(order), dtype=bool)
        first[1:] = self.pi[order][1:] != self.pi[order][:-1]
        chosen = order[first]
        best[self.pi[chosen]] = self.gi[chosen]
        best_val[self.pi[chosen]] = x[chosen]
        return best, best_val


# --------------------------------------------------------------------------------------------
# Solving


def _objective(inst, groups_idx, relaxed):
    """The plain objective (preference weights plus stability) of an assignment."""
    w = inst.rules.weights
    total = 0.0
    for i, g in enumerate(groups_idx):
        r = inst.rank[i, g]
        total += w[r - 1] if r else w[3]
        if inst.previous[i] == g:
            total += inst.rules.stability_bonus
    return total


def _solve_with(inst, relaxed, method, deadline):
    """Solve with the rules in `relaxed` allowed to give way. Returns a dict or None if infeasible."""
    model = _Model(inst, relaxed)
    remaining = max(deadline - time.perf_counter(), 1.0)
    status, lp_obj, lp_values, _ = model.solve(integer=False, time_limit=remaining)
    if status == "infeasible":
        return None
    if status != "optimal":
        raise AssignmentInputError("solver_error", f"The LP relaxation ended with status {status}.")
    lp_bound = lp_obj
    if method == "exact":
        remaining = max(deadline - time.perf_counter(), 1.0)
        status, obj, values, dual = model.solve(integer=True, time_limit=remaining)
        if status == "infeasible":
            return None
        if values is None:
            raise AssignmentInputError(
                "solver_error", f"The solver ended with status {status} and no solution."
            )
        groups_idx, _ = model.groups_of(values, inst.N)
        return {
            "groups": groups_idx,
            "solver_objective": obj,
            "status": "optimal" if status == "optimal" else status,
            "lp_bound": lp_bound,
            "mip_bound": dual,
            "method": "exact",
        }

    # LP and repair: keep the people the LP places whole, solve a MIP for the rest.
    groups_idx, best_val = model.groups_of(lp_values, inst.N)
    whole = best_val >= 1 - _EPS
    for attempt in range(3):
        if attempt == 1:
            # Widen: free everyone in a group a fractional person could join.
            x = lp_values[: model.K]
            frac_cols = (~whole[model.pi]) & (x > _EPS)
            touched = np.zeros(inst.G, dtype=bool)
            touched[model.gi[frac_cols]] = True
            whole = whole & ~touched[groups_idx]
        elif attempt == 2:
            whole = np.zeros(inst.N, dtype=bool)
        restrict = np.where(whole, groups_idx, -1)
        repair = _Model(inst, relaxed, restrict=restrict)
        remaining = max(deadline - time.perf_counter(), 1.0)
        gap = 0.0 if attempt < 2 else 0.001
        status, obj, values, _ = repair.solve(integer=True, time_limit=remaining, mip_rel_gap=gap)
        if values is not None and status in ("optimal", "time_limit"):
            final, _ = repair.groups_of(values, inst.N)
            if status == "optimal" and repair.integral_costs and lp_bound - obj < 1 - 1e-6:
                status = "proven"  # integer objective within one of the LP bound: nothing better exists
            return {
                "groups": final,
                "solver_objective": obj,
                "status": {"proven": "optimal", "optimal": "near_optimal"}.get(status, status),
                "lp_bound": lp_bound,
                "mip_bound": None,
                "method": "lp_repair",
                "repaired": int((~whole).sum()),
            }
    return None


def solve(people, groups, rules=None):
    """Assign every person to one group. Returns a Result; raises AssignmentInputError on bad input.

    Never fails silently: when the rules cannot all hold, the result's `relaxed` names the rules
    that were allowed to give way and `violations` says where and by how much.
    """
    rules = rules or Rules()
    started = time.perf_counter()
    inst = _Instance(people, groups, rules)
    if inst.N == 0:
        return _result(inst, np.zeros(0, dtype=np.int64), None, started)
    if inst.G == 0:
        raise AssignmentInputError("no_groups", "There are people to place but no planning groups.")
    deadline = started + rules.time_limit
    method = rules.method
    if method == "auto":
        method = "exact" if rules.exact_max_pairs >= inst.N * inst.G else "lp_repair"
    for k in range(len(RELAX_ORDER) + 1):
        outcome = _solve_with(inst, RELAX_ORDER[:k], method, deadline)
        if outcome is not None:
            outcome["relaxed"] = RELAX_ORDER[:k]
            return _result(inst, outcome["groups"], outcome, started)
    raise AssignmentInputError("infeasible", "No assignment exists even with every rule relaxed.")


def top_three_lp_max(people, groups, rules=None):
    """The largest share of people in one of their top three that the rules allow, by LP (an
    upper bound for any assignment). The benchmark compares the engine's share with it."""
    rules = rules or Rules()
    inst = _Instance(people, groups, rules)
    if inst.N == 0:
        return 0.0
    for k in range(len(RELAX_ORDER) + 1):
        model = _Model(inst, RELAX_ORDER[:k], weights=(1, 1, 1, 0), stability=0)
        status, objective, _values, _bound = model.solve(integer=False, time_limit=rules.time_limit)
        if status == "optimal":
            if k:  # penalties are in the objective: count the top-three share from the values
                x = _values[: model.K]
                objective = float(x[inst.rank[model.pi, model.gi] > 0].sum())
            return objective / inst.N
    return 0.0


# --------------------------------------------------------------------------------------------
# Checking and explaining


def check_rules(people, groups, assignment, rules=None):
    """Every violation of every rule by `assignment` (person id -> group id), measured exactly.

    Independent of the solver: tests and the benchmark use it to check what `solve` claims.
    """
    rules = rules or Rules()
    inst = _Instance(people, groups, rules)
    idx = np.array([inst.gidx.get(assignment.get(p.id), -1) for p in inst.people], dtype=np.int64)
    return _violations(inst, idx)


def _violations(inst, idx):
    out = []
    for i, p in enumerate(inst.people):
        if idx[i] < 0:
            out.append(Violation("unassigned", None, 1, f"{p.id} has no group"))
    placed = idx >= 0
    sizes = np.bincount(idx[placed], minlength=inst.G)
    for g, grp in enumerate(inst.groups):
        if sizes[g] < grp.min_size:
            out.append(
                Violation(GROUP_MIN, grp.id, grp.min_size - sizes[g], f"size {sizes[g]} < {grp.min_size}")
            )
        if sizes[g] > grp.max_size:
            out.append(
                Violation(GROUP_MAX, grp.id, sizes[g] - grp.max_size, f"size {sizes[g]} > {grp.max_size}")
            )
    residents = np.bincount(idx[placed & inst.resident], minlength=inst.G)
    for g, grp in enumerate(inst.groups):
        need = inst.floor * sizes[g]
        if residents[g] < need - _EPS:
            short = math.ceil(need - _EPS) - residents[g]
            out.append(
                Violation(
                    RESIDENT_FLOOR,
                    grp.id,
                    short,
                    f"{residents[g]} residents of {sizes[g]} < {inst.floor:.0%}",
                )
            )
    for s in inst.capped_sectors:
        members = np.bincount(idx[placed & (inst.sector_of == s)], minlength=inst.G)
        for g, grp in enumerate(inst.groups):
            allowed = inst.ceiling * sizes[g]
            if members[g] > allowed + _EPS:
                excess = members[g] - math.floor(allowed + _EPS)
                out.append(
                    Violation(
                        SECTOR_CEILING,
                        grp.id,
                        excess,
                        f"{inst.sectors[s]}: {members[g]} of {sizes[g]} > {inst.ceiling:.0%}",
                    )
                )
    for o, cap in inst.org_cap.items():
        members = np.bincount(idx[placed & (inst.org_of == o)], minlength=inst.G)
        for g, grp in enumerate(inst.groups):
            if members[g] > cap:
                out.append(
                    Violation(ORG_CAP, grp.id, members[g] - cap, f"{inst.orgs[o]}: {members[g]} > {cap}")
                )
    for i, p in enumerate(inst.people):
        g = idx[i]
        if g >= 0 and inst.locked[i] < 0 and not inst.lang_ok[i, g]:
            out.append(Violation(LANGUAGE, inst.groups[g].id, 1, f"{p.id} does not fit the group's language"))
        if inst.locked[i] >= 0 and g != inst.locked[i]:
            out.append(
                Violation(
                    "lock", inst.groups[g].id if g >= 0 else None, 1, f"{p.id} is not in the locked group"
                )
            )
    return out


def _reason(inst, i, g, sizes):
    if inst.locked[i] >= 0:
        return REASON_LOCKED
    r = inst.rank[i, g]
    if r == 1:
        return REASON_FIRST
    if inst.previous[i] == g:
        return REASON_KEPT
    ranked = inst.rank[i] > 0
    if not ranked.any():
        return REASON_UNRANKED
    better = np.nonzero(ranked & ((inst.rank[i] < r) if r else True))[0]
    fitting = [b for b in better if inst.lang_ok[i, b]]
    if not fitting:
        return REASON_LANGUAGE
    if all(sizes[b] >= inst.groups[b].max_size for b in fitting):
        return {2: REASON_SECOND_FIRST_FULL, 3: REASON_THIRD_OTHERS_FULL}.get(int(r), REASON_CHOICES_FULL)
    return REASON_BALANCE


def _result(inst, idx, outcome, started):
    sizes = np.bincount(idx, minlength=inst.G) if inst.N else np.zeros(inst.G, dtype=np.int64)
    placements = {}
    for i, p in enumerate(inst.people):
        g = int(idx[i])
        r = int(inst.rank[i, g])
        placements[p.id] = Placement(
            person_id=p.id,
            group_id=inst.groups[g].id,
            reason=_reason(inst, i, g, sizes),
            rank=r or None,
            previous_group=p.previous_group,
            locked=bool(inst.locked[i] >= 0),
        )
    violations = tuple(_violations(inst, idx))
    broken = {v.rule for v in violations}
    if outcome:
        relaxed = tuple(outcome["relaxed"])
    else:  # nobody to place: only group minimums can break, and they are reported as given way
        relaxed = RELAX_ORDER[: max((RELAX_ORDER.index(r) + 1 for r in broken), default=0)]
    objective = _objective(inst, idx, relaxed) if inst.N else 0.0
    lp_bound = outcome["lp_bound"] if outcome else None
    gap = None
    if lp_bound is not None:
        # On the solver's own objective (penalties for relaxed rules included), so it compares.
        gap = max(0.0, (lp_bound - outcome["solver_objective"]) / max(abs(lp_bound), 1.0))
    result = Result(
        placements=placements,
        status=outcome["status"] if outcome else "empty",
        method=outcome["method"] if outcome else "none",
        relaxed=relaxed,
        violations=violations,
        rules_held=tuple(rule for rule in RELAX_ORDER if rule not in broken),
        objective=objective,
        lp_bound=lp_bound,
        gap=gap,
        solve_seconds=time.perf_counter() - started,
        limits=inst.limits(),
    )
    result.figures = _figures(inst, idx, result, outcome or {})
    return result


def _share(count, total):
    return round(count / total, 4) if total else 0.0


def _figures(inst, idx, result, outcome):
    N = inst.N
    placements = result.placements.values()
    ranks = Counter(p.rank for p in placements)
    with_prefs = int((inst.rank > 0).any(axis=1).sum()) if N else 0
    sizes = np.bincount(idx, minlength=inst.G) if N else np.zeros(inst.G, dtype=np.int64)
    by_violation = defaultdict(list)
    for v in result.violations:
        by_violation[v.group_id].append(asdict(v))
    groups = []
    order = {gid: n for n, gid in enumerate(inst.display_order)}
    for g in sorted(range(inst.G), key=lambda g: order[inst.groups[g].id]):
        grp = inst.groups[g]
        members = idx == g
        size = int(sizes[g])
        sector_counts = Counter(inst.sectors[s] for s in inst.sector_of[members])
        residents = int((members & inst.resident).sum())
        non_res = {s: c for s, c in sector_counts.items() if s != inst.rules.resident_sector}
        top_sector, top_count = max(sorted(non_res.items()), key=lambda kv: kv[1], default=(None, 0))
        org_counts = Counter(int(o) for o in inst.org_of[members] if o >= 0)
        groups.append(
            {
                "id": grp.id,
                "language": grp.language,
                "size": size,
                "min_size": grp.min_size,
                "max_size": grp.max_size,
                "residents": residents,
                "resident_share": _share(residents, size),
                "top_sector": top_sector,
                "top_sector_share": _share(top_count, size),
                "sectors": dict(sorted(sector_counts.items())),
                "organizations": len(org_counts),
                "max_of_one_org": max(org_counts.values(), default=0),
                "first_choice": int(sum(1 for i in np.nonzero(members)[0] if inst.rank[i, g] == 1)),
                "violations": by_violation.get(grp.id, []),
            }
        )
    org_groups = defaultdict(set)
    for i in range(N):
        if inst.org_of[i] >= 0:
            org_groups[int(inst.org_of[i])].add(int(idx[i]))
    multi = [o for o in org_groups if int((inst.org_of == o).sum()) > 1]
    previous_known = [p for p in placements if p.previous_group is not None]
    return {
        "people": N,
        "groups": inst.G,
        "with_preferences": with_prefs,
        "first_choice": {"count": ranks[1], "share": _share(ranks[1], N)},
        "second_choice": {"count": ranks[2], "share": _share(ranks[2], N)},
        "third_choice": {"count": ranks[3], "share": _share(ranks[3], N)},
        "top_three": {
            "count": ranks[1] + ranks[2] + ranks[3],
            "share": _share(ranks[1] + ranks[2] + ranks[3], N),
        },
        "unranked": {"count": ranks[None], "share": _share(ranks[None], N)},
        "locked": sum(1 for p in placements if p.locked),
        "newcomers": N - len(previous_known),
        "moved": sum(1 for p in previous_known if p.moved),
        "reasons": dict(sorted(Counter(p.reason for p in placements).items())),
        "limits": result.limits,
        "groups_detail": groups,
        "organizations": {
            "count": len(inst.orgs),
            "with_several_people": len(multi),
            "mean_groups_per_org": round(sum(len(org_groups[o]) for o in multi) / len(multi), 2)
            if multi
            else 0.0,
            "max_of_one_org_in_a_group": max((g["max_of_one_org"] for g in groups), default=0),
        },
        "solver": {
            "status": result.status,
            "method": result.method,
            "seconds": round(result.solve_seconds, 3),
            "objective": round(result.objective, 3),
            "lp_bound": round(result.lp_bound, 3) if result.lp_bound is not None else None,
            "mip_bound": round(outcome["mip_bound"], 3) if outcome.get("mip_bound") is not None else None,
            "gap": round(result.gap, 6) if result.gap is not None else None,
            "repaired": outcome.get("repaired"),
        },
        "relaxed": list(result.relaxed),
        "rules_held": list(result.rules_held),
        "violations": [asdict(v) for v in result.violations],
        "gave_way": _gave_way(result.violations),
    }


def _gave_way(violations):
    """Per rule that gave way: how many groups, and the total amount (people)."""
    out = {}
    for v in violations:
        entry = out.setdefault(v.rule, {"groups": 0, "amount": 0})
        entry["groups"] += 1
        entry["amount"] += int(v.amount)
    return out
