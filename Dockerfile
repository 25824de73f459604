# syntax=docker/dockerfile:1
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 DEBUG=off
WORKDIR /app

COPY requirements.lock .
RUN pip install -r requirements.lock

COPY . .
# collectstatic needs settings but no real secrets or database.
RUN SECRET_KEY=build-only ALLOWED_HOSTS=localhost python manage.py collectstatic --no-input \
 && useradd --create-home --uid 10001 mesoguide && mkdir -p data && chown mesoguide data

USER mesoguide
EXPOSE 8000
CMD ["gunicorn", "mesoguide.wsgi:application", "--bind", "0.0.0.0:8000"]
