import { registry } from "@web/core/registry";

// A service record's deadlines count down: the breached response is red with how late it is, the
// resolution shows how long is left. Data: test_aftersales_ticket.py.
registry.category("web_tour.tours").add("crm_sales_process_countdown_tour", {
    steps: () => [
        {
            content: "The breached response deadline is red and says how late it is",
            trigger: ".o_field_widget[name=response_deadline] .o_csp_countdown.text-danger span:contains(()",
        },
        {
            content: "The resolution deadline still runs: how long is left, not red",
            trigger: ".o_field_widget[name=resolution_deadline] .o_csp_countdown:not(.text-danger) span.text-muted:contains(()",
        },
    ],
});
