# syntax=docker/dockerfile:1
# MesoGuide app server: gunicorn on $PORT (8000), production settings.
# Configuration comes from the environment at run time (see README, Deploying);
# migrations are a separate step:
#   docker run --rm --env-file mesoguide.env --entrypoint python mesoguide manage.py migrate
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DEBUG=off \
    PORT=8000
WORKDIR /app

# Exactly the locked versions, nothing resolved at build time.
COPY requirements.lock .
RUN pip install --no-deps -r requirements.lock

COPY . .
# Static files are collected (hashed and compressed) into the image. Settings
# need values to load, none of them real: nothing here is kept or connected to.
RUN SECRET_KEY=collectstatic-only ALLOWED_HOSTS=localhost \
    DATABASE_URL=sqlite:////tmp/build.sqlite3 CACHE_URL=filecache:///tmp/build-cache \
    EMAIL_URL=consolemail:// SITE_URL=https://localhost \
    python manage.py collectstatic --no-input -v 0 \
 && rm -rf /tmp/build-cache \
 && useradd --create-home --uid 10001 mesoguide \
 && mkdir -p data media && chown mesoguide data media

USER mesoguide
EXPOSE 8000
# Liveness only (the process answers); load balancers use /readyz for traffic.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8000'), timeout=4)"]
# gunicorn reads /app/gunicorn.conf.py: workers, timeouts, max_requests, access log.
ENTRYPOINT ["gunicorn", "mesoguide.wsgi:application"]
