#!/usr/bin/env bash
# One standalone ZooKeeper server at zookeeper:2181 on the cluster's network.
# tickTime 1 s: sessions may be as short as 2 s (minSessionTimeout = 2 ticks),
# so the harness can give Flink a short session and a killed leader's
# ephemeral znode goes within seconds, not ZooKeeper's default 40 s.
set -euo pipefail
CFG=/etc/zookeeper/zoo.cfg
cat > "${CFG}" <<CFG
tickTime=1000
dataDir=/var/lib/zookeeper
clientPort=2181
maxClientCnxns=0
admin.enableServer=false
4lw.commands.whitelist=ruok,srvr,stat,mntr
autopurge.snapRetainCount=3
autopurge.purgeInterval=1
${ZOOKEEPER_EXTRA_CONFIG:-}
CFG
chown -R zookeeper:zookeeper /var/lib/zookeeper /etc/zookeeper
exec gosu zookeeper java -Xms${ZOOKEEPER_HEAP:-256m} -Xmx${ZOOKEEPER_HEAP:-256m} -XX:+UseG1GC -Djava.awt.headless=true \
  -Dlogback.configurationFile=/opt/zookeeper/conf/logback.xml -Dzookeeper.jmx.log4j.disable=true \
  -cp "/opt/zookeeper/libs/*" org.apache.zookeeper.server.quorum.QuorumPeerMain "${CFG}"
