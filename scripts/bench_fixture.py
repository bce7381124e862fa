"""make bench: the data the benchmarks work on, the same script for the core and the addon databases.

    bench_fixture.py --database DB fixture   the bench salesman, the "Bench" team, 400 opportunities (ORM)
    bench_fixture.py --database DB scale     + 100,000 leads in SQL (10 % won, 20 % lost), what the addon computes
                                             for them, and in the addon database their grades and first-contact
                                             deadlines, ≈ 300,000 follow-ups, 1,000,000 stage-history rows and
                                             100,000 needs

In the addon database the fixture also logs ≈ 3 follow-ups per bench opportunity (in SQL, as the scale does)
and, when the addon has sales targets, a few targets of the current and the previous quarter.

Set-up is not measured: it commits. The data is deterministic (seeded random, generate_series).
"""

import argparse
import random
import sys
import time

from dateutil.relativedelta import relativedelta

import odoo
from odoo import Command, api

SEED = 11
BENCH_LEADS = 400
SCALE_LEADS = 100_000
SCALE_HISTORY = 1_000_000
SCALE_TEAMS = 8
SCALE_USERS = 16
CHUNK = 10_000
# the stage of the pipeline (index) that gets more leads than the others: the 100 leads moved back by the bench
MOVE_STAGE_INDEX = 1
MOVE_STAGE_LEADS = 120
NEED_TAGS = ["Cost reduction", "Efficiency", "Automation", "Quality", "Compliance", "Energy saving"]
# follow-ups per lead: 0 to FOLLOWUPS_MAX - 1, evenly (≈ 3 a lead, ≈ 300,000 at scale)
FOLLOWUPS_MAX = 7
# (scope, metric, value, previous quarter?) of the bench's sales targets
TARGETS = [
    ("company", "new_customers", 40, False),
    ("company", "won_opportunities", 1500, False),
    ("company", "won_revenue", 5_000_000, False),
    ("company", "new_leads", 15000, False),
    ("company", "won_revenue", 5_000_000, True),
    ("company", "new_customers", 40, True),
    ("team", "won_revenue", 500_000, False),
    ("user", "won_opportunities", 20, False),
]


def log(message):
    print(f"  [{time.strftime('%H:%M:%S')}] {message}", flush=True)


def has_addon(env):
    return "crm.lead.stage.history" in env


def pipeline(env, team):
    """The stages of the team's pipeline, in order (the addon's or core's)."""
    Stage = env["crm.stage"]
    if hasattr(Stage, "_pipeline_for"):
        return Stage._pipeline_for(team)
    return Stage.search(["|", ("team_id", "=", False), ("team_id", "=", team.id)])


def bypass_context(env):
    """In the addon database, the only way server code moves leads past the stage gate."""
    if not has_addon(env):
        return {}
    # importable only where the addon is on the addons path (not at the top: the core run needs no addon)
    from odoo.addons.crm_sales_process.models.crm_lead_gate import StageGateBypass  # noqa: PLC0415

    return {"crm_stage_gate_bypass": StageGateBypass("migration", "bench fixture")}


def make_user(env, login, name, group="sales_team.group_sale_salesman"):
    return (
        env["res.users"]
        .with_context(no_reset_password=True)
        .create(
            {
                "name": name,
                "login": login,
                "email": f"{login}@bench.example.com",
                "lang": "en_US",
                "groups_id": [Command.set([env.ref(group).id])],
            }
        )
    )


