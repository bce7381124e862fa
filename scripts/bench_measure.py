"""make bench: the hot paths of issue 11, core Odoo against core Odoo + crm_sales_process, side by side.

Each round runs one worker process (this script with --worker) that opens both databases, core and
addon, and runs every piece of work on them in turn: core, addon, core, addon… (--reps runs each, after
one warm-up run each that is not counted). Paired runs seconds apart see the same machine: a slow
moment of a shared machine slows both sides, not one. Every run is done as the bench salesman in its
own transaction, timed until the work is flushed and the precommit hooks have run (what a request does
before its COMMIT: core's chatter tracking is written there), then rolled back: the cached databases
never change. The tables print the median (and the min) of every figure over all runs and the ratio
addon / core. The addon's reports run as the bench sales manager, the sales analytics (stage funnel, days in
stage, sales analysis, follow-ups, sales targets) next to a plain read_group of the leads by stage, their
baseline.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import psycopg2
from lxml import etree

import odoo
from odoo.tools.safe_eval import safe_eval

# the web client's views count the records up to 10,000 (+1 to know there are more)
WEB_COUNT_LIMIT = 10_001
KANBAN_DOMAIN_TEAM = "Bench"
HISTORY_ACTION = "crm_sales_process.crm_lead_stage_history_action"
HISTORY_LIST = "crm_sales_process.crm_lead_stage_history_view_list"
NEEDS_ACTION = "crm_sales_process.crm_lead_need_action_analysis"
FOLLOWUP_LIST = "crm_sales_process.crm_lead_followup_view_list"
TARGET_LIST = "crm_sales_process.crm_sales_target_view_list"

# (key, label, unit, target kind, target argument); target kinds: ratio (addon <= x * core),
# plus (addon <= core + x), per_card (from the other key's figure to this one, the addon adds no query: its
# difference between 40 and 400 cards is the core's)
MAIN_ROWS = [
    ("create_1.queries", "create 1 lead (queries)", "q", "plus", 5),
    ("create_1.time", "create 1 lead (time)", "ms", None, None),
    ("create_20.queries", "create 20 leads, one call (queries)", "q", "plus", 20),
    ("create_20.time", "create 20 leads, one call (time)", "ms", None, None),
    ("create_2000.time", "create 2,000 leads, one call (time)", "s", "ratio", 1.25),
    ("create_2000.per_lead", "  … per lead", "ms", None, None),
    ("kanban_400.time", "pipeline kanban, 400 cards (time)", "ms", "ratio", 1.25),
    ("kanban_400.queries", "pipeline kanban, 400 cards (queries)", "q", "per_card", "kanban_40.queries"),
    ("kanban_40.time", "pipeline kanban, 40 cards (time)", "ms", None, None),
    ("kanban_40.queries", "pipeline kanban, 40 cards (queries)", "q", None, None),
    ("reassign_100.time", "reassign 100 leads (write user_id)", "ms", "ratio", 1.25),
    ("reassign_100.write_time", "  … until flushed (before the precommit hooks)", "ms", None, None),
    ("reassign_100.queries", "reassign 100 leads (queries)", "q", None, None),
    ("move_100.time", "move 100 leads back one stage", "ms", "ratio", 1.25),
    ("move_100.write_time", "  … until flushed (before the precommit hooks)", "ms", None, None),
    ("move_100.queries", "move 100 leads back one stage (queries)", "q", None, None),
]
REPORTS = [
    ("history_pivot", "stage-history pivot (stage from x grade)"),
    ("history_list", "Stage History list (80 rows + count)"),
    ("need_hot_spots", "Need Hot Spots (tag x type)"),
]
# The sales analytics against the pipeline's own grouping: (key, label, table whose rows it reads).
# Target: each at most ANALYTICS_TARGET times the plain read_group of the leads by stage (the baseline).
ANALYTICS_BASELINE = "leads_by_stage"
ANALYTICS = [
    (ANALYTICS_BASELINE, "(a) leads by stage: crm.lead _read_group (baseline)", "leads"),
    ("funnel_pivot", "(b) Stage Funnel pivot by stage (4 measures)", "leads"),
    ("days_in_stage", "(c) Days in Stage pivot by stage (average days, moves)", "history"),
    ("analysis_frequency", "(d) Sales Analysis by follow-up frequency (win rate, follow-ups/week)", "leads"),
    ("analysis_grade", "(e) Sales Analysis by grade (first contact on time, days to win)", "leads"),
    ("followup_list", "(f) Follow-ups list (80 rows + count)", "followups"),
    ("target_list", "(g) Sales Targets list (progress computed)", "targets"),
]
ANALYTICS_TARGET = 2.0


# ----------------------------------------------------------------------------------------------------------
# Worker: one database, every piece of work --reps times
# ----------------------------------------------------------------------------------------------------------


class Worker:
    configured = False

    def __init__(self, database, addons_path):
        if not Worker.configured:  # once per process: both databases share the server's configuration
            odoo.tools.config.parse_config([f"--addons-path={addons_path}", "--log-level=warn", "--max-cron-threads=0"])
            Worker.configured = True
        self.database = database
        self.registry = odoo.modules.registry.Registry(database)
        with self.cursor() as cr:
            env = self.env(cr, odoo.SUPERUSER_ID)
            self.salesman = env["res.users"].search([("login", "=", "bench_salesman")]).id
            self.colleague = env["res.users"].search([("login", "=", "bench_colleague")]).id
            self.manager = env["res.users"].search([("login", "=", "bench_manager")]).id
            assert self.salesman and self.colleague and self.manager, f"{database}: the bench users are missing"
            team = env["crm.team"].search([("name", "=", KANBAN_DOMAIN_TEAM)])
            self.team = team.id
            self.company = env.company.id
            self.addon = "crm.lead.stage.history" in env
            Stage = env["crm.stage"]
            stages = (
                Stage._pipeline_for(team)
                if hasattr(Stage, "_pipeline_for")
                else Stage.search(["|", ("team_id", "=", False), ("team_id", "=", team.id)])
            )
            leads = env["crm.lead"].search([("team_id", "=", team.id)], order="id")
            self.bench_lead_ids = leads.ids
            from_stage, to_stage = stages[1], stages[0]
            self.move_ids = leads.filtered(lambda lead: lead.stage_id == from_stage)[:100].ids
            self.move_to = to_stage.id
            assert len(self.move_ids) == 100, f"the fixture has {len(self.move_ids)} leads in {from_stage.name}"
            self.reassign_ids = leads[-100:].ids
            self.kanban = self.kanban_request(env)
        self.results = {}
        self.plan = []

    def env(self, cr, uid, context=None):
        base = {"lang": "en_US", "tz": "Asia/Shanghai", "allowed_company_ids": [getattr(self, "company", 1)]}
        return odoo.api.Environment(cr, uid, dict(base, **(context or {})))

    def cursor(self):
        return self.registry.cursor()

    # -- the kanban of the pipeline, as the web client asks for it ---------------------------------------

    def kanban_request(self, env):
        action = env.ref("crm.crm_lead_action_pipeline")
        view_id = next((v.view_id.id for v in action.view_ids if v.view_mode == "kanban"), False)
        salesman_env = env(user=self.salesman)
        views = salesman_env["crm.lead"].get_views([(view_id, "kanban")], {"toolbar": False})
        arch = etree.fromstring(views["views"]["kanban"]["arch"])
        fields = views["models"]["crm.lead"]["fields"]
        spec = {}
        for node in arch.iter("field"):
            # skip the fields of sub-views (none in the pipeline's kanban)
            if any(parent.tag == "field" for parent in node.iterancestors()):
                continue
            name = node.get("name")
            field = fields[name]
            invisible = node.get("invisible") in ("True", "1")
            entry = spec.setdefault(name, {})
            if field["type"] in ("many2one", "reference"):
                entry["fields"] = {} if invisible else {"display_name": {}}
            elif field["type"] in ("one2many", "many2many") and node.get("widget", "").startswith("many2many_tags"):
                related = {"display_name": {}}
                options = node.get("options") or ""
                if "color_field" in options:
                    related["color"] = {}
                entry.setdefault("fields", {}).update(related)
        progress = arch.find(".//progressbar")
        progress_bar = {
            "field": progress.get("field"),
            "colors": json.loads(progress.get("colors")),
            "sum_field": progress.get("sum_field"),
            "help": progress.get("help"),
        }
        aggregates = [
            f"{name}:{fields[name]['aggregator']}"
            for name in spec
            if fields[name].get("aggregator") and name != "stage_id"
        ]
        domain = [("type", "=", "opportunity"), ("team_id", "=", self.team)]
        return {"spec": spec, "aggregates": aggregates, "progress_bar": progress_bar, "domain": domain}

    def open_kanban(self, env, limit):
        Lead = env["crm.lead"]
        k = self.kanban
        page = Lead.web_search_read(k["domain"], k["spec"], limit=limit, count_limit=WEB_COUNT_LIMIT)
        Lead.web_read_group(k["domain"], k["aggregates"], ["stage_id"], lazy=True)
        Lead.read_progress_bar(k["domain"], "stage_id", k["progress_bar"])
        return len(page["records"])

    # -- measuring -------------------------------------------------------------------------------------------

    def run(self, key, work, reps, *, uid=None, count=None, warmup=True):
        """Plans ``work(env)`` ``reps`` times (after a warm-up run unless ``warmup`` is false); the pair
        of workers runs the plans of both databases in turn (see ``run_pair``)."""
        self.plan.append((key, (work, reps, uid, count, warmup)))

    def run_once(self, key, work, uid=None, count=None, record=True):
        """Times one run of ``work(env)`` in a rolled-back transaction: the time until the work is
        flushed (``write_time``) and until the precommit hooks have run too (``time``), and the
        queries. ``count``: divides the time for a per-unit figure."""
        with self.cursor() as cr:
            env = self.env(cr, uid or self.salesman)
            env.flush_all()
            queries = cr.sql_log_count
            start = time.perf_counter()
            result = work(env)
            env.flush_all()
            flushed = time.perf_counter() - start
            # what a request does before its COMMIT: the precommit hooks (core's chatter tracking of the
            # changed fields) and what they write
            cr.flush()
            elapsed = time.perf_counter() - start
            queries = cr.sql_log_count - queries
            cr.rollback()
        if not record:
            return  # warm-up: caches of a server in use
        self.record(f"{key}.time", elapsed * 1000)
        self.record(f"{key}.write_time", flushed * 1000)
        self.record(f"{key}.queries", queries)
        if count:
            self.record(f"{key}.per_lead", elapsed * 1000 / count)
        if isinstance(result, int):
            self.record(f"{key}.rows", result)

    def record(self, key, value):
        self.results.setdefault(key, []).append(value)

    def lead_vals(self, count, tag):
        return [
            {
                "name": f"Bench new {tag} {i}",
                "type": "opportunity",
                "partner_name": f"New Customer {i} Co., Ltd.",
                "email_from": f"new{i}@new-customer{i}.example.cn",
                "phone": f"+86 21 7777 {i:04d}",
                "team_id": self.team,
                "user_id": self.salesman,
            }
            for i in range(count)
        ]

    def suite_small(self, reps):
        Lead = "crm.lead"
        # the screens first: the rolled-back creations below leave dead rows behind until the next VACUUM
        self.suite_kanban(reps)
        if self.addon:
            self.suite_reports(reps)
        self.run("create_1", lambda env: env[Lead].create(self.lead_vals(1, "one")) and None, reps)
        self.run("create_20", lambda env: env[Lead].create(self.lead_vals(20, "twenty")) and None, reps)
        vals_2000 = self.lead_vals(2000, "import")
        # once per worker, no warm-up: the smaller creations warmed the caches up
        self.run("create_2000", lambda env: env[Lead].create(vals_2000) and None, 1, count=2000, warmup=False)
        # a sales manager hands the salesman's leads to a colleague (the salesman himself could not: core
        # recomputes the leads' properties after the write, and he no longer reads leads that are not his)
        self.run(
            "reassign_100",
            lambda env: env[Lead].browse(self.reassign_ids).write({"user_id": self.colleague}) and None,
            reps,
            uid=self.manager,
        )
        self.run(
            "move_100", lambda env: env[Lead].browse(self.move_ids).write({"stage_id": self.move_to}) and None, reps
        )

    def suite_kanban(self, reps):
        self.run("kanban_400", lambda env: self.open_kanban(env, 400), reps)
        self.run("kanban_40", lambda env: self.open_kanban(env, 40), reps)

    def suite_scale(self, reps):
        self.suite_kanban(reps)
        if self.addon:
            self.suite_reports(reps)

    def suite_reports(self, reps):
        with self.cursor() as cr:
            env = self.env(cr, odoo.SUPERUSER_ID)
            history_domain = self.action_domain(env, HISTORY_ACTION)
            need_domain = self.action_domain(env, NEEDS_ACTION)
            History = env["crm.lead.stage.history"].with_context(active_test=False)
            self.record("history.table_rows", History.search_count([]))
            self.record("needs.table_rows", env["crm.lead.need"].with_context(active_test=False).search_count([]))
            list_arch = env.ref(HISTORY_LIST).arch
            # the list's fields, as the web client reads them (many2one: display_name)
            views = env(user=self.salesman)["crm.lead.stage.history"].get_views([(env.ref(HISTORY_LIST).id, "list")])
        fields = views["models"]["crm.lead.stage.history"]["fields"]
        list_spec = {}
        for node in etree.fromstring(list_arch).iter("field"):
            name = node.get("name")
            list_spec[name] = {"fields": {"display_name": {}}} if fields[name]["type"] == "many2one" else {}

        def pivot(env):
            groups = env["crm.lead.stage.history"].read_group(
                history_domain, ["days_in_stage:avg", "__count"], ["stage_from_id", "grade"], lazy=False
            )
            return len(groups)

        def history_list(env):
            History = env["crm.lead.stage.history"]
            # the list's record count: web_search_read counts up to the web client's limit (10,001)
            page = History.web_search_read(history_domain, list_spec, limit=80, count_limit=WEB_COUNT_LIMIT)
            return len(page["records"])

        def hot_spots(env):
            groups = env["crm.lead.need"].read_group(need_domain, ["__count"], ["tag_ids", "need_type"], lazy=False)
            return len(groups)

        # the reports are sales managers' screens (Reporting menu); a salesman would see his leads' rows only
        manager = self.manager
        self.run("history_pivot", pivot, reps, uid=manager)
        self.run("history_list", history_list, reps, uid=manager)
        self.run("need_hot_spots", hot_spots, reps, uid=manager)
        self.suite_analytics(reps)

    def list_spec(self, env, model, view_xmlid):
        """The fields a list view reads, as the web client asks for them (many2one: display_name), from the
        view as the bench sales manager gets it."""
        view = env.ref(view_xmlid)
        views = env(user=self.manager)[model].get_views([(view.id, "list")])
        fields = views["models"][model]["fields"]
        spec = {}
        for node in etree.fromstring(views["views"]["list"]["arch"]).iter("field"):
            name = node.get("name")
            spec[name] = {"fields": {"display_name": {}}} if fields[name]["type"] == "many2one" else {}
        return spec

    def suite_analytics(self, reps):
        """The sales analytics (CRM > Reporting), side by side with the pipeline's plain grouping of the
        leads by stage, as the bench sales manager, on every lead (no filter: the worst case)."""
        with self.cursor() as cr:
            env = self.env(cr, odoo.SUPERUSER_ID)
            self.record("leads.table_rows", env["crm.lead"].with_context(active_test=False).search_count([]))
            self.record("followups.table_rows", env["crm.lead.followup"].search_count([]))
            followup_spec = self.list_spec(env, "crm.lead.followup", FOLLOWUP_LIST)
            has_targets = "crm.sales.target" in env and env.ref(TARGET_LIST, raise_if_not_found=False)
            targets = env["crm.sales.target"].search_count([]) if has_targets else 0
            if targets:
                self.record("targets.table_rows", targets)
                target_spec = self.list_spec(env, "crm.sales.target", TARGET_LIST)

        def leads_by_stage(env):
            return len(env["crm.lead"]._read_group([], ["stage_id"], ["__count"]))

        def funnel_pivot(env):
            groups = env["crm.sales.funnel.report"].read_group(
                [],
                ["leads_in_order:sum", "leads_any:sum", "conversion_in_order:avg", "conversion_any:avg"],
                ["stage_id"],
                lazy=False,
            )
            return len(groups)

        def days_in_stage(env):
            groups = env["crm.sales.stage.duration"].read_group(
                [("stage_id.active", "=", True)], ["days_in_stage:avg", "moves:sum"], ["stage_id"], lazy=False
            )
            return len(groups)

        def analysis_frequency(env):
            groups = env["crm.sales.lead.analysis"].read_group(
                [], ["win_rate:avg", "followups_per_week:avg"], ["followup_frequency"], lazy=False
            )
            return len(groups)

        def analysis_grade(env):
            groups = env["crm.sales.lead.analysis"].read_group(
                [], ["sla_compliance:avg", "cycle_days:avg"], ["grade"], lazy=False
            )
            return len(groups)

        def followup_list(env):
            page = env["crm.lead.followup"].web_search_read([], followup_spec, limit=80, count_limit=WEB_COUNT_LIMIT)
            return len(page["records"])

        def target_list(env):
            page = env["crm.sales.target"].web_search_read([], target_spec, limit=80, count_limit=WEB_COUNT_LIMIT)
            return len(page["records"])

        works = [leads_by_stage, funnel_pivot, analysis_frequency, analysis_grade, followup_list]
        if "crm.sales.stage.duration" in env:
            works.insert(2, days_in_stage)
        if targets:
            works.append(target_list)
        for work in works:
            self.run(work.__name__, work, reps, uid=self.manager)

    def action_domain(self, env, xmlid):
        action = env.ref(xmlid)
        return safe_eval(action.domain or "[]", {"uid": self.salesman})


def vacuum(database):
    """The dead rows of the previous workers' rolled-back work removed, the statistics fresh: every
    worker finds its database as the cache built it."""
    connection = psycopg2.connect(dbname=database)
    try:
        connection.autocommit = True
        with connection.cursor() as cr:
            cr.execute("VACUUM ANALYZE")
    finally:
        connection.close()


def run_pair(workers):
    """Run the planned work of both workers in turn, run by run: core, addon, core, addon… Work only
    one side plans (the addon's reports) runs alone."""
    plans = [dict(worker.plan) for worker in workers]
    keys = list(dict.fromkeys(key for worker in workers for key, _step in worker.plan))
    for key in keys:
        sides = [(worker, plan[key]) for worker, plan in zip(workers, plans, strict=True) if key in plan]
        _work, reps, _uid, _count, warmup = sides[0][1]
        for rep in range(0 if warmup else 1, reps + 1):
            for worker, (work, _reps, uid, count, _warmup) in sides:
                worker.run_once(key, work, uid=uid, count=count, record=rep > 0)


def worker_main(args):
    databases = args.database.split(",")
    for database in databases:
        vacuum(database)
    workers = [Worker(database, args.addons_path) for database in databases]
    for worker in workers:
        getattr(worker, f"suite_{args.suite}")(args.reps)
    run_pair(workers)
    with open(args.out, "w") as out:
        json.dump({worker.database: worker.results for worker in workers}, out)


# ----------------------------------------------------------------------------------------------------------
# Orchestrator
# ----------------------------------------------------------------------------------------------------------


def spawn(args, databases, suite):
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as out:
        path = out.name
    command = [
        sys.executable,
        os.path.abspath(__file__),
        "--worker",
        "--database",
        ",".join(databases),
        "--addons-path",
        args.addons_path,
        "--suite",
        suite,
        "--reps",
        str(args.reps),
        "--out",
        path,
    ]
    start = time.perf_counter()
    done = subprocess.run(command, check=False)
    if done.returncode:
        raise SystemExit(f"the bench worker on {databases} ({suite}) failed with status {done.returncode}")
    with open(path) as data:
        result = json.load(data)
    os.unlink(path)
    print(f"    {' + '.join(databases):<44} {suite:<6} {time.perf_counter() - start:6.1f} s", flush=True)
    return result


def merge(into, results):
    for key, values in results.items():
        into.setdefault(key, []).extend(values)


def fmt(value, unit):
    if value is None:
        return "-"
    if unit == "q":
        return f"{value:.0f}"
    if unit == "s":
        return f"{value / 1000:.2f} s"
    if unit == "ms":
        return f"{value:.1f} ms" if value < 100 else f"{value:.0f} ms"
    return f"{value:.3g}"


def stat(values, unit):
    if not values:
        return "-"
    median = statistics.median(values)
    if unit == "q":
        low = min(values)
        return fmt(median, unit) if low == median else f"{fmt(median, unit)} (min {fmt(low, unit)})"
    return f"{fmt(median, unit)} (min {fmt(min(values), unit)})"


def table(headers, rows):
    widths = [max(len(str(row[i])) for row in [headers, *rows]) for i in range(len(headers))]
    line = "  ".join("-" * w for w in widths)
    out = ["  ".join(str(h).ljust(w) for h, w in zip(headers, widths, strict=True)), line]
    out += ["  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    return "\n".join(out)


def main_table(core, addon):
    rows, missed = [], []
    for key, label, unit, kind, arg in MAIN_ROWS:
        c, a = core.get(key), addon.get(key)
        cm = statistics.median(c) if c else None
        am = statistics.median(a) if a else None
        ratio = f"{am / cm:.2f}x" if cm and am is not None else "-"
        if c and a and min(c):
            ratio += f" ({min(a) / min(c):.2f}x)"
        target, met = "", ""
        if kind == "ratio":
            target = f"<= {arg}x"
            met = "yes" if cm and am is not None and am <= arg * cm else "NO"
        elif kind == "plus":
            target = f"<= core + {arg} ({cm + arg:.0f})" if cm is not None else f"<= core + {arg}"
            met = "yes" if cm is not None and am is not None and am <= cm + arg else "NO"
        elif kind == "per_card":
            core_40, addon_40 = core.get(arg), addon.get(arg)
            if core_40 and addon_40 and cm is not None and am is not None:
                core_growth = cm - statistics.median(core_40)
                addon_growth = am - statistics.median(addon_40)
                target = f"40 -> 400 cards: {addon_growth:+.0f} q (core {core_growth:+.0f})"
                met = "yes" if addon_growth <= core_growth else "NO"
            else:
                target, met = "same count at 40 cards", "NO"
        rows.append([label, stat(c, unit), stat(a, unit), ratio, target, met])
        if met == "NO":
            missed.append(f"TARGET MISSED: {label}: core {fmt(cm, unit)}, addon {fmt(am, unit)} (target {target})")
    return table(["work", "core", "addon", "ratio (of mins)", "target", "met?"], rows), missed


def growth_text(growth):
    return f"{growth:.2f}x" if growth >= 0.1 else f"{growth:.2g}x"


def scale_table(core, addon, core_big, addon_big):
    rows, missed = [], []
    for db, small, big in (("core", core, core_big), ("addon", addon, addon_big)):
        for key, label in (("kanban_400", "pipeline kanban, 400 cards"), ("kanban_40", "pipeline kanban, 40 cards")):
            ts, tb = small.get(f"{key}.time"), big.get(f"{key}.time")
            qs, qb = small.get(f"{key}.queries"), big.get(f"{key}.queries")
            if not (ts and tb):
                continue
            growth = statistics.median(tb) / statistics.median(ts)
            rows.append(
                [
                    f"{db}: {label}",
                    f"{stat(ts, 'ms')}, {fmt(statistics.median(qs), 'q')} q",
                    f"{stat(tb, 'ms')}, {fmt(statistics.median(qb), 'q')} q",
                    "per card",
                    growth_text(growth),
                ]
            )
            if statistics.median(qb) != statistics.median(qs):
                missed.append(f"TARGET MISSED: {db}: {label}: the query count grows with the table (at scale)")
    for key, label in REPORTS:
        table_key = "history.table_rows" if key.startswith("history") else "needs.table_rows"
        ts, tb = addon.get(f"{key}.time"), addon_big.get(f"{key}.time")
        ns, nb = addon.get(table_key), addon_big.get(table_key)
        if not (ts and tb and ns and nb):
            continue
        small_per_row = statistics.median(ts) / ns[0]
        big_per_row = statistics.median(tb) / nb[0]
        rows.append(
            [
                f"addon: {label}",
                f"{stat(ts, 'ms')} / {ns[0]:,} rows",
                f"{stat(tb, 'ms')} / {nb[0]:,} rows",
                "per table row",
                growth_text(big_per_row / small_per_row),
            ]
        )
    headers = ["work", "small DB (400 bench leads)", "100,000 leads", "cost", "growth"]
    return table(headers, rows), missed


def round_ratios(rounds, key):
    """Per round, the median of ``key`` over the median of the baseline: the lowest and the highest."""
    ratios = [
        statistics.median(r[f"{key}.time"]) / statistics.median(r[f"{ANALYTICS_BASELINE}.time"])
        for r in rounds
        if r.get(f"{key}.time") and r.get(f"{ANALYTICS_BASELINE}.time")
    ]
    return (min(ratios), max(ratios)) if ratios else None


def analytics_table(sides):
    """The sales analytics next to the plain read_group of the leads by stage, on each database of
    ``sides`` ([(title, results of all runs, results of each round)]): time, queries, ratio to the
    baseline (of the medians; lowest-highest per round), the target, judged on the last (largest)
    database, and the growth from the first database to the last (the time's, and per row of the
    table it reads)."""
    rows, missed = [], []
    present = [
        (title, results, rounds) for title, results, rounds in sides if results.get(f"{ANALYTICS_BASELINE}.time")
    ]
    if not present:
        return None, missed
    first, last = present[0][1], present[-1][1]
    judged_on = present[-1][0]
    for key, label, table_name in ANALYTICS:
        if not any(results.get(f"{key}.time") for _title, results, _rounds in present):
            continue
        row = [label]
        for _title, results, rounds in present:
            times, base = results.get(f"{key}.time"), results.get(f"{ANALYTICS_BASELINE}.time")
            if not times:
                row += ["-", "-"]
                continue
            queries = fmt(statistics.median(results[f"{key}.queries"]), "q")
            table_rows = results.get(f"{table_name}.table_rows")
            size = f", {table_rows[0]:,} {table_name}" if table_rows and key != ANALYTICS_BASELINE else ""
            row.append(f"{stat(times, 'ms')}, {queries} q{size}")
            ratio = statistics.median(times) / statistics.median(base)
            spread = round_ratios(rounds, key)
            multi = spread and len(rounds) > 1 and key != ANALYTICS_BASELINE
            spread = f" ({spread[0]:.2f}-{spread[1]:.2f}x)" if multi else ""
            row.append(f"{ratio:.2f}x{spread}")
        met = ""
        times, base = last.get(f"{key}.time"), last.get(f"{ANALYTICS_BASELINE}.time")
        if key != ANALYTICS_BASELINE:
            ratio = statistics.median(times) / statistics.median(base) if times else None
            met = "yes" if ratio is not None and ratio <= ANALYTICS_TARGET else "NO"
            if met == "NO":
                measured = (
                    f"{ratio:.1f}x the read_group of the leads by stage ({fmt(statistics.median(times), 'ms')}"
                    f" against {fmt(statistics.median(base), 'ms')})"
                    if ratio is not None
                    else "not measured"
                )
                missed.append(f"TARGET MISSED: {label} on {judged_on}: {measured}; target <= {ANALYTICS_TARGET:g}x")
        row.append(f"<= {ANALYTICS_TARGET:g}x (a)" if key != ANALYTICS_BASELINE else "")
        row.append(met)
        if len(present) > 1:
            ts, tb = first.get(f"{key}.time"), last.get(f"{key}.time")
            ns, nb = first.get(f"{table_name}.table_rows"), last.get(f"{table_name}.table_rows")
            growth = "-"
            if ts and tb:
                growth = growth_text(statistics.median(tb) / statistics.median(ts))
                if ns and nb and key not in ("followup_list", "target_list"):
                    per_row = (statistics.median(tb) / nb[0]) / (statistics.median(ts) / ns[0])
                    growth += f" ({growth_text(per_row)} per row)"
            row.append(growth)
        rows.append(row)
    headers = ["report (as the bench sales manager, no filter)"]
    for title, _results, _rounds in present:
        headers += [title, "ratio to (a)"]
    headers += ["target", f"met? ({judged_on})"]
    if len(present) > 1:
        headers.append(f"growth {present[0][0]} -> {present[-1][0]}")
    return table(headers, rows), missed


def orchestrate(args):
    prefix = args.prefix
    core_db, addon_db = f"{prefix}_core", f"{prefix}_addon"
    results = {name: {} for name in ("core", "addon", "core_big", "addon_big")}
    # the addon's results of each round: the analytics' ratios per round
    rounds = {"addon": [], "addon_big": []}
    print(
        f"\n== Measuring: {args.rounds} rounds of {args.reps} runs of each piece of work on each database "
        f"(after a warm-up run), core and addon in turn",
        flush=True,
    )
    start = time.perf_counter()
    for round_ in range(1, args.rounds + 1):
        print(f"  round {round_}/{args.rounds}", flush=True)
        small = spawn(args, [core_db, addon_db], "small")
        merge(results["core"], small[core_db])
        merge(results["addon"], small[addon_db])
        rounds["addon"].append(small[addon_db])
        if args.scale:
            big = spawn(args, [f"{core_db}_100k", f"{addon_db}_100k"], "scale")
            merge(results["core_big"], big[f"{core_db}_100k"])
            merge(results["addon_big"], big[f"{addon_db}_100k"])
            rounds["addon_big"].append(big[f"{addon_db}_100k"])
    print(f"  measured in {time.perf_counter() - start:.0f} s")

    print("\n== Hot paths: core Odoo vs core Odoo + crm_sales_process (median over all runs, min in brackets)\n")
    text, missed = main_table(results["core"], results["addon"])
    print(text)
    addon = results["addon"]
    if any(addon.get(f"{key}.time") for key, _label in REPORTS):
        print("\n   reports (addon only, as the bench sales manager):")
        for key, label in REPORTS:
            if addon.get(f"{key}.time"):
                queries = fmt(statistics.median(addon[f"{key}.queries"]), "q")
                print(f"   {label}: {stat(addon[f'{key}.time'], 'ms')}, {queries} queries")
    if args.scale:
        print("\n== At scale: the same screens among 100,000 leads and 1,000,000 stage-history rows\n")
        text, more = scale_table(results["core"], results["addon"], results["core_big"], results["addon_big"])
        print(text)
        print(
            "   growth: per card, the 400-card kanban's time at scale / in the small DB (1.00x = no growth);"
            " per table row, (time / rows in the table) at scale / in the small DB"
        )
        missed += more
    sides = [("small DB", results["addon"], rounds["addon"])]
    if args.scale:
        sides.append(("100,000 leads", results["addon_big"], rounds["addon_big"]))
    text, more = analytics_table(sides)
    if text:
        print(
            "\n== Sales analytics against a plain read_group of the leads by stage (the pipeline's column counts),"
            " median over all runs (min), ratio of the medians (lowest-highest round)\n"
        )
        print(text)
        missed += more
    print()
    if missed:
        print("\n".join(missed))
    else:
        print("Every target met.")
    if args.json:
        with open(args.json, "w") as out:
            json.dump(dict(results, rounds=rounds), out, indent=1)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--addons-path", required=True)
    parser.add_argument("--prefix", default="csp_bench")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="1 round of 2 runs: a smoke test, not a measure")
    parser.add_argument("--no-scale", dest="scale", action="store_false")
    parser.add_argument("--json", help="write every sample to this file")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--database", help=argparse.SUPPRESS)
    parser.add_argument("--suite", choices=["small", "scale"], help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.quick:
        args.rounds, args.reps = 1, 2
    if args.worker:
        worker_main(args)
    else:
        orchestrate(args)


if __name__ == "__main__":
    main()
