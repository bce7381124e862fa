import { registry } from "@web/core/registry";

// The contract's approval chain, seen by its people: the sales manager approves with a comment
// and sees legal is next; the salesperson sees who he waits for; the customer's legal
// representative signs the approved contract on the portal. Data: test_contract_portal.py.
registry.category("web_tour.tours").add("crm_sales_process_contract_approve_tour", {
    steps: () => [
        {
            content: "The route and the threshold rule are shown on the contract",
            trigger: ".o_form_view .o_field_widget[name=approval_route]:contains(Route)",
        },
        {
            content: "The sales manager approves the commercial terms",
            trigger: ".o_form_view button[name=validate_tier]",
            run: "click",
        },
        {
            content: "with a comment",
            trigger: ".modal .o_field_widget[name=comment] :is(input, textarea)",
            run: "edit 价格与付款条件符合公司政策",
        },
        {
            trigger: ".modal button[name=add_comment]",
            run: "click",
        },
        {
            content: "Legal is next",
            trigger: "body:not(:has(.modal)) .o_form_view .o_field_widget[name=next_review]:contains(Legal)",
        },
    ],
});

registry.category("web_tour.tours").add("crm_sales_process_contract_next_approver_tour", {
    steps: () => [
        {
            content: "The salesperson sees whose approval the contract waits for, and cannot send it yet",
            trigger: ".o_form_view .o_field_widget[name=next_review]:contains(Legal)",
        },
        {
            trigger: ".o_form_view:not(:has(button#send_by_email_primary:visible))",
        },
    ],
});

registry.category("web_tour.tours").add("crm_sales_process_contract_portal_sign_tour", {
    steps: () => [
        {
            content: "The customer reads who may sign",
            trigger: ".o_csp_signer_notice:contains(周法人)",
        },
        {
            trigger: "a[data-bs-target='#modalaccept']:contains(Sign)",
            run: "click",
        },
        {
            trigger: ".modal .o_web_sign_name_and_signature input",
            run: "edit 周法人",
        },
        {
            trigger: ".modal .o_web_sign_auto_select_style button",
            run: "click",
        },
        {
            trigger: ".o-dropdown-item:eq(1)",
            run: "click",
        },
        {
            trigger: ".modal .o_portal_sign_submit:enabled",
            run: "click",
        },
        {
            content: "Signed: the order is confirmed",
            trigger: "#quote_content:contains(Thank You)",
        },
    ],
});
