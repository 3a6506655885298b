{{/* Names, labels, image references, shared env and volumes of the Flyt chart. */}}

{{- define "flyt.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "flyt.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 40 | trimSuffix "-" -}}
{{- else if contains (include "flyt.name" .) .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name (include "flyt.name" .) | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "flyt.labels" -}}
app.kubernetes.io/name: {{ include "flyt.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{/* Selector labels of one component: call with (dict "root" $ "component" "webserver"). */}}
{{- define "flyt.selector" -}}
app.kubernetes.io/name: {{ include "flyt.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "flyt.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "flyt.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "flyt.runServiceAccountName" -}}
{{- printf "%s-run" (include "flyt.fullname" .) -}}
{{- end -}}

{{/* An image reference from (dict "image" repo "tag" tag "digest" digest "what" label); "latest" fails. */}}
{{- define "flyt.imageRef" -}}
{{- if eq (toString .tag) "latest" -}}
{{- fail (printf "%s: tag \"latest\" is not allowed; pin a version tag or a digest so every pod and run uses the same code" .what) -}}
{{- end -}}
{{- if and (not .tag) (not .digest) -}}
{{- fail (printf "%s: give a tag (not latest) or a digest" .what) -}}
{{- end -}}
{{- .image -}}{{- if .tag -}}:{{ .tag }}{{- end -}}{{- if .digest -}}@{{ .digest }}{{- end -}}
{{- end -}}

{{- define "flyt.platformImage" -}}
{{- include "flyt.imageRef" (dict "image" .Values.image.repository "tag" (default .Chart.AppVersion .Values.image.tag) "digest" .Values.image.digest "what" "image") -}}
{{- end -}}

{{- define "flyt.webserverUrl" -}}
{{- printf "http://%s-webserver.%s.svc.cluster.local:%v" (include "flyt.fullname" .) .Release.Namespace .Values.webserver.service.port -}}
{{- end -}}

{{/* FLYT_DATABASE_URL from the existing Secret: the whole URL, or composed from host/user/password keys. */}}
{{- define "flyt.databaseEnv" -}}
{{- $db := .Values.database -}}
{{- if not $db.existingSecret -}}
{{- fail "database.existingSecret: name the Secret holding the PostgreSQL credentials" -}}
{{- end -}}
{{- if eq $db.mode "url" }}
- name: FLYT_DATABASE_URL
  valueFrom:
    secretKeyRef: { name: {{ $db.existingSecret | quote }}, key: {{ $db.urlKey | quote }} }
{{- else }}
- name: FLYT_DB_HOST
  valueFrom:
    secretKeyRef: { name: {{ $db.existingSecret | quote }}, key: {{ $db.hostKey | quote }} }
- name: FLYT_DB_USER
  valueFrom:
    secretKeyRef: { name: {{ $db.existingSecret | quote }}, key: {{ $db.userKey | quote }} }
- name: FLYT_DB_PASSWORD
  valueFrom:
    secretKeyRef: { name: {{ $db.existingSecret | quote }}, key: {{ $db.passwordKey | quote }} }
- name: FLYT_DATABASE_URL
  value: {{ printf "postgresql://$(FLYT_DB_USER):$(FLYT_DB_PASSWORD)@$(FLYT_DB_HOST):%v/%s" $db.port $db.name | quote }}
{{- end }}
{{- end -}}

{{/* Environment every platform container shares (read-only root filesystem: state lives in /tmp). */}}
{{- define "flyt.commonEnv" -}}
- name: FLYT_CONFIG
  value: /etc/flyt/flyt.yaml
- name: FLYT_HOME
  value: /tmp/flyt
- name: FLYT_DEFINITIONS_CACHE
  value: /tmp/flyt-definitions-cache
- name: HOME
  value: /tmp
- name: TZ
  value: {{ .Values.config.timezone | quote }}
- name: POD_NAME
  valueFrom:
    fieldRef: { fieldPath: metadata.name }
{{- end -}}

{{- define "flyt.tmpVolume" -}}
- name: tmp
  emptyDir:
    sizeLimit: {{ .Values.tmpSizeLimit }}
{{- end -}}

{{- define "flyt.configVolume" -}}
- name: config
  configMap:
    name: {{ include "flyt.fullname" . }}-config
{{- end -}}

{{- define "flyt.configMounts" -}}
- name: tmp
  mountPath: /tmp
- name: config
  mountPath: /etc/flyt
  readOnly: true
{{- end -}}

{{- define "flyt.podScheduling" -}}
{{- with .nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{- /* Alert channel secrets (the *Env variables of alerts.config) from existing Secrets. */ -}}
{{- define "flyt.alertsEnv" -}}
{{- range $name, $ref := .Values.alerts.envSecrets }}
- name: {{ $name }}
  valueFrom:
    secretKeyRef: { name: {{ $ref.secret }}, key: {{ $ref.key }} }
{{- end }}
{{- end }}

{{- /* Every variable an alert channel names (urlEnv, secretEnv, userEnv, passwordEnv) must come from alerts.envSecrets: Flyt refuses to start without it. */ -}}
{{- define "flyt.checkAlertsEnv" -}}
{{- range regexFindAll "\"[A-Za-z]+Env\":\"[^\"]*\"" (toJson .Values.alerts.config) -1 }}
{{- $var := regexReplaceAll "^\"([A-Za-z]+Env)\":\"([^\"]*)\"$" . "${2}" }}
{{- if not (hasKey $.Values.alerts.envSecrets $var) }}
{{- fail (printf "alerts.config names the environment variable %s (%s): add it to alerts.envSecrets ({ secret: <name>, key: <key> })" $var (regexReplaceAll "^\"([A-Za-z]+Env)\".*$" . "${1}")) }}
{{- end }}
{{- end }}
{{- end }}
