import { registry } from "@web/core/registry";

function addImpactLine(position, group, users) {
    // wait for the new row itself: the previous one may still be selected
    const row = `div[name=impact_line_ids] tr.o_data_row:nth-child(${position}).o_selected_row`;
    return [
        {
            content: `Add the affected group ${group}`,
            trigger: "div[name=impact_line_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            trigger: `${row} .o_field_widget[name=name] input`,
            run: `edit ${group}`,
        },
        {
            trigger: `${row} .o_field_widget[name=affected_users] input`,
            run: `edit ${users}`,
        },
    ];
}

/**
 * Resolve once the form's URL names a record id (".../new" becomes
 * ".../42" when the new ticket is saved): a sign of the outcome that does
 * not depend on how the web client draws its save indicator.
 */
async function savedRecordUrl(timeout = 8000) {
    const deadline = Date.now() + timeout;
    while (!/\/\d+\/?$/.test(window.location.pathname)) {
        if (Date.now() > deadline) {
            throw new Error(`The ticket was not saved: ${window.location.pathname}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
}

registry.category("web_tour.tours").add("helpdesk_expedite_impact_lines", {
    url: "/odoo/action-helpdesk_mgmt.helpdesk_ticket_action/new",
    steps: () => [
        {
            content: "Name the ticket",
            trigger: ".o_form_view .o_field_widget[name=name] input",
            run: "edit LMS exam submission failure, tour",
        },
        {
            content: "Open the impact tab",
            trigger: ".o_notebook_headers .nav-link:contains(Impact)",
            run: "click",
        },
        ...addImpactLine(1, "WEB102-HN", 20),
        ...addImpactLine(2, "DATA101-SG", 18),
        ...addImpactLine(3, "MOBILE201-HN", 15),
        {
            content: "Save the ticket",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "The ticket is saved: its id is in the URL",
            trigger: ".o_form_view",
            run: () => savedRecordUrl(),
        },
        {
            content: "The list totals 53 affected users",
            trigger: "div[name=impact_line_ids] tfoot:contains(53)",
        },
        {
            content: "The class of service turned Expedite",
            trigger: ".o_field_widget[name=class_of_service]:contains(Expedite)",
        },
    ],
});
