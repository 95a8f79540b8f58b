<#-- promotion PR body: only stable evidence (times are absolute, the health timeline ends when the promotion started), so an unchanged situation renders the same body -->
## Promote `${tool}` ${candidate.version()} to ${candidate.to()}

`spec.versions.${candidate.to()}`: **${candidate.current()} → ${candidate.version()}**<#if bump?has_content> (${bump} bump)</#if>

${candidate.version()} runs healthy on every ${candidate.from()} cluster and has soaked (run healthy) for at least ${spec.soak()}.
<#if links?has_content>

<#list links as name, url>
- ${name}: ${url}
</#list>
</#if>

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

Health timeline on ${candidate.from()} (sampled every run; an unhealthy sample restarts the soak):
<#if timeline?has_content>
<#list timeline as line>
- ${line}
</#list>
<#else>
- no samples yet
</#if>

### Rollout

<#list sequence as step>
${step?counter}. ${step}
</#list>

Currently on ${candidate.to()}:
<#list target as o>
- ${o.cluster()}: ${o.runningVersion()!"unknown"}
</#list>

Freeze windows checked: <#if windows?has_content>${windows?join(", ")}<#else>none configured</#if>.

_Opened by kubechores promote. Later runs verify ${candidate.to()} the same way and report the outcome._
