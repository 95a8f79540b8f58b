<#-- promotion PR body: only stable evidence (times are absolute), so an unchanged situation renders the same body -->
## Promote `${tool}` ${candidate.version()} to ${candidate.to()}

`spec.versions.${candidate.to()}`: **${candidate.current()} → ${candidate.version()}**

${candidate.version()} runs healthy on every ${candidate.from()} cluster and has soaked for at least ${spec.soak()}.

### Evidence from ${candidate.from()}

| cluster | running | source | health | live since |
|---|---|---|---|---|
<#list earlier as o>
| ${o.cluster()} | ${o.runningVersion()!"?"} | ${o.versionSource()!"-"} | ${o.healthy()?then("healthy", "UNHEALTHY")}: ${o.health()?join("; ")} | ${(o.liveSince()?string)!"unknown"} |
</#list>

### Soak (${spec.soak()})

- git: <#if git??>commit `${git.commit()?substring(0, 12)}` "${git.message()}" set ${candidate.from()} to ${git.value()} at ${git.committedAt()?string}<#else>no history found</#if>
- observed rollout on ${candidate.from()}: ${observedSince}
- soak counted from ${soakStart}, passed at ${soakPassedAt}

### Rollout

<#if jenkins?has_content>
kubechores triggers the Jenkins job `${jenkins}` for every ${candidate.to()} cluster that does not run ${candidate.version()} yet, and verifies them on its next runs:
<#list target as o>
- ${o.cluster()}: currently ${o.runningVersion()!"unknown"}
</#list>
<#else>
The ${candidate.to()} clusters pick the version up from this repo after merge:
<#list target as o>
- ${o.cluster()}: currently ${o.runningVersion()!"unknown"}
</#list>
</#if>

Freeze windows checked: <#if windows?has_content>${windows?join(", ")}<#else>none configured</#if>.

_Opened by kubechores promote. Later runs verify ${candidate.to()} the same way and report the outcome._
