<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>downscale ${dryRun?then("plan", "run")} ${at?html}</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}
.FAILED{color:#b00}.SKIPPED{color:#777}.APPLIED{color:#060}.warn{color:#a60}
.week{position:relative;height:1.4em;background:#eee;margin:.2em 0 .6em;max-width:60em}.week span{position:absolute;top:0;height:100%}
.week .up{background:#6a6}.week .down{background:#99a}.week .now{background:#c00;width:2px}</style></head>
<body>
<h1>downscale ${dryRun?then("plan", "run")} — ${at?html}</h1>
<p>${summary?html}</p>
<#if weeks?size gt 0>
<h2>Policies this week</h2>
<p>Mon 00:00 to Mon 00:00; green uptime, grey downtime, red now.</p>
<#list weeks as w>
<h3>${w.policy?html}</h3>
<div class="week" role="img" aria-label="week of policy ${w.policy?html}"><#list w.bars as b><span class="${b.up?then("up", "down")}" style="left:${b.left}%;width:${b.width}%" title="${b.title?html}"></span></#list><span class="now" style="left:${w.now}%" title="now"></span></div>
<p>next scale-down: ${w.nextScaleDown?html}; next restore: ${w.nextRestore?html}</p>
</#list>
</#if>
<#list clusters as c>
<h2>${c.name?html}</h2>
<#if c.failed><p class="FAILED">failed: ${c.error?html}</p><#else>
<p>${c.workloads} objects read, ${c.unchanged} already right, ${c.excluded} excluded; saves ~${c.cpuHours} CPU core-hours, ${c.memHours} GiB-hours (~${c.money}).</p>
<#if c.actions?size gt 0>
<table><tr><th>object</th><th>action</th><th>detail</th><th>status</th><th>why</th></tr>
<#list c.actions as a>
<tr class="${a.status()}"><td>${a.target()?html}</td><td>${a.verb()?html}</td><td>${(a.detail()!"")?html}</td><td>${a.status()}</td><td>${(a.reason()!"")?html}</td></tr>
</#list>
</table>
</#if>
<#list c.warnings as w><p class="warn">⚠ ${w?html}</p></#list>
</#if>
</#list>
</body></html>
