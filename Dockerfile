# The product's image: `docker build -t hraniteli .` (deploy/check-image builds and runs it).
# BASE_IMAGE: any Debian-like image with python3 (3.11+) and its venv module.
ARG BASE_IMAGE=python:3.11-slim-bookworm

FROM ${BASE_IMAGE} AS builder
ARG PIP_INDEX_URL=https://pypi.org/simple
ENV PIP_INDEX_URL=${PIP_INDEX_URL} PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
# A build behind a TLS-inspecting proxy puts its CA bundle here (deploy/build-ca/README.md);
# it is used by pip in this stage only and never reaches the runtime image.
COPY deploy/build-ca/ /tmp/build-ca/
WORKDIR /src
COPY requirements.lock ./
# Every dependency pinned and checked against its hash (python3: a Debian base has no `python`;
# a venv: Debian's pip refuses installs into the system's Python, PEP 668).
RUN if [ -f /tmp/build-ca/ca-certificates.crt ]; then \
        export PIP_CERT=/tmp/build-ca/ca-certificates.crt; fi \
    && python3 -m venv /opt/venv \
    && /opt/venv/bin/pip install -q --require-hashes -r requirements.lock
COPY pyproject.toml README.md main.py config.py services.py metrics.py ./
COPY bot ./bot
COPY webapp ./webapp
COPY db ./db
COPY domain ./domain
COPY infra ./infra
COPY sandbox ./sandbox
# The project itself, built by the locked setuptools, its dependencies already there.
RUN /opt/venv/bin/pip install -q --no-deps --no-build-isolation . \
    && /opt/venv/bin/hraniteli --help > /dev/null

FROM ${BASE_IMAGE}
COPY --from=builder /opt/venv /opt/venv
RUN useradd --system --uid 10001 --home-dir /data --no-create-home --shell /usr/sbin/nologin \
        hraniteli \
    && mkdir -p /data && chown hraniteli:hraniteli /data && chmod 0700 /data
# The database (SQLite with no DATABASE_URL: DATA_DIR/app.sqlite3), the generated secrets and
# backups live in DATA_DIR.
ENV PATH=/opt/venv/bin:$PATH PYTHONUNBUFFERED=1 DATA_DIR=/data HOST=0.0.0.0 PORT=8080
WORKDIR /
VOLUME /data
USER hraniteli
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python3", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8080'), timeout=4)"]
CMD ["hraniteli", "serve"]