def fixture(env):
    rng = random.Random(SEED)
    salesman = make_user(env, "bench_salesman", "Bench Salesman")
    colleague = make_user(env, "bench_colleague", "Bench Colleague")
    # the reports (stage history, need hot spots) are sales managers' screens
    make_user(env, "bench_manager", "Bench Manager", group="sales_team.group_sale_manager")
    team = env["crm.team"].create(
        {"name": "Bench", "user_id": salesman.id, "member_ids": [Command.set([salesman.id, colleague.id])]}
    )
    stages = pipeline(env, team)
    log(f"team Bench, pipeline of {len(stages)} stages: {', '.join(stages.mapped('name'))}")
    partners = env["res.partner"].create(
        [
            {
                "name": f"Bench Customer {i:03d} Co., Ltd.",
                "is_company": True,
                "email": f"purchasing{i}@customer{i}.example.cn",
                "phone": f"+86 21 5555 {i:04d}",
            }
            for i in range(50)
        ]
    )
    tags = env["crm.tag"].create([{"name": f"Bench tag {i}", "color": i + 1} for i in range(6)])

    vals_list = []
    for i in range(BENCH_LEADS):
        partner = partners[i % len(partners)]
        vals_list.append(
            {
                "name": f"Bench opportunity {i:03d}",
                "type": "opportunity",
                "partner_id": partner.id,
                "email_from": f"buyer{i}@customer{i % len(partners)}.example.cn",
                "phone": f"+86 21 6666 {i:04d}",
                "expected_revenue": rng.randrange(10, 500) * 1000,
                "tag_ids": [Command.set(rng.sample(tags.ids, rng.randint(0, 3)))],
                "user_id": salesman.id,
                "team_id": team.id,
            }
        )
    Lead = env["crm.lead"].with_context(mail_create_nolog=True, tracking_disable=True)
    leads = Lead.create(vals_list)
    # spread over the stages: MOVE_STAGE_LEADS in the one the bench moves back from, the rest round-robin
    others = [stage for index, stage in enumerate(stages) if index != MOVE_STAGE_INDEX]
    targets = {}
    for index, lead in enumerate(leads):
        stage = stages[MOVE_STAGE_INDEX] if index < MOVE_STAGE_LEADS else others[index % len(others)]
        targets.setdefault(stage, []).append(lead.id)
    Moving = Lead.with_context(**bypass_context(env))
    for stage, ids in targets.items():
        Moving.browse(ids).filtered(lambda lead, s=stage: lead.stage_id != s).write({"stage_id": stage.id})
    log(f"{len(leads)} opportunities of team Bench over {len(targets)} stages")

    if has_addon(env):
        need_tags = env["crm.need.tag"].search([])
        if len(need_tags) < len(NEED_TAGS):
            need_tags |= env["crm.need.tag"].create(
                [
                    {"name": name, "color": i + 1}
                    for i, name in enumerate(NEED_TAGS)
                    if name not in need_tags.mapped("name")
                ]
            )
        types = ["rigid", "flexible", "potential"]
        env["crm.lead.need"].with_context(mail_create_nolog=True, tracking_disable=True).create(
            [
                {
                    "lead_id": lead.id,
                    "need_type": types[i % 3],
                    "description": f"Need {i} of {lead.name}",
                    "tag_ids": [Command.set(rng.sample(need_tags.ids, rng.randint(1, 2)))],
                }
                for i, lead in enumerate(leads)
            ]
        )
        log(f"{len(leads)} customer needs; {env['crm.lead.stage.history'].search_count([])} stage-history rows")
        env.flush_all()
        seed_followups(env, leads.ids)
        seed_targets(env, team, salesman)
    env.flush_all()


