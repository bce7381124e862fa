"""make bench: the data the benchmarks work on, the same script for the core and the addon databases.

    bench_fixture.py --database DB fixture   the bench salesman, the "Bench" team, 400 opportunities (ORM)
    bench_fixture.py --database DB scale     + 100,000 leads in SQL, what the addon computes for them, and in
                                             the addon database 1,000,000 stage-history rows and 100,000 needs

Set-up is not measured: it commits. The data is deterministic (seeded random, generate_series).
"""

import argparse
import random
import sys
import time

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
    partners = env["res.partner"].search([("name", "like", "Bench Customer %")])
    tags = env["crm.tag"].search([("name", "like", "Bench tag %")])
    env.flush_all()
    # team t's leads belong to the users of team t (user index u, team index u % SCALE_TEAMS)
    log(f"inserting {SCALE_LEADS:,} leads in SQL over {len(teams)} teams, {len(users)} users, {len(stages)} stages…")
    cr.execute("SELECT COALESCE(MAX(id), 0) FROM crm_lead")
    (first_id,) = cr.fetchone()
    cr.execute(
        """
        INSERT INTO crm_lead (
            name, type, active, user_id, team_id, stage_id, company_id, partner_id, partner_name, contact_name,
            email_from, email_normalized, phone, expected_revenue, prorated_revenue, probability,
            automated_probability, priority, color, date_open, date_last_stage_update, create_date, write_date,
            create_uid, write_uid
        )
        SELECT 'Scale lead ' || g,
               CASE WHEN g %% 5 = 0 THEN 'lead' ELSE 'opportunity' END,
               g %% 50 <> 0,
               (%(users)s::int[])[1 + g %% %(n_users)s],
               (%(teams)s::int[])[1 + (g %% %(n_users)s) %% %(n_teams)s],
               (%(stages)s::int[])[1 + (g / 7) %% %(n_stages)s],
               %(company)s,
               CASE WHEN g %% 3 = 0 THEN NULL ELSE (%(partners)s::int[])[1 + g %% %(n_partners)s] END,
               'Scale Customer ' || (g %% 5000),
               'Contact ' || g,
               'buyer' || g || '@scale' || (g %% 5000) || '.example.cn',
               'buyer' || g || '@scale' || (g %% 5000) || '.example.cn',
               '+86 10 ' || lpad(g::text, 8, '0'),
               (g %% 500) * 1000,
               (g %% 500) * 10 * (g %% 100),
               g %% 100,
               g %% 100,
               (g %% 4)::text,
               0,
               ts, ts + interval '3 days', ts, ts + interval '3 days', %(uid)s, %(uid)s
          FROM generate_series(1, %(count)s) g,
               LATERAL (SELECT (now() at time zone 'UTC') - (g %% 730) * interval '1 day'
                               - (g %% 86400) * interval '1 second' AS ts) t
        """,
        {
            "users": users.ids,
            "n_users": len(users),
            "teams": teams.ids,
            "n_teams": len(teams),
            "stages": stages.ids,
            "n_stages": len(stages),
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
