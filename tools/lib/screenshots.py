"""Take the readme's screenshots of the demo incident (run by tools/screenshots).

    screenshots.py CONF DB OUT_DIR

Starts an Odoo server on DB (helpdesk_expedite installed with demo data),
then headless Chromium driven over the DevTools protocol (a websocket, as
Odoo's own browser tests do), logs in as the demo admin and the demo
portal user, and saves one PNG per shot in OUT_DIR. Each PNG is checked:
the page must show what the shot is about (a login page or an error fails
the run) and the file stays under MAX_BYTES.
"""

import base64
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import harness
import websocket
from mail_shots import mail_shots, subscriber_mail_shot
from PIL import Image

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ADMIN = ("admin", "admin")
PORTAL = ("portal-demo", "portal-demo")
TICKET_XMLID = "helpdesk_mgmt.helpdesk_ticket_3"
# the demo's open incident, published for the status page's shots
OPEN_TICKET_XMLID = "helpdesk_expedite.helpdesk_ticket_exam_submission"
EXAM_COMPONENT_XMLID = "helpdesk_expedite.status_component_exam_submission"
OPEN_PUBLIC_TITLE = "Exam submissions failing again for some classes"
REPORT = "helpdesk_expedite.report_incident"
MAX_BYTES = 300 * 1024
TIMEZONE = "Asia/Ho_Chi_Minh"  # the scenario's campus, as the demo users
DESKTOP = (1400, 2600)  # tall: an inner scroller shows all a shot needs
START_TIMEOUT = 120
PAGE_TIMEOUT = 60


def fail(message):
    sys.exit(f"screenshots: ERROR: {message}")


def log(message):
    print(f"screenshots: {message}", flush=True)


class Server(harness.OdooProcess):
    """Odoo on ``db`` alone, on a free port of 127.0.0.1, no crons; RPC
    as the demo admin."""

    def __init__(self, conf, db, log_path):
        super().__init__(conf, db, log_path, "--log-level=warn")
        self.admin = None

    def start(self, timeout=START_TIMEOUT):
        super().start(timeout)
        self.admin = harness.Rpc(self.url, self.db, *ADMIN, timeout=PAGE_TIMEOUT)
        return self

    def session_id(self, login, password):
        """The session cookie of ``login`` (checked: the login worked)."""
        session = harness.web_session(self.url, self.db, login, password)
        return session.cookies["session_id"]

    def search_read(self, model, domain, fields, **kwargs):
        return self.admin(model, "search_read", domain, fields=fields, **kwargs)

    def execute(self, model, method, *args):
        return self.admin(model, method, *args)

    def ref_id(self, xmlid):
        return self.admin.ref(xmlid)

    def stop(self):
        if self.admin:
            self.admin.close()
        super().stop()