def scale(env):
    """100,000 leads in SQL over other teams and users, then what an upgrade computes for the addon."""
    cr = env.cr
    users = env["res.users"]
    for i in range(SCALE_USERS):
        users |= make_user(env, f"bench_scale_{i:02d}", f"Bench Scale Rep {i:02d}")
    teams = env["crm.team"].create(
        [
            {"name": f"Scale team {t}", "member_ids": [Command.set(users[t::SCALE_TEAMS].ids)]}
            for t in range(SCALE_TEAMS)
        ]
    )
    stages = env["crm.stage"].search([])
    won_stage = stages.filtered("is_won")[:1]
    open_stages = stages - stages.filtered("is_won")
    partners = env["res.partner"].search([("name", "like", "Bench Customer %")])
    tags = env["crm.tag"].search([("name", "like", "Bench tag %")])
    env.flush_all()
    # team t's leads belong to the users of team t (user index u, team index u % SCALE_TEAMS)
    log(
        f"inserting {SCALE_LEADS:,} leads in SQL over {len(teams)} teams, {len(users)} users, {len(stages)} stages"
        f" (10 % won in {won_stage.name}, 20 % lost)…"
    )
    cr.execute("SELECT COALESCE(MAX(id), 0) FROM crm_lead")
    (first_id,) = cr.fetchone()
    cr.execute(
        """
        INSERT INTO crm_lead (
            name, type, active, user_id, team_id, stage_id, company_id, partner_id, partner_name, contact_name,
            email_from, email_normalized, phone, expected_revenue, prorated_revenue, probability,
            automated_probability, priority, color, date_open, date_last_stage_update, date_closed, create_date,
            write_date, create_uid, write_uid
        )
        SELECT 'Scale lead ' || g,
               CASE WHEN g %% 5 = 0 THEN 'lead' ELSE 'opportunity' END,
               -- won: g %% 10 = 3 (active, 100 %%, in the won stage); lost: 6 and 8 (archived, 0 %%); open: the rest
               g %% 10 NOT IN (6, 8),
               (%(users)s::int[])[1 + g %% %(n_users)s],
               (%(teams)s::int[])[1 + (g %% %(n_users)s) %% %(n_teams)s],
               CASE WHEN g %% 10 = 3 THEN %(won_stage)s
                    ELSE (%(stages)s::int[])[1 + (g / 7) %% %(n_stages)s] END,
               %(company)s,
               CASE WHEN g %% 3 = 0 THEN NULL ELSE (%(partners)s::int[])[1 + g %% %(n_partners)s] END,
               'Scale Customer ' || (g %% 5000),
               'Contact ' || g,
               'buyer' || g || '@scale' || (g %% 5000) || '.example.cn',
               'buyer' || g || '@scale' || (g %% 5000) || '.example.cn',
               '+86 10 ' || lpad(g::text, 8, '0'),
               (g %% 500) * 1000,
               (g %% 500) * 10 * p,
               p,
               p,
               (g %% 4)::text,
               0,
               ts, ts + interval '3 days',
               -- closed 1 to 90 days after creation (not in the future)
               CASE WHEN g %% 10 IN (3, 6, 8)
                    THEN LEAST(ts + (1 + g %% 90) * interval '1 day', now() at time zone 'UTC') END,
               ts, ts + interval '3 days', %(uid)s, %(uid)s
          FROM generate_series(1, %(count)s) g,
               LATERAL (SELECT (now() at time zone 'UTC') - (g %% 730) * interval '1 day'
                               - (g %% 86400) * interval '1 second' AS ts,
                               CASE WHEN g %% 10 = 3 THEN 100 WHEN g %% 10 IN (6, 8) THEN 0
                                    ELSE 5 + g %% 91 END AS p) t
        """,
        {
            "users": users.ids,
            "n_users": len(users),
            "teams": teams.ids,
            "n_teams": len(teams),
            "won_stage": won_stage.id,
            "stages": open_stages.ids,
            "n_stages": len(open_stages),
            "company": env.company.id,
            "partners": partners.ids or [None],
            "n_partners": max(len(partners), 1),
            "uid": env.uid,
            "count": SCALE_LEADS,
        },
    )
    if tags:
        cr.execute(
            """
            INSERT INTO crm_tag_rel (lead_id, tag_id)
            SELECT id, (%(tags)s::int[])[1 + id %% %(n_tags)s] FROM crm_lead WHERE id > %(first)s AND id %% 3 = 0
            """,
            {"tags": tags.ids, "n_tags": len(tags), "first": first_id},
        )
    cr.execute("SELECT id FROM crm_lead WHERE id > %s ORDER BY id", (first_id,))
    lead_ids = [row[0] for row in cr.fetchall()]
    env.cr.commit()

    if has_addon(env):
        upgrade_compute(env, "crm.lead", lead_ids)
        upgrade_compute(env, "res.partner", env["res.partner"].with_context(active_test=False).search([]).ids)
        seed_grades(env, first_id)
        seed_followups(env, lead_ids)
        seed_history(env, first_id, users, stages)
        seed_needs(env, first_id)
    log("ANALYZE…")
    cr.commit()
    cr.execute("ANALYZE")


