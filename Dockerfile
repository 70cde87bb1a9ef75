# syntax=docker/dockerfile:1
# Production image: build wheels in one stage, run as a non-root user in a slim one.

FROM python:3.11-slim-bookworm AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
COPY requirements.lock ./
# Dependencies only, exactly as pinned: in hash-checking mode pip also refuses any dependency the lock
# lacks. The application runs from its source tree in /srv/app.
RUN pip install --require-hashes -r requirements.lock

FROM python:3.11-slim-bookworm AS runtime
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    LOCAL_OFFER_ENVIRONMENT=production \
    LOCAL_OFFER_DATABASE_URL=sqlite:////var/lib/local-offer/local_offer.db \
    PORT=8000
RUN groupadd --system --gid 10001 app \
 && useradd --system --uid 10001 --gid app --home-dir /srv/app --shell /usr/sbin/nologin app \
 && mkdir -p /var/lib/local-offer && chown app:app /var/lib/local-offer
WORKDIR /srv/app
COPY --from=build /opt/venv /opt/venv
# Migrations and the committed head are read at run time (readiness compares the schema with HEAD).
COPY --chown=app:app alembic.ini ./
COPY --chown=app:app migrations ./migrations
COPY --chown=app:app app ./app
USER app
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import os,sys,urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:%s/health/live' % os.environ['PORT'], timeout=2).status == 200 else 1)"]
# Migrate, then hand the process over to uvicorn (exec: signals reach it directly). Uvicorn neither
# names itself in a `server` header nor trusts X-Forwarded-* itself: the app decides which proxies to
# believe (LOCAL_OFFER_TRUSTED_PROXIES). tests/test_packaging.py runs this line as it stands.
CMD ["sh", "-c", "python -m app migrate && exec uvicorn app.main:app --host 0.0.0.0 --port \"$PORT\" --no-proxy-headers --no-server-header --no-access-log --workers \"${WEB_CONCURRENCY:-2}\""]
