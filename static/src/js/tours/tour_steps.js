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

const GRADING = ".o_field_widget[name=grading_line_ids]";

/** Answer the grading question on row `index` with the option named `answer`. */
export function answerGrading(index, answer) {
    const row = `${GRADING} .o_data_row:eq(${index})`;
    return [
        {
            content: `open the answer of question ${index + 1}`,
            trigger: `${row} td[name=option_id]`,
            run: "click",
        },
        {
            content: `type “${answer}”`,
            trigger: `${row} td[name=option_id] input`,
            run: `edit ${answer}`,
        },
        {
            content: `pick “${answer}”`,
            trigger: `.o-autocomplete--dropdown-item a:contains("${answer}")`,
            run: "click",
        },
    ];
}

/** Answer the five questions of the default grading model with their best answers and save: grade A. */
export function gradeBest() {
    return [
        {
            content: "the grading tab lists the five questions",
            trigger: `${GRADING} .o_data_row:eq(4)`,
        },
        ...answerGrading(0, "Purchase within 3 months"),
        ...answerGrading(1, "Budget within our price range"),
        ...answerGrading(2, "Large enterprise or listed company"),
        ...answerGrading(3, "Decision maker identified"),
        ...answerGrading(4, "Asked for a proposal or quotation"),
        {
            content: "save the lead",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "the lead is graded A",
            trigger: ".o_form_saved .o_field_widget[name=grade] .badge:contains(A)",
        },
        {
            content: "with a score of 100",
            trigger: ".o_field_widget[name=grading_score]:contains(100)",
        },
    ];
}

/** The gate dialog opened by itself (no intermediate warning), without "Add a line". */
export function gateDialogOpens(stageName) {
    return [
        {
            content: `the move to ${stageName} is refused: the dialog opens directly`,
            trigger: `.modal .o_form_view:has(.o_field_widget[name=stage_id]:contains(${stageName})) .o_field_widget[name=line_ids] .o_data_row`,
        },
        {
            content: "no generic warning first, no way to add unrelated outputs",
            trigger: "body:not(:has(.o_error_dialog)) .modal:not(:has(.o_field_x2many_list_row_add))",
        },
    ];
}
