/** @odoo-module **/
/*
 * CRM → Reporting → Sales Process Dashboard: the main graphs of the sales analytics side by
 * side, each one the graph view of its report (same record rules, same measures), with a
 * link to the full analysis. The period filter applies to every graph.
 */
import { Component, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { View } from "@web/views/view";
import { serializeDate, serializeDateTime } from "@web/core/l10n/dates";

const { DateTime } = luxon;

const PERIODS = {
    quarter: () => DateTime.now().startOf("quarter"),
    half: () => DateTime.now().minus({ months: 6 }).startOf("month"),
    year: () => DateTime.now().minus({ months: 12 }).startOf("month"),
    all: () => null,
};

export class SalesProcessDashboard extends Component {
    static template = "crm_sales_process.SalesProcessDashboard";
    static components = { View };
    static props = ["*"];

    setup() {
        this.action = useService("action");
        this.state = useState({ period: "year" });
        this.periods = [
            ["quarter", _t("This quarter")],
            ["half", _t("Last 6 months")],
            ["year", _t("Last 12 months")],
            ["all", _t("All time")],
        ];
        this.graphs = [
            {
                key: "funnel",
                title: _t("Stage funnel (leads that got this far)"),
                model: "crm.sales.funnel.report",
                measure: "leads_in_order",
                groupBy: ["stage_id"],
                action: "crm_sales_process.crm_sales_funnel_report_action",
            },
            {
                key: "conversion",
                title: _t("Conversion to the next stage % (in order)"),
                model: "crm.sales.funnel.report",
                measure: "conversion_in_order",
                groupBy: ["stage_id"],
                action: "crm_sales_process.crm_sales_funnel_report_action",
            },
            {
                key: "days",
                title: _t("Average days in stage"),
                model: "crm.sales.stage.duration",
                measure: "days_in_stage",
                groupBy: ["stage_id"],
                action: "crm_sales_process.crm_sales_stage_duration_action",
                dateField: "month",
                dateOnly: true,
                baseDomain: [["stage_id.active", "=", true]],
            },
            {
                key: "cycle",
                title: _t("Days from lead to win, by month created"),
                model: "crm.sales.lead.analysis",
                measure: "cycle_days",
                groupBy: ["date:month"],
                action: "crm_sales_process.crm_sales_lead_analysis_action",
            },
            {
                key: "sla",
                title: _t("First contact on time %, by grade"),
                model: "crm.sales.lead.analysis",
                measure: "sla_compliance",
                groupBy: ["grade"],
                action: "crm_sales_process.crm_sales_lead_analysis_action",
            },
            {
                key: "grades",
                title: _t("Grade mix over time"),
                model: "crm.sales.lead.analysis",
                measure: "lead_count",
                groupBy: ["date:month", "grade"],
                stacked: true,
                action: "crm_sales_process.crm_sales_lead_analysis_action",
            },
            {
                key: "frequency",
                title: _t("Win rate % by follow-up frequency"),
                model: "crm.sales.lead.analysis",
                measure: "win_rate",
                groupBy: ["followup_frequency"],
                action: "crm_sales_process.crm_sales_lead_analysis_action",
            },
            {
                key: "override",
                title: _t("Win rate %: evidence complete vs moved by override"),
                model: "crm.sales.lead.analysis",
                measure: "win_rate",
                groupBy: ["moved_by"],
                action: "crm_sales_process.crm_sales_lead_analysis_action",
            },
            {
                key: "needs",
                title: _t("Need hot spots"),
                model: "crm.lead.need",
                measure: "__count",
                groupBy: ["tag_ids", "need_type"],
                stacked: true,
                action: "crm_sales_process.crm_lead_need_action_analysis",
                dateField: "create_date",
                baseDomain: [["state", "!=", "cancelled"]],
            },
        ];
    }

    domain(graph) {
        const start = PERIODS[this.state.period]();
        const bound = start && (graph.dateOnly ? serializeDate(start) : serializeDateTime(start));
        const period = start ? [[graph.dateField || "date", ">=", bound]] : [];
        return [...(graph.baseDomain || []), ...period];
    }

    viewProps(graph) {
        return {
            resModel: graph.model,
            type: "graph",
            display: { controlPanel: false },
            domain: this.domain(graph),
            context: {
                graph_measure: graph.measure,
                graph_mode: graph.mode || "bar",
                graph_groupbys: graph.groupBy,
                graph_stacked: Boolean(graph.stacked),
            },
            groupBy: graph.groupBy,
            useSampleModel: false,
        };
    }

    openAnalysis(graph) {
        this.action.doAction(graph.action, {
            additionalContext: {
                graph_measure: graph.measure,
                graph_groupbys: graph.groupBy,
                pivot_row_groupby: graph.groupBy,
            },
        });
    }
}

registry.category("actions").add("crm_sales_process.sales_dashboard", SalesProcessDashboard);
