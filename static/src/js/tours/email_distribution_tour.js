/** @odoo-module **/
/*
 * The accountant's path through e-mail distribution (issue 5), run by
 * tests/test_tour.py: switch it on in the settings, import the recipient
 * directory (a file with an error first, then the fixed file), post an
 * invoice and see its delivery badge, then resend a failed delivery from the
 * sending list.  Files are handed to the wizard's real file input, as a user
 * choosing them would.
 */
import {registry} from "@web/core/registry";
import {inputFiles} from "@web/../tests/utils";

const BAD_FILE = [
    "Customer number,E-mail,CC",
    "71001,ap@tour-one.example,cfo@tour-one.example",
    "71002,x@",
].join("\n");
const GOOD_FILE = [
    "Customer number,E-mail,CC",
    "71001,ap@tour-one.example,cfo@tour-one.example",
    "71002,invoices@tour-two.example",
].join("\n");

function csv(name, text) {
    return new File([text], name, {type: "text/csv"});
}

function menu(xmlid, content) {
    return {
        content,
        trigger: `.o_main_navbar [data-menu-xmlid="${xmlid}"]`,
        run: "click",
    };
}

function uploadStep(name, text) {
    return {
        content: `Choose ${name}`,
        trigger: ".modal .o_field_widget[name=file]",
        async run() {
            await inputFiles(".modal .o_field_widget[name=file] input.o_input_file", [
                csv(name, text),
            ]);
        },
    };
}

// What the screens say, per language: the Finnish run asserts the module's
// translated labels (i18n/fi.po) as a Finnish accountant sees them.
const LABELS = {
    en: {
        title: "E-mail Distribution",
        noErrors: "no errors",
        close: "Close",
        queued: "Queued",
        failed: "Failed",
        resend: "Resend",
    },
    fi: {
        title: "Sähköpostijakelu",
        noErrors: "ei virheitä",
        close: "Sulje",
        queued: "Jonossa",
        failed: "Epäonnistui",
        resend: "Lähetä uudelleen",
    },
};

