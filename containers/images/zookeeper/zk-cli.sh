#!/usr/bin/env bash
# ZooKeeper's own CLI (zkCli.sh) against this server: `zk-cli get /flink/...`. It waits for
# the connection (without -waitforconnection a command runs before it and fails with ConnectionLoss).
exec java -Xmx64m -Dlogback.configurationFile=/opt/zookeeper/conf/logback-cli.xml -cp "/opt/zookeeper/libs/*" \
  org.apache.zookeeper.ZooKeeperMain -server 127.0.0.1:2181 -waitforconnection -timeout 5000 "$@"
