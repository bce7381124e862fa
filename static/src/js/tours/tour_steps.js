import { stepUtils } from "@web_tour/tour_service/tour_utils";

/** Steps of a rep opening one of his leads from the CRM pipeline. */
export function openLeadFromPipeline(leadName) {
    return [
        stepUtils.showAppsMenuItem(),
        {
            content: "open the CRM app",
            trigger: '.o_app[data-menu-xmlid="crm.crm_menu_root"]',
            run: "click",
        },
        {
            content: "open the lead",
            trigger: `.o_kanban_record:contains(${leadName})`,
            run: "click",
        },
    ];
}
