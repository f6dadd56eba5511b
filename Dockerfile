FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production DJANGO_READ_DOT_ENV_FILE=false

WORKDIR /app
RUN useradd --create-home --uid 1000 blog
COPY pyproject.toml README.md ./
COPY config config
COPY core core
COPY blog blog
COPY comments comments
RUN pip install --no-cache-dir -e .
COPY . .
# collectstatic needs settings, not secrets: give it throwaway ones at build time only.
# The blog user owns them, so `migrate` can refresh the volume nginx serves them from.
RUN SECRET_KEY=build-only ALLOWED_HOSTS=localhost DATABASE_URL=postgres://build@localhost/build \
    python manage.py collectstatic --noinput -v0 && chown -R blog /app/staticfiles
# MEDIA_ROOT: the `media` volume takes this folder's owner when it is first mounted.
RUN mkdir -p /app/media && chown blog /app/media
USER blog
EXPOSE 8000
CMD ["gunicorn", "-c", "config/gunicorn.py", "config.wsgi"]
