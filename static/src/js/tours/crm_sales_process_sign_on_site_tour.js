import { registry } from "@web/core/registry";

/**
 * At the meeting, the rep opens the minutes waiting for a signature, hands his tablet to
 * the customer, who signs in the "Sign on Site" dialog; the minutes become signed.
 */
registry.category("web_tour.tours").add("crm_sales_process_sign_on_site_tour", {
    steps: () => [
        {
            content: "open the signature dialog",
            trigger: ".o_form_view button[name=action_sign_on_site]",
            run: "click",
        },
        {
            content: "the customer types his name",
            trigger: ".modal .o_field_widget[name=signed_by] input",
            run: "edit 孔明亮",
        },
        {
            content: "open the signature pad",
            trigger: ".modal .o_field_widget[name=signature] .o_signature",
            run: "click",
        },
        {
            content: "choose a signature style",
            trigger: ".modal .o_web_sign_auto_select_style button",
            run: "click",
        },
        {
            content: "pick the first style (an item of the style menu, not of the navbar)",
            trigger: ".o-dropdown--menu .o-dropdown-item:has(img):eq(0)",
            run: "click",
        },
        {
            content: "adopt the signature",
            trigger: ".modal .modal-footer button.btn-primary:enabled:contains(Adopt)",
            run: "click",
        },
        {
            content: "sign",
            trigger: ".modal button[name=action_sign]",
            run: "click",
        },
        {
            content: "the minutes are signed",
            trigger: ".o_form_view .o_statusbar_status button[data-value=signed].o_arrow_button_current",
        },
    ],
});
