# The production image: Debian 12's Python 3.11 stack with GeoDjango's libraries, run by gunicorn.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends libgdal32 libgeos-c1v5 libproj25 gettext \
    libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --create-home --home-dir /home/enlace enlace

WORKDIR /app
COPY requirements.lock .
RUN pip install --no-cache-dir --require-hashes -r requirements.lock

COPY . .
# Build-time only values: the real ones come from the environment at run time.
RUN SECRET_KEY=build ENLACE_ENV_FILE=/dev/null STATIC_ROOT=/app/staticfiles \
    python manage.py collectstatic --noinput -v 0 \
 && SECRET_KEY=build ENLACE_ENV_FILE=/dev/null python manage.py compilemessages -v 0 \
 && chown -R enlace /app/staticfiles

USER enlace
ENV STATIC_ROOT=/app/staticfiles
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--config", "config/gunicorn.py"]