def upgrade_compute(env, model, ids):
    """What Odoo's _auto_init does for the new stored computed columns of an installed module: compute them
    for every existing record (here: the fields the addon adds to a core model)."""
    Model = env[model].with_context(active_test=False, tracking_disable=True, mail_notrack=True)
    new_fields = [
        field
        for field in Model._fields.values()
        if field.store and field.compute and set(field._modules or ()) == {"crm_sales_process"}
    ]
    if not new_fields or not ids:
        return
    log(f"{model}: computing {', '.join(f.name for f in new_fields)} for {len(ids):,} records (as an upgrade)…")
    start = time.perf_counter()
    for offset in range(0, len(ids), CHUNK):
        records = Model.browse(ids[offset : offset + CHUNK])
        for field in new_fields:
            env.add_to_compute(field, records)
        env.flush_all()
        env.cr.commit()
        env.invalidate_all()
    log(f"{model}: done in {time.perf_counter() - start:.0f} s")


def seed_grades(env, first_id):
    """The leads inserted in SQL have no grading answers (the upgrade grades none of them): a grade mix as
    the addon's grading gives it — 20 % A, 35 % B, 35 % C, 10 % not graded yet — with its score and the
    first-contact deadline the grade gives (create date + the company's hours for the grade)."""
    company = env.company
    log("grading the scale leads in SQL (20 % A, 35 % B, 35 % C, 10 % ungraded) and their first-contact deadlines…")
    env.cr.execute(
        """
        WITH hashed AS (
            SELECT id, GREATEST(create_date, COALESCE(date_open, create_date)) AS start,
                   abs(hashint4(id + 1)::bigint) AS h
              FROM crm_lead WHERE id > %(first)s
        ),
        graded AS (
            SELECT id, start, h / 20 AS r,
                   CASE WHEN h %% 20 < 2 THEN NULL WHEN h %% 20 < 6 THEN 'a' WHEN h %% 20 < 13 THEN 'b' ELSE 'c' END
                       AS grade
              FROM hashed
        )
        UPDATE crm_lead l
           SET grade = g.grade,
               grading_complete = g.grade IS NOT NULL,
               grading_score = CASE g.grade
                                   WHEN 'a' THEN %(a_min)s + g.r %% GREATEST(101 - %(a_min)s, 1)
                                   WHEN 'b' THEN %(b_min)s + g.r %% GREATEST(%(a_min)s - %(b_min)s, 1)
                                   WHEN 'c' THEN g.r %% GREATEST(%(b_min)s, 1)
                                   ELSE 0 END,
               first_contact_deadline = g.start + CASE g.grade WHEN 'a' THEN %(hours_a)s WHEN 'b' THEN %(hours_b)s
                                                               WHEN 'c' THEN %(hours_c)s END * interval '1 hour'
          FROM graded g
         WHERE l.id = g.id
        """,
        {
            "first": first_id,
            "a_min": company.grade_a_min,
            "b_min": company.grade_b_min,
            "hours_a": company.first_contact_hours_a,
            "hours_b": company.first_contact_hours_b,
            "hours_c": company.first_contact_hours_c,
        },
    )
    env.cr.commit()


