{{/* Labels Helm adds on top of the kustomize base's (the drift test ignores exactly these). */}}
{{- define "kubechores.helmLabels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end }}

{{- define "kubechores.image" -}}
{{- if .Values.image.digest -}}
{{ .Values.image.repository }}@{{ .Values.image.digest }}
{{- else -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}
{{- end }}

{{/* Annotations of every kubechores ServiceAccount: the IRSA role, then the extra ones. */}}
{{- define "kubechores.saAnnotations" -}}
{{- $a := deepCopy (.Values.serviceAccountAnnotations | default dict) -}}
{{- if .Values.irsa.roleArn -}}
{{- $_ := set $a "eks.amazonaws.com/role-arn" .Values.irsa.roleArn -}}
{{- end -}}
{{- if $a }}
  annotations:
    {{- toYaml $a | nindent 4 }}
{{- end }}
{{- end }}

{{/* The state rules: a database or a home volume; never neither (state would die with each pod). */}}
{{- define "kubechores.checkState" -}}
{{- if and (not .Values.database.existingSecret) (not .Values.persistence.enabled) -}}
{{- fail "kubechores needs somewhere to keep state: set database.existingSecret (PostgreSQL) or persistence.enabled=true" -}}
{{- end -}}
{{- if not (has .Values.mode (list "cronJobs" "runner")) -}}
{{- fail (printf "mode: %q is neither cronJobs nor runner" .Values.mode) -}}
{{- end -}}
{{- if and (eq .Values.mode "runner") (not .Values.runner.enabled) -}}
{{- fail "mode runner needs runner.enabled=true: the runner is what runs the schedules" -}}
{{- end -}}
{{- end }}

{{- define "kubechores.claimName" -}}
{{- .Values.persistence.existingClaim | default "kubechores-home" -}}
{{- end }}

{{/* Env shared by the runner and the CronJob pods after KUBECHORES_REPO: the database from its Secret. */}}
{{- define "kubechores.databaseEnv" -}}
{{- with .Values.database.existingSecret }}
- name: SPRING_DATASOURCE_URL
  valueFrom:
    secretKeyRef: {name: {{ . }}, key: {{ $.Values.database.urlKey }}}
- name: SPRING_DATASOURCE_USERNAME
  valueFrom:
    secretKeyRef: {name: {{ . }}, key: {{ $.Values.database.usernameKey }}, optional: true}
- name: SPRING_DATASOURCE_PASSWORD
  valueFrom:
    secretKeyRef: {name: {{ . }}, key: {{ $.Values.database.passwordKey }}, optional: true}
{{- end }}
{{- end }}

{{/* The home volume: the PVC when there is one, else (database only) an emptyDir, which runs then report as ephemeral. */}}
{{- define "kubechores.homeVolume" -}}
{{- if .Values.persistence.enabled }}
- name: home
  persistentVolumeClaim:
    claimName: {{ include "kubechores.claimName" . }}
{{- else }}
- name: home
  emptyDir: {}
{{- end }}
- name: tmp
  emptyDir: {}
{{- end }}

{{/* The CLI arguments of one schedule, as K8sRenderer.args builds them. Call with (dict "s" $schedule). */}}
{{- define "kubechores.scheduleArgs" -}}
{{- $s := .s -}}
{{- $a := $s.args | default dict -}}
{{- $args := list (ternary "plan" "run" (default false $a.dryRun)) $s.job "--repo" ($a.repo | default "$(KUBECHORES_REPO)") -}}
{{- with $a.ref }}{{ $args = concat $args (list "--ref" .) }}{{ end -}}
{{- range ($a.clusters | default list) }}{{ $args = concat $args (list "--cluster" .) }}{{ end -}}
{{- if gt (int (default 1 $s.shards)) 1 }}{{ $args = concat $args (list "--shard" (printf "$(JOB_COMPLETION_INDEX)/%d" (int $s.shards))) }}{{ end -}}
{{- toJson $args -}}
{{- end }}

{{/* The per-job "no successful run in N hours" thresholds as a recording-rule group (one series per job). */}}
{{- define "kubechores.thresholdGroup" -}}
- name: kubechores-thresholds
  rules:
    {{- range $job, $hours := .Values.metrics.prometheusRule.noSuccessHours }}
    - record: kubechores:no_success_threshold_seconds
      expr: vector({{ mul $hours 3600 }})
      labels:
        job: {{ $job }}
    {{- end }}
{{- end }}
