# Odoo 18 (official image) with this project's add-on and dependencies.
#
# The checkout is copied to /opt/helpdesk_expedite, which is NOT a volume:
# the base image declares /mnt/extra-addons and /var/lib/odoo as volumes,
# and a volume keeps the files of the first container that used it, so code
# copied there would shadow every later build. Odoo finds the add-on through
# its addons path (ADDONS_PATH below, and tools/docker-serve's
# --addons-path), so a rebuild always serves the current checkout.
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

# The whole repository: the add-on, tools/docker-serve (the odoo service's
# start command) and tools/run-tests with the system tests (the tests
# service). Last, so that an edit only rebuilds this layer.
COPY --chown=odoo:odoo . /opt/helpdesk_expedite
ENV ADDONS_PATH=/opt/helpdesk_expedite

USER odoo
