<#-- downscale: per cluster the exact actions and why, then warnings and the savings estimate -->
<#list clusters as c>
<#if c.failed>
== downscale — ${c.name} ==
FAILED: ${c.error}
<#else>
${c.table}<#if c.warnings?size gt 0>
warnings:
<#list c.warnings as w>
  ! ${w}
</#list>
</#if>
(${c.workloads} objects read, ${c.unchanged} already right, ${c.excluded} excluded; saves ~${c.cpuHours} CPU core-hours, ${c.memHours} GiB-hours, ~${c.money})
</#if>

</#list>
${summary}
