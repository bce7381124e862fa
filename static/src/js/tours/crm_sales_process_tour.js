import { registry } from "@web/core/registry";
import { gateDialogOpens, gradeBest, openLeadFromPipeline } from "@crm_sales_process/js/tours/tour_steps";

const ROWS = ".modal .o_field_widget[name=line_ids] .o_data_row";

/**
 * A rep's day: he opens his new lead from the pipeline and grades it (A), tries to move it to
 * Needs discovery from the status bar, is refused, completes what is missing from the dialog
 * itself (the source, the first contact he made by phone) and moves it.
 */
registry.category("web_tour.tours").add("crm_sales_process_rep_tour", {
    url: "/odoo",
    steps: () => [
        ...openLeadFromPipeline("数控机床升级"),
        ...gradeBest(),
        {
            content: "move it to Needs discovery from the status bar",
            trigger: ".o_statusbar_status button:contains(Needs discovery)",
            run: "click",
        },
        ...gateDialogOpens("Needs discovery"),
        {
            content: "close the dialog",
            trigger: ".modal button.btn-secondary:contains(Cancel)",
            run: "click",
        },
        {
            content: "the form still shows the lead in Lead acquisition, saved",
            trigger:
                "body:not(:has(.modal)) .o_form_saved .o_statusbar_status button.o_arrow_button_current:contains(Lead acquisition)",
        },
        {
            content: "try again",
            trigger: ".o_statusbar_status button:contains(Needs discovery)",
            run: "click",
        },
        ...gateDialogOpens("Needs discovery"),
        {
            content: "each output says how to complete it",
            trigger: `${ROWS}:contains(First contact made):contains(log the first contact)`,
        },
        {
            content: "choose the source in the dialog",
            trigger: ".modal .o_field_widget[name=source_id] input",
            run: "edit Tour fair",
        },
        {
            content: "pick “Tour fair”",
            trigger: '.o-autocomplete--dropdown-item a:contains("Tour fair")',
            run: "click",
        },
        {
            content: "log the first contact he made by phone",
            trigger: ".modal button[name=action_log_first_contact]",
            run: "click",
        },
        {
            content: "the first contact is done, the source kept",
            trigger: `${ROWS}.text-muted:contains(First contact made)`,
        },
        {
            content: "the source chosen is still there",
            trigger: ".modal .o_field_widget[name=source_id] input:value(Tour fair)",
        },
        {
            content: "move the lead",
            trigger: ".modal button[name=action_retry]",
            run: "click",
        },
        {
            content: "the dialog closes and the lead shows its new stage, saved",
            trigger:
                "body:not(:has(.modal)) .o_form_saved .o_statusbar_status button.o_arrow_button_current:contains(Needs discovery)",
        },
    ],
});