def seed_followups(env, lead_ids):
    """0 to 6 follow-ups per lead (≈ 3), in SQL: the first 0 to 96 hours after the lead's creation (the
    first-contact SLA met or not, by grade), the others spread over the lead's life until it closed (or
    now); channels, reactions (10 % without), a few not reaching the customer, a next step on the last
    follow-up of an open lead. Then what the addon stores from them: the lead's last follow-up date and its
    first contact (the first follow-up that reached the customer), late or not against its deadline."""
    log(f"logging ≈ {len(lead_ids) * (FOLLOWUPS_MAX - 1) // 2:,} follow-ups over {len(lead_ids):,} leads in SQL…")
    params = {"ids": lead_ids, "uid": env.uid, "max": FOLLOWUPS_MAX}
    env.cr.execute(
        """
        INSERT INTO crm_lead_followup (
            lead_id, company_id, date, user_id, channel, content, customer_reached, reaction, reaction_reason,
            next_action, next_date, create_uid, create_date, write_uid, write_date
        )
        SELECT l.id, l.company_id, d.date, COALESCE(l.user_id, %(uid)s),
               (ARRAY['call', 'email', 'visit', 'online_meeting', 'call', 'email', 'other'])[1 + (l.id + k) %% 7],
               'Follow-up ' || k || ' of ' || l.name,
               CASE WHEN k = 1 THEN l.id %% 8 <> 0 ELSE (l.id + k) %% 6 <> 0 END,
               (ARRAY['positive', 'neutral', 'negative', 'positive', 'neutral', 'negative', 'neutral', 'positive',
                      'negative', NULL])[1 + (l.id * 3 + k) %% 10],
               CASE WHEN (l.id * 3 + k) %% 10 IN (2, 5, 8) THEN 'Budget too low' END,
               CASE WHEN k = n.total AND l.active AND l.probability < 100 THEN 'Send the test data' END,
               CASE WHEN k = n.total AND l.active AND l.probability < 100 THEN (d.date + interval '7 days')::date END,
               %(uid)s, d.date, %(uid)s, d.date
          FROM crm_lead l
         CROSS JOIN LATERAL (SELECT (abs(hashint4(l.id)::bigint) %% %(max)s)::int AS total,
                                    COALESCE(l.date_closed, now() AT TIME ZONE 'UTC') AS until) n
         CROSS JOIN LATERAL generate_series(1, n.total) k
         CROSS JOIN LATERAL (SELECT LEAST(l.create_date + (l.id %% 9) * interval '12 hours', n.until) AS first) f
         CROSS JOIN LATERAL (SELECT date_trunc('second', f.first + (n.until - f.first) * ((k - 1)::float / n.total))
                                    AS date) d
         WHERE l.id = ANY(%(ids)s)
        """,
        params,
    )
    inserted = env.cr.rowcount
    env.cr.execute(
        """
        UPDATE crm_lead l
           SET last_followup_date = f.last,
               followup_count = f.total,
               first_contact_date = f.first_contact,
               first_contact_late = COALESCE(f.first_contact > l.first_contact_deadline, false)
          FROM (SELECT lead_id, max(date) AS last, count(*) AS total,
                       min(date) FILTER (WHERE customer_reached) AS first_contact
                  FROM crm_lead_followup WHERE lead_id = ANY(%(ids)s) GROUP BY lead_id) f
         WHERE l.id = f.lead_id
        """,
        params,
    )
    log(f"{inserted:,} follow-ups; last follow-up date and first contact of {env.cr.rowcount:,} leads")
    env.cr.commit()
    env.invalidate_all()


def seed_targets(env, team, salesman):
    """A few sales targets (company, team Bench, the bench salesman; this quarter and the previous one),
    when the addon has them: their progress is computed when read, over the whole pipeline."""
    if "crm.sales.target" not in env:
        log("no sales targets in this version of the addon")
        return
    today = odoo.fields.Date.context_today(env["crm.sales.target"])
    start = today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1)
    periods = {
        False: (start, start + relativedelta(months=3, days=-1)),
        True: (start - relativedelta(months=3), start - relativedelta(days=1)),
    }
    targets = (
        env["crm.sales.target"]
        .with_context(tracking_disable=True, mail_create_nolog=True)
        .create(
            [
                {
                    "name": f"Bench target {i}: {metric} ({scope})",
                    "scope": scope,
                    "metric": metric,
                    "target_value": value,
                    "date_start": periods[previous][0],
                    "date_end": periods[previous][1],
                    **({"team_id": team.id} if scope == "team" else {}),
                    **({"user_id": salesman.id} if scope == "user" else {}),
                }
                for i, (scope, metric, value, previous) in enumerate(TARGETS)
            ]
        )
    )
    env.flush_all()
    log(f"{len(targets)} sales targets")


