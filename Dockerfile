# One image for web, worker and beat; docker-compose.yml picks the command.
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 VPM_ENV=production
RUN apt-get update && apt-get install -y --no-install-recommends libmagic1 \
    && rm -rf /var/lib/apt/lists/* && useradd --create-home vpm
WORKDIR /app
COPY requirements.lock .
RUN pip install --no-cache-dir -r requirements.lock
COPY . .
RUN python -m vpm.devtools.compile_messages
# The triage model is trained at build time (from messaging/triage/data/, no download).
RUN python -m messaging.triage.train
# collectstatic needs settings to load, not real services.
RUN DJANGO_SECRET_KEY=build DJANGO_ALLOWED_HOSTS=build DATABASE_URL=postgres://build/build \
    REDIS_URL=redis://build EMAIL_HOST=build VPM_SITE_URL=https://build.invalid \
    VPM_ALLOW_RECORDING_SMS=true python manage.py collectstatic --noinput
USER vpm
EXPOSE 8000
CMD ["gunicorn", "-c", "python:vpm.gunicorn_conf", "vpm.wsgi"]