const steps = (L) => [
        // Settings
        {
            content: "The E-mail Distribution setting is in the Invoicing settings",
            trigger: `#email_distribution_enabled:contains(${L.title})`,
        },
        {
            content: "Switch e-mail distribution on",
            trigger:
                "#email_distribution_enabled .o_field_widget[name=email_distribution_enabled] input",
            run: "click",
        },
        {
            content: "Set the sender address",
            trigger: ".o_field_widget[name=email_distribution_sender_email] input",
            run: "edit invoices@tour-company.example",
        },
        {
            content: "Set the reply-to address",
            trigger: ".o_field_widget[name=email_distribution_reply_to] input",
            run: "edit ar@tour-company.example",
        },
        {
            content: "Save the settings",
            trigger: ".o_control_panel .o_form_button_save",
            async run(helpers) {
                // Saving reloads the page, which drops this mark.
                document.body.classList.add("o_aed_saving");
                await helpers.click();
            },
        },
        {
            content: "Saved: the page reloads with distribution on",
            trigger:
                "body:not(.o_aed_saving) .o_field_widget[name=email_distribution_enabled] input:checked",
        },
        // Import wizard: a file with an error, then the fixed file
        menu(
            "account_email_distribution.email_distribution_menu",
            "Open the E-mail Distribution menu"
        ),
        {
            content: "Open the import wizard",
            trigger:
                '.dropdown-item[data-menu-xmlid="account_email_distribution.email_distribution_recipient_import_menu"]',
            run: "click",
        },
        uploadStep("recipients.csv", BAD_FILE),
        {
            trigger: ".modal .o_field_widget[name=file] input.o_input:value(recipients.csv)",
        },
        {
            content: "Preview the file",
            trigger: ".modal button[name=action_preview]",
            run: "click",
        },
        {
            content: "The error row is listed with its row, column and reason",
            trigger:
                ".modal .o_field_widget[name=error_ids] .o_data_row:contains(x@):contains(B)",
        },
        {
            content: "Nothing can be imported while the file has errors",
            trigger: ".modal:has(.alert-danger) footer:not(:has(button[name=action_import]))",
        },
        {
            content: "Choose another file",
            trigger: ".modal button[name=action_back]",
            run: "click",
        },
        {
            trigger: ".modal button[name=action_preview]",
        },
        uploadStep("recipients-fixed.csv", GOOD_FILE),
        {
            trigger:
                ".modal .o_field_widget[name=file] input.o_input:value(recipients-fixed.csv)",
        },
        {
            content: "Preview the fixed file",
            trigger: ".modal button[name=action_preview]",
            run: "click",
        },
        {
            content: "No errors: two entries will be created",
            trigger:
                `.modal .alert-info:contains(${L.noErrors}) .o_field_widget[name=new_count]:contains(2)`,
        },
        {
            content: "Import",
            trigger: ".modal button[name=action_import]",
            run: "click",
        },
        {
            content: "Imported",
            trigger: ".modal .alert-success .o_field_widget[name=new_count]:contains(2)",
        },
        {
            content: "Close the wizard",
            trigger: `.modal footer button:contains(${L.close})`,
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
        // Post an invoice and see its delivery badge
        menu("account.menu_finance_receivables", "Open the Customers menu"),
        {
            content: "Open the invoices",
            trigger:
                '.dropdown-item[data-menu-xmlid="account.menu_action_move_out_invoice_type"]',
            run: "click",
        },
        {
            content: "Open the draft invoice of the tour customer",
            trigger: ".o_data_row td:contains(Tour Document Customer)",
            run: "click",
        },
        {
            content: "Confirm the invoice",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_post]",
            run: "click",
        },
        {
            content: "The invoice is queued for e-mail delivery",
            trigger:
                `.o_field_widget[name=email_distribution_state] .badge:contains(${L.queued})`,
        },
        // Sending list: resend a failed delivery
        menu(
            "account_email_distribution.email_distribution_menu",
            "Open the E-mail Distribution menu"
        ),
        {
            content: "Open the sending list",
            trigger:
                '.dropdown-item[data-menu-xmlid="account_email_distribution.email_distribution_attempt_menu"]',
            run: "click",
        },
        {
            content: "The new delivery is in progress",
            trigger: `.o_data_row:contains(tour-doc.example):contains(${L.queued})`,
        },
        {
            content: "Show every line, not only those in progress",
            trigger: ".o_searchview_facet .o_facet_remove",
            run: "click",
        },
        {
            content: "Open the failed delivery",
            trigger:
                `.o_data_row:contains(Tour Failed Customer):contains(${L.failed}) td[name=email]`,
            run: "click",
        },
        {
            content: "The reason is shown",
            trigger: ".o_field_widget[name=message]:contains(No outgoing mail server)",
        },
        {
            content: "Back to the sending list",
            trigger: ".o_breadcrumb .breadcrumb-item a",
            run: "click",
        },
        {
            content: "Select the failed line",
            trigger:
                `.o_data_row:contains(Tour Failed Customer):has(.badge:contains(${L.failed})) .o_list_record_selector input`,
            run: "click",
        },
        {
            content: "Resend it",
            trigger: `.o_control_panel button:contains(${L.resend})`,
            run: "click",
        },
        {
            content: "A new attempt is queued for the failed customer",
            trigger: `.o_data_row:contains(Tour Failed Customer) .badge:contains(${L.queued})`,
        },
];

registry.category("web_tour.tours").add("account_email_distribution_tour", {
    url: "/odoo/action-account.action_account_config",
    steps: () => steps(LABELS.en),
});

registry.category("web_tour.tours").add("account_email_distribution_tour_fi", {
    url: "/odoo/action-account.action_account_config",
    steps: () => steps(LABELS.fi),
});