def seed_history(env, first_id, users, stages):
    log(f"inserting {SCALE_HISTORY:,} stage-history rows in SQL…")
    env.cr.execute(
        """
        INSERT INTO crm_lead_stage_history (
            lead_id, stage_from_id, stage_to_id, user_id, date, days_in_stage, days_in_stage_total,
            grading_score, grade, is_override, override_reason, is_migration, team_id, company_id
        )
        SELECT l.id,
               (%(stages)s::int[])[1 + g %% %(n_stages)s],
               (%(stages)s::int[])[1 + (g + 1 + g %% 2) %% %(n_stages)s],
               (%(users)s::int[])[1 + g %% %(n_users)s],
               d, (g * 7 %% 6000) / 100.0, (g * 7 %% 6000) / 100.0,
               g %% 101,
               (ARRAY['a', 'b', 'c'])[1 + g %% 3],
               g %% 29 = 0,
               CASE WHEN g %% 29 = 0 THEN 'Customer asked to skip the demo' END,
               false, l.team_id, l.company_id
          FROM generate_series(1, %(count)s) g
          JOIN crm_lead l ON l.id = %(first)s + 1 + g %% %(leads)s,
               LATERAL (SELECT (now() at time zone 'UTC') - (g %% 730) * interval '1 day'
                               - (g %% 86400) * interval '1 second' AS d) t
        """,
        {
            "stages": stages.ids,
            "n_stages": len(stages),
            "users": users.ids,
            "n_users": len(users),
            "count": SCALE_HISTORY,
            "first": first_id,
            "leads": SCALE_LEADS,
        },
    )
    if "funnel_visits" in env["crm.lead"]._fields:
        # what the recording of moves keeps on the leads (the stages each one was in), read from those rows
        log("reading the stages each lead was in from that history…")
        env["crm.lead"]._funnel_refresh_all()
    if "crm.sales.stage.duration" in env:
        # and the days in stage it adds up by month and dimension
        log("adding up the days in stage of that history…")
        env["crm.sales.stage.duration"]._rebuild()
    env.cr.commit()


def seed_needs(env, first_id):
    log(f"inserting {SCALE_LEADS:,} customer needs and their tags in SQL…")
    tags = env["crm.need.tag"].search([])
    env.cr.execute(
        """
        INSERT INTO crm_lead_need (
            lead_id, code, need_type, description, priority, sequence, state, company_id, partner_id,
            create_uid, create_date, write_uid, write_date
        )
        SELECT l.id, 'XQ-S' || lpad(l.id::text, 7, '0'),
               (ARRAY['rigid', 'flexible', 'potential'])[1 + l.id %% 3],
               'Scale need of ' || l.name, '0', 10,
               CASE WHEN l.id %% 10 = 0 THEN 'cancelled' ELSE 'draft' END,
               l.company_id, l.partner_id, %(uid)s, l.create_date, %(uid)s, l.create_date
          FROM crm_lead l
         WHERE l.id > %(first)s
        """,
        {"uid": env.uid, "first": first_id},
    )
    Need = env["crm.lead.need"]
    relation = Need._fields["tag_ids"]
    env.cr.execute(
        f"""
        INSERT INTO {relation.relation} ({relation.column1}, {relation.column2})
        SELECT n.id, (%(tags)s::int[])[1 + n.id %% %(n_tags)s]
          FROM crm_lead_need n JOIN crm_lead l ON l.id = n.lead_id
         WHERE l.id > %(first)s
         UNION
        SELECT n.id, (%(tags)s::int[])[1 + (n.id / 3) %% %(n_tags)s]
          FROM crm_lead_need n JOIN crm_lead l ON l.id = n.lead_id
         WHERE l.id > %(first)s AND n.id %% 2 = 0
        """,
        {"tags": tags.ids, "n_tags": len(tags), "first": first_id},
    )
    env.cr.commit()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", required=True)
    parser.add_argument("--addons-path", required=True)
    parser.add_argument("what", choices=["fixture", "scale"])
    args = parser.parse_args()
    odoo.tools.config.parse_config(
        ["-d", args.database, f"--addons-path={args.addons_path}", "--log-level=warn", "--max-cron-threads=0"]
    )
    start = time.perf_counter()
    registry = odoo.modules.registry.Registry(args.database)
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {"lang": "en_US"})
        (fixture if args.what == "fixture" else scale)(env)
        cr.commit()
    log(f"{args.what} of {args.database} done in {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
