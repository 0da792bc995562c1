#!/usr/bin/env bash
# One Kafka node in KRaft mode. Listeners: INTERNAL (kafka:9092) for Flink on the
# Docker network, EXTERNAL (127.0.0.1:$KAFKA_EXTERNAL_PORT) for the harness on
# the host, CONTROLLER on loopback. The external port is fixed by the harness
# so that it survives a broker restart.
set -euo pipefail
: "${KAFKA_EXTERNAL_PORT:?KAFKA_EXTERNAL_PORT (the host port mapped to 19092) must be set}"
ALIAS="${KAFKA_ADVERTISED_HOST:-kafka}"
PROPS=/etc/kafka/server.properties
CP="/opt/kafka/libs/*"
JAVA_OPTS=(-Xms${KAFKA_HEAP:-512m} -Xmx${KAFKA_HEAP:-512m} -XX:+UseG1GC -Djava.awt.headless=true
  -Dlog4j2.configurationFile=/opt/kafka/config/log4j2.properties)

cat > "${PROPS}" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:9093
listeners=INTERNAL://0.0.0.0:9092,EXTERNAL://0.0.0.0:19092,CONTROLLER://127.0.0.1:9093
advertised.listeners=INTERNAL://${ALIAS}:9092,EXTERNAL://127.0.0.1:${KAFKA_EXTERNAL_PORT}
listener.security.protocol.map=INTERNAL:PLAINTEXT,EXTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=INTERNAL
controller.listener.names=CONTROLLER
log.dirs=/var/lib/kafka/data
num.partitions=2
auto.create.topics.enable=false
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=4
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
transaction.max.timeout.ms=900000
# The generator's event time starts in 1970 and Flink's sink stamps output with
# it: time-based retention would delete those records ~30 s after start.
log.retention.ms=-1
${KAFKA_EXTRA_PROPERTIES:-}
PROPS

# Format once: a restarted container keeps its data (and its cluster id).
if [[ ! -f /var/lib/kafka/data/meta.properties ]]; then
  CLUSTER_ID="$(java -cp "${CP}" kafka.tools.StorageTool random-uuid)"
  java "${JAVA_OPTS[@]}" -cp "${CP}" kafka.tools.StorageTool format -t "${CLUSTER_ID}" -c "${PROPS}" --ignore-formatted
fi
chown -R kafka:kafka /var/lib/kafka /etc/kafka
exec gosu kafka java "${JAVA_OPTS[@]}" -cp "${CP}" kafka.Kafka "${PROPS}"
