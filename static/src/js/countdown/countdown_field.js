/** @odoo-module **/
// A deadline counting down: the date-time, then how long is left ("12 分钟后") or how late it is
// ("2 小时前", red), refreshed every 30 seconds; plain once the deadline's work is done (done_field).
import { Component, onWillUnmount, useState } from "@odoo/owl";
import { formatDateTime } from "@web/core/l10n/dates";
import { registry } from "@web/core/registry";
import { standardFieldProps } from "@web/views/fields/standard_field_props";

const { DateTime } = luxon;

export class CountdownField extends Component {
    static template = "crm_sales_process.CountdownField";
    static props = { ...standardFieldProps, doneField: { type: String, optional: true } };

    setup() {
        this.state = useState({ now: DateTime.now() });
        const timer = setInterval(() => (this.state.now = DateTime.now()), 30000);
        onWillUnmount(() => clearInterval(timer));
    }

    get value() {
        return this.props.record.data[this.props.name];
    }

    get running() {
        return Boolean(this.value && !(this.props.doneField && this.props.record.data[this.props.doneField]));
    }

    get formatted() {
        // short (the full date-time is the title)
        return this.value ? this.value.toFormat("MM-dd HH:mm") : "";
    }

    get title() {
        return this.value ? formatDateTime(this.value) : "";
    }

    get relative() {
        return this.running ? this.value.toRelative({ base: this.state.now }) : "";
    }

    get late() {
        return this.running && this.value < this.state.now;
    }
}

registry.category("fields").add("csp_countdown", {
    component: CountdownField,
    supportedTypes: ["datetime"],
    extractProps: ({ options }) => ({ doneField: options.done_field }),
});
