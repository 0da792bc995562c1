#!/usr/bin/env bash
# A Kafka node in KRaft mode (broker + controller). Listeners: INTERNAL
# (${KAFKA_ADVERTISED_HOST}:9092) for Flink on the Docker network, EXTERNAL
# (127.0.0.1:$KAFKA_EXTERNAL_PORT) for the harness on the host, CONTROLLER for
# the quorum, and optionally FLINK (advertised as ${KAFKA_PROXY_HOST}:$KAFKA_PROXY_PORT):
# the address Flink uses when its traffic goes through a network proxy. The
# external port is fixed by the harness so that it survives a broker restart.
#
# One node (the default): node 1, its own quorum on loopback, internal topics
# with one replica. A quorum of n: the harness sets KAFKA_NODE_ID,
# KAFKA_CONTROLLER_QUORUM_VOTERS (1@kafka-1:9093,...), KAFKA_CLUSTER_ID (the
# same for every node: each formats its own log dir with it) and
# KAFKA_REPLICATION_FACTOR / KAFKA_MIN_ISR for the internal topics.
# KAFKA_PRINT_PROPERTIES=1 prints server.properties and exits (unit tests).
set -euo pipefail
: "${KAFKA_EXTERNAL_PORT:?KAFKA_EXTERNAL_PORT (the host port mapped to 19092) must be set}"
ALIAS="${KAFKA_ADVERTISED_HOST:-kafka}"
NODE_ID="${KAFKA_NODE_ID:-1}"
RF="${KAFKA_REPLICATION_FACTOR:-1}"
MIN_ISR="${KAFKA_MIN_ISR:-1}"
PROPS="${KAFKA_PROPERTIES_FILE:-/etc/kafka/server.properties}"
CP="/opt/kafka/libs/*"
JAVA_OPTS=(-Xms${KAFKA_HEAP:-512m} -Xmx${KAFKA_HEAP:-512m} -XX:+UseG1GC -Djava.awt.headless=true
  -Dlog4j2.configurationFile=/opt/kafka/config/log4j2.properties)

if [[ -n "${KAFKA_CONTROLLER_QUORUM_VOTERS:-}" ]]; then
  VOTERS="${KAFKA_CONTROLLER_QUORUM_VOTERS}"
  CONTROLLER_BIND=0.0.0.0 # the other voters reach it on the network
else
  VOTERS="1@127.0.0.1:9093"
  CONTROLLER_BIND=127.0.0.1
fi
LISTENERS="INTERNAL://0.0.0.0:9092,EXTERNAL://0.0.0.0:19092,CONTROLLER://${CONTROLLER_BIND}:9093"
ADVERTISED="INTERNAL://${ALIAS}:9092,EXTERNAL://127.0.0.1:${KAFKA_EXTERNAL_PORT}"
PROTOCOLS="INTERNAL:PLAINTEXT,EXTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT"
if [[ -n "${KAFKA_PROXY_PORT:-}" ]]; then
  # A client that bootstraps through the proxy gets the proxy's addresses back
  # (Kafka answers metadata with the listener the request came in on).
  LISTENERS="${LISTENERS},FLINK://0.0.0.0:29092"
  ADVERTISED="${ADVERTISED},FLINK://${KAFKA_PROXY_HOST:-toxiproxy}:${KAFKA_PROXY_PORT}"
  PROTOCOLS="${PROTOCOLS},FLINK:PLAINTEXT"
fi

properties() {
cat <<PROPS
process.roles=broker,controller
node.id=${NODE_ID}
controller.quorum.voters=${VOTERS}
listeners=${LISTENERS}
advertised.listeners=${ADVERTISED}
listener.security.protocol.map=${PROTOCOLS}
inter.broker.listener.name=INTERNAL
controller.listener.names=CONTROLLER
log.dirs=/var/lib/kafka/data
num.partitions=2
auto.create.topics.enable=false
offsets.topic.replication.factor=${RF}
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=${RF}
transaction.state.log.min.isr=${MIN_ISR}
transaction.state.log.num.partitions=4
share.coordinator.state.topic.replication.factor=${RF}
share.coordinator.state.topic.min.isr=${MIN_ISR}
group.initial.rebalance.delay.ms=0
transaction.max.timeout.ms=900000
# The generator's event time starts in 1970 and Flink's sink stamps output with
# it: time-based retention would delete those records ~30 s after start.
log.retention.ms=-1
${KAFKA_EXTRA_PROPERTIES:-}
PROPS
}

if [[ "${KAFKA_PRINT_PROPERTIES:-}" == 1 ]]; then
  properties
  exit 0
fi
properties > "${PROPS}"

# Format once: a restarted container keeps its data (and its cluster id).
if [[ ! -f /var/lib/kafka/data/meta.properties ]]; then
  CLUSTER_ID="${KAFKA_CLUSTER_ID:-$(java -cp "${CP}" kafka.tools.StorageTool random-uuid)}"
  java "${JAVA_OPTS[@]}" -cp "${CP}" kafka.tools.StorageTool format -t "${CLUSTER_ID}" -c "${PROPS}" --ignore-formatted
fi
chown -R kafka:kafka /var/lib/kafka /etc/kafka
exec gosu kafka java "${JAVA_OPTS[@]}" -cp "${CP}" kafka.Kafka "${PROPS}"