class Browser:
    """Headless Chromium and one page, over the DevTools websocket."""

    def __init__(self, profile_dir):
        self.process = harness.start_process(
            [
                CHROMIUM,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-extensions",
                "--hide-scrollbars",
                "--force-device-scale-factor=1",
                "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0",
                f"--user-data-dir={profile_dir}",
                "about:blank",
            ],
            subprocess.DEVNULL,
        )
        port_file = Path(profile_dir, "DevToolsActivePort")
        deadline = time.monotonic() + 30
        while not port_file.exists() or not port_file.read_text().strip():
            if self.process.poll() is not None or time.monotonic() > deadline:
                fail(f"{CHROMIUM} did not start")
            time.sleep(0.1)
        port = int(port_file.read_text().split()[0])
        pages = []
        while not pages:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list") as r:
                pages = [t for t in json.loads(r.read()) if t["type"] == "page"]
            time.sleep(0.1)
        self.ws = websocket.create_connection(
            pages[0]["webSocketDebuggerUrl"], timeout=PAGE_TIMEOUT, suppress_origin=True
        )
        self._ids = iter(range(1, 1_000_000))
        self.call("Emulation.setTimezoneOverride", timezoneId=TIMEZONE)
        self.call("Page.enable")
        self.call("Network.enable")

    def call(self, method, **params):
        """Send a DevTools command and return its result (events skipped)."""
        message_id = next(self._ids)
        self.ws.send(json.dumps({"id": message_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == message_id:
                if "error" in message:
                    fail(f"{method}: {message['error']}")
                return message.get("result", {})

    def evaluate(self, expression):
        result = self.call(
            "Runtime.evaluate",
            expression=expression,
            returnByValue=True,
            awaitPromise=True,
        )
        if "exceptionDetails" in result:
            fail(f"script failed: {result['exceptionDetails']}\n{expression}")
        return result["result"].get("value")

    def viewport(self, width, height, mobile=False):
        self.call(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=mobile,
        )

    def login(self, server, credentials):
        self.call("Network.clearBrowserCookies")
        self.call(
            "Network.setCookie",
            name="session_id",
            value=server.session_id(*credentials),
            url=server.url,
        )

    def open(self, url, selector):
        """Go to ``url`` and wait until ``selector`` is shown and the web
        client is idle."""
        self.call("Page.navigate", url=url)
        self.wait_for(selector)

    def wait_for(self, selector):
        check = f"""(() => {{
            const el = document.querySelector({json.dumps(selector)});
            return Boolean(el && el.getClientRects().length)
                && !document.querySelector('.o_loading_indicator, .o_blockUI');
        }})()"""
        deadline = time.monotonic() + PAGE_TIMEOUT
        while not self.evaluate(check):
            if time.monotonic() > deadline:
                fail(f"{selector!r} not shown on {self.evaluate('location.href')}")
            time.sleep(0.25)
        time.sleep(1.0)  # fonts, images and transitions settle

    def click(self, selector, then):
        self.evaluate(f"document.querySelector({json.dumps(selector)}).click()")
        self.wait_for(then)

    def clip(self, selectors, padding=8, full_width_of=None):
        """The union of the boxes of ``selectors``: each the first match; a
        ``:has-text(...)`` suffix picks the first match containing a text,
        and ``A >> B`` the first B inside A."""
        script = f"""(() => {{
            const pick = (spec) => {{
                const [outer, inner] = spec.split(' >> ');
                const [css, text] = outer.split(':has-text(');
                const all = [...document.querySelectorAll(css)];
                const wanted = text ? text.slice(0, -1) : null;
                const el = all.find(el => !wanted || el.innerText.includes(wanted));
                return el && inner ? el.querySelector(inner) : el;
            }};
            const found = {json.dumps(selectors)}.map(pick);
            if (found.some(el => !el)) return null;
            found[0].scrollIntoView({{block: 'center'}});
            const boxes = found.map(el => el.getBoundingClientRect());
            const wide = {json.dumps(full_width_of)};
            const outer = wide && document.querySelector(wide);
            const box = {{
                left: Math.min(...boxes.map(b => b.left)),
                top: Math.min(...boxes.map(b => b.top)),
                right: Math.max(...boxes.map(b => b.right)),
                bottom: Math.max(...boxes.map(b => b.bottom)),
            }};
            if (outer) {{
                const o = outer.getBoundingClientRect();
                box.left = o.left; box.right = o.right;
            }}
            return box;
        }})()"""
        box = self.evaluate(script)
        if not box:
            fail(f"not found on {self.evaluate('location.href')}: {selectors}")
        return {
            "x": max(box["left"] - padding, 0),
            "y": max(box["top"] - padding, 0),
            "width": box["right"] - box["left"] + 2 * padding,
            "height": box["bottom"] - box["top"] + 2 * padding,
            "scale": 1,
        }

    def screenshot(self, clip=None):
        params = {"format": "png", "captureBeyondViewport": False}
        if clip:
            params["clip"] = clip
        return base64.b64decode(self.call("Page.captureScreenshot", **params)["data"])

    def stop(self):
        try:
            self.ws.close()
        finally:
            harness.stop_process(self.process)


def save(png, path, max_width=None):
    """Save ``png`` at ``path``, scaled to ``max_width`` and reduced to a
    palette when needed to stay under MAX_BYTES."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    if max_width and image.width > max_width:
        ratio = max_width / image.width
        image = image.resize(
            (max_width, round(image.height * ratio)), Image.Resampling.LANCZOS
        )
    while True:
        buffer = io.BytesIO()
        image.save(buffer, "PNG", optimize=True)
        if buffer.tell() > MAX_BYTES:
            buffer = io.BytesIO()
            image.quantize(colors=256, dither=Image.Dither.NONE).save(
                buffer, "PNG", optimize=True
            )
        if buffer.tell() <= MAX_BYTES:
            break
        image = image.resize(
            (round(image.width * 0.85), round(image.height * 0.85)),
            Image.Resampling.LANCZOS,
        )
    Path(path).write_bytes(buffer.getvalue())
    log(f"{path.name}: {image.width}x{image.height}, {buffer.tell() // 1024} KB")


def stack(*pngs):
    """The images one above the other, on white, as PNG bytes."""
    images = [Image.open(io.BytesIO(png)).convert("RGB") for png in pngs]
    gap = 16
    canvas = Image.new(
        "RGB",
        (
            max(image.width for image in images),
            sum(image.height for image in images) + gap * (len(images) - 1),
        ),
        "white",
    )
    top = 0
    for image in images:
        canvas.paste(image, (0, top))
        top += image.height + gap
    buffer = io.BytesIO()
    canvas.save(buffer, "PNG")
    return buffer.getvalue()


def assert_not_error_page(browser):
    state = browser.evaluate(
        """({
            url: location.href,
            login: Boolean(document.querySelector('form.oe_login_form')),
            error: Boolean(document.querySelector(
                '.o_error_dialog, .o_notification.border-danger, #error_message')),
        })"""
    )
    if state["login"] or state["error"]:
        fail(f"{state['url']} shows a login page or an error")


def take(browser, out_dir, name, clip=None, max_width=None):
    assert_not_error_page(browser)
    save(browser.screenshot(clip), out_dir / f"{name}.png", max_width)


def backend_shots(browser, server, out_dir, ticket_id):
    form = ".o_form_view .o_form_sheet"
    browser.viewport(*DESKTOP)
    browser.login(server, ADMIN)
    browser.open(f"{server.url}/odoo/helpdesk.ticket/{ticket_id}", form)
    # Header: breadcrumbs, buttons, stage, phase, title and the main fields.
    take(
        browser,
        out_dir,
        "ticket-header",
        browser.clip([".o_control_panel", ".o_form_view .o_notebook .nav-tabs"]),
        max_width=1200,
    )
    page = ".o_notebook .tab-pane.active"
    browser.click("a[name='expedite_investigation']", page + " [name='check_ids']")
    take(
        browser,
        out_dir,
        "investigation",
        browser.clip([page], full_width_of=page),
        max_width=1200,
    )
    browser.click("a[name='expedite_response']", page + " [name='status_update_ids']")
    assert_not_error_page(browser)
    updates = browser.screenshot(
        browser.clip([page + " [name='status_update_ids']"], full_width_of=page)
    )
    browser.click("a[name='expedite_resolution']", page + " [name='root_cause']")
    # The customer updates, then how and when the customer confirmed.
    assert_not_error_page(browser)
    confirmation = browser.screenshot(
        browser.clip(
            [
                page + " .o_wrap_label:has-text(Customer Confirmed)",
                page + " .o_wrap_label:has-text(Customer Confirmed Date)",
                page + " [name='customer_confirmed_date']",
            ]
        )
    )
    save(stack(updates, confirmation), out_dir / "customer.png", max_width=1200)
    take(
        browser,
        out_dir,
        "resolution-closure",
        browser.clip(
            [
                page + " [name='root_cause']",
                page + " [name='corrective_action_ids']",
                page + " [name='resolution_summary']",
            ],
            full_width_of=page,
        ),
        max_width=1200,
    )
    take(
        browser,
        out_dir,
        "monitoring",
        browser.clip(
            [
                page + " [name='monitoring_window']",
                page + " [name='monitoring_log_ids']",
            ],
            full_width_of=page,
        ),
        max_width=1200,
    )
    # The escalation itself: the summary the Dev Team received.
    browser.open(
        f"{server.url}/odoo/helpdesk.ticket/{ticket_id}/action-"
        "helpdesk_expedite.helpdesk_ticket_escalation_action_ticket",
        ".o_list_view .o_data_row, .o_form_view .o_form_sheet",
    )
    if browser.evaluate("Boolean(document.querySelector('.o_list_view'))"):
        browser.click(".o_list_view .o_data_row td.o_data_cell", form)
    take(
        browser,
        out_dir,
        "escalation",
        browser.clip([".o_control_panel", form]),
        max_width=1200,
    )
    # The board: open tickets by stage, the major incident first.
    browser.viewport(1400, 820)
    browser.open(
        f"{server.url}/odoo/action-helpdesk_mgmt.helpdesk_ticket_action?view_type=kanban",
        ".o_kanban_view .o_kanban_record",
    )
    take(browser, out_dir, "kanban", max_width=1200)
    # The incident review (PDF) as its HTML, on an A4-wide page.
    browser.viewport(794, 1123)
    browser.open(f"{server.url}/report/html/{REPORT}/{ticket_id}", "main, .page")
    take(browser, out_dir, "incident-review-report")


def portal_shot(browser, server, out_dir, ticket_id):
    browser.viewport(390, 844, mobile=True)
    browser.login(server, PORTAL)
    browser.open(f"{server.url}/my/ticket/{ticket_id}", "#wrap")
    # The page down to the message history (helpdesk_mgmt's #task_chat).
    height = browser.evaluate(
        """(() => {
            const chat = document.querySelector('#task_chat');
            return chat ? chat.getBoundingClientRect().top + window.scrollY
                        : document.documentElement.scrollHeight;
        })()"""
    )
    height = min(round(height), 2400)
    browser.viewport(390, height, mobile=True)
    time.sleep(1.0)
    take(browser, out_dir, "portal-ticket-mobile")


def publish_open_incident(server):
    """The demo's open incident on the status page, beside the completed
    one the demo published: the page then shows a current incident."""
    ticket_id = server.ref_id(OPEN_TICKET_XMLID)
    server.execute(
        "helpdesk.ticket",
        "write",
        [ticket_id],
        {
            "status_public_title": OPEN_PUBLIC_TITLE,
            "status_impact": "major",
            "status_component_ids": [(6, 0, [server.ref_id(EXAM_COMPONENT_XMLID)])],
        },
    )
    server.execute("helpdesk.ticket", "action_publish_status", [ticket_id])
    return ticket_id


def full_page(browser, width, mobile=False):
    """Resize the viewport to the whole page's height, then shoot it."""
    height = browser.evaluate("document.documentElement.scrollHeight")
    browser.viewport(width, min(round(height), 3000), mobile=mobile)
    time.sleep(0.5)


def status_shots(browser, server, out_dir, ticket_id):
    """The public status page, as an anonymous visitor: desktop, phone, the
    completed incident's page; and the ticket's Status Page tab."""
    open_ticket = publish_open_incident(server)
    subscriber_mail_shot(browser, server, out_dir, OPEN_PUBLIC_TITLE, take)
    browser.call("Network.clearBrowserCookies")
    browser.viewport(1200, 900)
    browser.open(f"{server.url}/status", ".sp-components")
    full_page(browser, 1200)
    take(browser, out_dir, "status-page", max_width=1200)
    browser.viewport(390, 844, mobile=True)
    browser.open(f"{server.url}/status", ".sp-components")
    full_page(browser, 390, mobile=True)
    take(browser, out_dir, "status-page-mobile")
    browser.viewport(1000, 900)
    browser.open(f"{server.url}/status/incidents/{ticket_id}", ".sp-timeline")
    full_page(browser, 1000)
    take(browser, out_dir, "status-incident", max_width=1000)
    browser.viewport(*DESKTOP)
    browser.login(server, ADMIN)
    page = ".o_notebook .tab-pane.active"
    browser.open(
        f"{server.url}/odoo/helpdesk.ticket/{open_ticket}", ".o_form_view .o_form_sheet"
    )
    browser.click(
        "a[name='expedite_status_page']", page + " [name='status_public_title']"
    )
    take(
        browser,
        out_dir,
        "status-page-tab",
        browser.clip([".o_form_view .o_notebook .nav-tabs", page], full_width_of=page),
        max_width=1200,
    )


def main(argv):
    if len(argv) != 3:
        sys.exit(__doc__)
    conf, db, out_dir = argv
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    work_dir = Path(tempfile.mkdtemp(prefix="screenshots-"))
    server = browser = None
    try:
        server = Server(conf, db, work_dir / "server.log")
        server.start()
        ticket_id = server.ref_id(TICKET_XMLID)
        browser = Browser(work_dir / "chromium")
        backend_shots(browser, server, out_dir, ticket_id)
        mail_shots(browser, server, out_dir, ticket_id, take)
        portal_shot(browser, server, out_dir, ticket_id)
        status_shots(browser, server, out_dir, ticket_id)
    except (harness.NotReady, harness.RpcError) as error:
        fail(error)
    finally:
        if browser:
            browser.stop()
        if server:
            server.stop()
        shutil.rmtree(work_dir, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1:])
