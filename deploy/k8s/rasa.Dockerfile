# syntax=docker/dockerfile:1
#
# The Rasa image of the Kubernetes deployment (deploy/k8s/rasa.yaml): the official image with
# the trained model and our launcher baked in, so a pod needs nothing else than its ConfigMap
# (endpoints, credentials) and its Secret. docker-compose.yml mounts the same two things from
# the working tree instead. Build from the repository root after `make model`:
#
#   docker build -f deploy/k8s/rasa.Dockerfile -t REGISTRY/rebond-rasa:TAG .
#
# rasa.Dockerfile.dockerignore (BuildKit reads it instead of the root .dockerignore) lets only
# these two files into the build context. One image per model: a new model is a new tag.

FROM rasa/rasa:3.6.21-full

COPY models/rebond.tar.gz /app/models/rebond.tar.gz
COPY deploy/rasa_server.py /app/deploy/rasa_server.py

# The base image's unprivileged user, numeric (deploy/k8s/rasa.yaml runs it as 1001 too).
USER 1001

# Kubernetes uses the probes of deploy/k8s/rasa.yaml; this is for a plain `docker run`.
HEALTHCHECK --interval=10s --timeout=5s --start-period=120s --retries=6 \
  CMD curl -fsS -o /dev/null http://127.0.0.1:5005/ || exit 1

ENTRYPOINT ["python", "/app/deploy/rasa_server.py"]
CMD ["run", "--enable-api", "--model", "/app/models", "--port", "5005"]
