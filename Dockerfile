# Odoo 18 (official image) with this project's add-on and dependencies.
FROM odoo:18.0

USER root

COPY requirements.txt requirements-test.txt /tmp/helpdesk_expedite/
# The OCA wheels declare "odoo==18.0.*", which pip cannot see in the image's
# Debian-packaged Odoo (and which PyPI does not have): install the runtime
# requirements without resolving dependencies (requests and xlsxwriter are
# already in the image), the test tools normally.
RUN pip3 install --no-cache-dir --break-system-packages --no-deps \
        -r /tmp/helpdesk_expedite/requirements.txt \
    && pip3 install --no-cache-dir --break-system-packages \
        -r /tmp/helpdesk_expedite/requirements-test.txt \
    && rm -rf /tmp/helpdesk_expedite

# The add-on where the image's odoo.conf looks for add-ons, and the whole
# repository (tools/run-tests, system tests) for the "tests" service.
COPY --chown=odoo:odoo helpdesk_expedite /mnt/extra-addons/helpdesk_expedite
COPY --chown=odoo:odoo . /opt/helpdesk_expedite

USER odoo
