import { registry } from "@web/core/registry";
import { openLeadFromPipeline } from "@crm_sales_process/js/tours/tour_steps";

const WIZARD_ROWS = ".modal .o_field_widget[name=line_ids] .o_data_row";

/** Tick the missing output on row `index` of the stage gate dialog. */
function tick(index) {
    return {
        content: `tick missing output ${index + 1}`,
        trigger: `${WIZARD_ROWS}:eq(${index}) .o_field_boolean_toggle input`,
        run: "click",
    };
}

/**
 * A rep drags his lead two stages ahead from the status bar: the move is refused,
 * the dialog lists the two Needs discovery outputs still to tick, he ticks them and moves.
 */
registry.category("web_tour.tours").add("crm_sales_process_stage_gate_tour", {
    url: "/odoo",
    steps: () => [
        ...openLeadFromPipeline("Gate tour lead"),
        {
            content: "move it to Solution from the status bar",
            trigger: ".o_statusbar_status button:contains(Solution)",
            run: "click",
        },
        {
            content: "the move is refused: open the checklist",
            trigger: ".modal .modal-footer button:contains(Open the checklist)",
            run: "click",
        },
        {
            content: "two outputs of Needs discovery are missing",
            trigger: `${WIZARD_ROWS}:eq(1)`,
        },
        tick(0),
        tick(1),
        {
            content: "move the lead",
            trigger: ".modal button[name=action_retry]",
            run: "click",
        },
        {
            content: "the dialog closes and the lead shows its new stage, saved",
            trigger: "body:not(:has(.modal)) .o_form_saved .o_statusbar_status button.o_arrow_button_current:contains(Solution)",
        },
    ],
});
