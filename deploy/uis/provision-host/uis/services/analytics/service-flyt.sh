#!/bin/bash
# service-flyt.sh - Flyt service metadata
#
# Flyt is a TypeScript-native data-asset orchestrator (schedules, sensors, lineage, freshness,
# Dagster Pipes compatible), the lighter replacement for Dagster (360) on UIS. Number 365: the
# data-orchestration slot next to Dagster; 360-362 are Dagster's files, 363-364 stay free for it.
# Run only one of the two orchestrators per installation.

# === Service Metadata (Required) ===
SCRIPT_ID="flyt"
SCRIPT_NAME="Flyt"
SCRIPT_DESCRIPTION="TypeScript-native data-asset orchestrator with lineage, freshness and Dagster Pipes compatibility"
SCRIPT_CATEGORY="ANALYTICS"

# === Deployment (Required) ===
SCRIPT_PLAYBOOK="365-setup-flyt.yml"
SCRIPT_MANIFEST=""
SCRIPT_CHECK_COMMAND="kubectl get pods -n flyt -l app.kubernetes.io/instance=flyt,app.kubernetes.io/component=webserver --no-headers 2>/dev/null | grep -q Running"
SCRIPT_REMOVE_PLAYBOOK="365-remove-flyt.yml"
SCRIPT_REQUIRES="postgresql"
SCRIPT_PRIORITY="57"

# === Deployment Details (Optional) ===
SCRIPT_HELM_CHART="flyt (deploy/helm/flyt in the Flyt repository)"
SCRIPT_NAMESPACE="flyt"

# === How a POD addresses this service ===
# Applications get the API address (GraphQL at /graphql, REST at /api/v1), never the metadata
# database URL: the schema is Flyt's internal business.
SCRIPT_IN_CLUSTER_SCHEME="http"
SCRIPT_IN_CLUSTER_NAME="flyt-webserver"
SCRIPT_IN_CLUSTER_PORT="3000"

# === Extended Metadata (Optional) ===
SCRIPT_KIND="Component"
SCRIPT_TYPE="service"
SCRIPT_OWNER="platform-team"
SCRIPT_PROVIDES_APIS="flyt-graphql"
SCRIPT_CONSUMES_APIS="postgresql"

# === Website Metadata (Optional) ===
SCRIPT_ABSTRACT="Orchestrates data pipelines as assets, written in TypeScript: schedules, lineage, freshness"
SCRIPT_LOGO="flyt-logo.svg"
SCRIPT_WEBSITE="https://github.com/flyt-dev/flyt"
SCRIPT_TAGS="orchestration,data,pipelines,assets,scheduling,lineage,typescript,analytics"
SCRIPT_SUMMARY="Flyt is a data orchestrator built around assets, written in TypeScript: applications declare the tables and files their pipelines produce, and Flyt schedules them, tracks lineage and freshness and re-materializes what is stale. Applications register as code locations (their own images), and external programs in any language report through the Dagster Pipes protocol. The platform idles in about 150 MiB, a fraction of Dagster's footprint."
SCRIPT_DOCS="/docs/services/analytics/flyt"
