import { registry } from "@web/core/registry";

/**
 * The customer opens the emailed link, reads the minutes, signs with the signature pad
 * (the style of his typed name) and sees the thank-you message and the signed document.
 */
registry.category("web_tour.tours").add("crm_sales_process_portal_sign_tour", {
    steps: () => [
        {
            content: "the minutes are shown as they will be signed",
            trigger: ".o_csp_portal_document .o_csp_minutes:contains(单价 158 万元，含税)",
        },
        {
            content: "open the signature pad",
            trigger: "a.o_csp_sign",
            run: "click",
        },
        {
            content: "the name of the customer's attendee is proposed, not the company's",
            trigger: ".modal .o_web_sign_name_and_signature input:value(孔明亮)",
        },
        {
            content: "choose a signature style",
            trigger: ".modal .o_web_sign_auto_select_style button",
            run: "click",
        },
        {
            content: "pick the second style",
            trigger: ".o-dropdown-item:eq(1)",
            run: "click",
        },
        {
            content: "sign",
            trigger: ".modal .o_portal_sign_submit:enabled",
            run: "click",
        },
        {
            content: "the signature is recorded",
            trigger: ".o_csp_portal_document .alert-success",
        },
        {
            content: "the page shows who signed, and no signature button any more",
            trigger: ".o_csp_portal_document .alert-info:contains(孔明亮):not(:has(a.o_csp_sign))",
        },
        {
            content: "the signing time is the customer's local time, its zone named",
            trigger: ".o_csp_portal_document .o_csp_signed_on:contains((Asia/Shanghai))",
        },
    ],
});
