# syntax=docker/dockerfile:1
#
# One image for all of our Python code (coach/, actions/, bot/). docker-compose.yml runs it
# three times with different commands:
#   migrate        python -m coach migrate
#   action-server  python -m actions.server --host 0.0.0.0 --port 5055   (secret required)
#   bot            python -m bot                      (the default CMD)
# The three share the same dependencies and the same code, so one image keeps them in
# lock-step (a migration and the code that needs it can never come from different builds).
# Rasa itself runs from the official rasa/rasa image: it needs Python 3.10 and conflicting
# library versions (see SPEC §1).

FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONPATH=/app \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Unprivileged runtime user (numeric ids, so orchestrators can verify "runAsNonRoot").
RUN groupadd --system --gid 10001 rebond \
 && useradd --system --uid 10001 --gid rebond --create-home --home-dir /home/rebond \
      --shell /usr/sbin/nologin rebond

WORKDIR /app

# Dependencies first: this layer is rebuilt only when the pinned requirements change.
COPY requirements/app.txt requirements/app.txt
RUN pip install --no-cache-dir -r requirements/app.txt

# Our code, owned by root and read-only for the runtime user. Byte-code is compiled at build
# time because the runtime user cannot write __pycache__ next to the sources.
COPY alembic.ini ./
COPY coach/ coach/
COPY actions/ actions/
# The actions read the training examples' vocabulary (actions/flow.py).
COPY data/nlu/ data/nlu/
COPY bot/ bot/
RUN python -m compileall -q coach actions bot

USER 10001:10001

# 5055: action server (internal network only). 8443: Telegram webhook (bot, webhook mode).
EXPOSE 5055 8443

# No HEALTHCHECK here: what "healthy" means depends on the command (a one-shot migration, the
# action server's /health, the bot in polling or webhook mode), so docker-compose.yml declares
# it per service.
# checkov:skip=CKV_DOCKER_2: one image runs three different commands; compose defines the healthchecks

CMD ["python", "-m", "bot"]
