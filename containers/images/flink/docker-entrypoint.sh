#!/usr/bin/env bash
# Entry point in the official Flink image's manner: rewrite conf/config.yaml from
# the environment with Flink's own config-parser-utils.sh, then run the
# JobManager or TaskManager in the foreground as user flink.
set -euo pipefail

CONF_DIR="${FLINK_HOME}/conf"

prepare_configuration() {
  local params=()
  params+=("-Djobmanager.rpc.address=${JOB_MANAGER_RPC_ADDRESS:-jobmanager}")
  params+=("-Djobmanager.bind-host=0.0.0.0")
  params+=("-Dtaskmanager.bind-host=0.0.0.0")
  params+=("-Drest.address=${JOB_MANAGER_RPC_ADDRESS:-jobmanager}")
  params+=("-Drest.bind-address=0.0.0.0")
  params+=("-Dblob.server.port=6124")
  params+=("-Dquery.server.port=6125")
  # TaskManagers register under their container IP: the JobManager reaches them there.
  params+=("-Dtaskmanager.host=$(hostname -i | awk '{print $1}')")
  if [[ -n "${TASK_MANAGER_NUMBER_OF_TASK_SLOTS:-}" ]]; then
    params+=("-Dtaskmanager.numberOfTaskSlots=${TASK_MANAGER_NUMBER_OF_TASK_SLOTS}")
  fi
  # FLINK_PROPERTIES: newline-separated "key: value" lines, as in the official image.
  if [[ -n "${FLINK_PROPERTIES:-}" ]]; then
    while IFS= read -r line; do
      [[ -z "${line//[[:space:]]/}" || "${line}" == \#* ]] && continue
      local key="${line%%:*}" value="${line#*:}"
      key="$(echo -n "${key}" | xargs)"
      value="$(echo -n "${value}" | sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//')"
      params+=("-D${key}=${value}")
    done <<< "${FLINK_PROPERTIES}"
  fi
  "${FLINK_HOME}/bin/config-parser-utils.sh" "${CONF_DIR}" "${FLINK_HOME}/bin" "${FLINK_HOME}/lib" "${params[@]}"
}

as_flink() {
  if [[ "$(id -u)" == "0" ]]; then exec gosu flink "$@"; else exec "$@"; fi
}

case "${1:-help}" in
  jobmanager)
    shift
    prepare_configuration
    as_flink "${FLINK_HOME}/bin/jobmanager.sh" start-foreground "$@"
    ;;
  taskmanager)
    shift
    prepare_configuration
    as_flink "${FLINK_HOME}/bin/taskmanager.sh" start-foreground "$@"
    ;;
  client)
    # The CLI client: configured like the cluster, then idle; the harness runs
    # `flink ...` in it with docker exec, as a person would in the playground.
    prepare_configuration
    echo "client ready: flink CLI configured for ${JOB_MANAGER_RPC_ADDRESS:-jobmanager}"
    exec sleep infinity
    ;;
  help)
    echo "Usage: $(basename "$0") (jobmanager|taskmanager|client|help|<command>)"
    exit 0
    ;;
  *)
    exec "$@"
    ;;
esac
