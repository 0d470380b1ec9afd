# syntax=docker/dockerfile:1
FROM python:3.12-slim AS build
WORKDIR /src
RUN python -m venv /opt/venv
ENV PATH="/opt/venv/bin:$PATH" PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
COPY pyproject.toml README.md alembic.ini ./
COPY app ./app
COPY migrations ./migrations
RUN pip install .

FROM python:3.12-slim AS runtime
RUN groupadd --system --gid 10001 iop \
 && useradd --system --uid 10001 --gid iop --home-dir /srv/iop --create-home iop
COPY --from=build /opt/venv /opt/venv
ENV PATH="/opt/venv/bin:$PATH" \
    PYTHONUNBUFFERED=1 \
    IOP_DATABASE_URL="sqlite:////srv/iop/data/iop.db"
WORKDIR /srv/iop
RUN mkdir -p /srv/iop/data && chown 10001:10001 /srv/iop/data
USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status != 200)"]
CMD ["iop", "serve", "--host", "0.0.0.0", "--port", "8000"]
