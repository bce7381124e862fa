import { registry } from "@web/core/registry";
import { openLeadFromPipeline } from "@crm_sales_process/js/tours/tour_steps";

const GRADING = ".o_field_widget[name=grading_line_ids]";

/** Answer the question on row `index` with the option named `answer`. */
function answer(index, answer) {
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

/**
 * A rep opens his lead from the pipeline, answers the five grading questions
 * with the best answers, saves, and sees a score of 100 and grade A.
 */
registry.category("web_tour.tours").add("crm_sales_process_grading_tour", {
    url: "/odoo",
    steps: () => [
        ...openLeadFromPipeline("数控机床升级"),
        {
            content: "the grading tab lists the five questions",
            trigger: `${GRADING} .o_data_row:eq(4)`,
        },
        ...answer(0, "Purchase within 3 months"),
        ...answer(1, "Budget within our price range"),
        ...answer(2, "Large enterprise or listed company"),
        ...answer(3, "Decision maker identified"),
        ...answer(4, "Asked for a proposal or quotation"),
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
    ],
});
