import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";
import { gateDialogOpens } from "@crm_sales_process/js/tours/tour_steps";

const CARD = ".o_kanban_record:contains(Override tour lead)";
const COLUMN = (stage) => `.o_kanban_group:has(.o_column_title:contains(${stage}))`;

/**
 * A sales manager drags a rep's lead to Needs discovery in the pipeline: the gate refuses, the
 * card stays where it was, the dialog opens at once and she overrides with a written reason.
 */
registry.category("web_tour.tours").add("crm_sales_process_manager_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "open the CRM app",
            trigger: '.o_app[data-menu-xmlid="crm.crm_menu_root"]',
            run: "click",
        },
        {
            content: "show the whole pipeline, not only her own leads",
            trigger: ".o_searchview_facet .o_facet_remove",
            run: "click",
        },
        {
            content: "drag the rep's lead to Needs discovery",
            trigger: `${COLUMN("Lead acquisition")} ${CARD}`,
            // the selector in brackets: the tour runner strips a last unbracketed ")"
            run: `drag_and_drop (${COLUMN("Needs discovery")})`,
        },
        ...gateDialogOpens("Needs discovery"),
        {
            content: "the card went back to Lead acquisition",
            trigger: `${COLUMN("Lead acquisition")} ${CARD}`,
        },
        {
            content: "write why the lead moves on",
            trigger: ".modal .o_field_widget[name=override_reason] textarea",
            run: "edit 客户总经理已口头确认需求, 展会现场直接进入需求探查",
        },
        {
            content: "override and move",
            trigger: ".modal button[name=action_override]",
            run: "click",
        },
        {
            content: "the card is in Needs discovery",
            trigger: `body:not(:has(.modal)) ${COLUMN("Needs discovery")} ${CARD}`,
        },
    ],
});
