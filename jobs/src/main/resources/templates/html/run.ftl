<#ftl output_format="HTML">
<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>kubechores ${run.job()} run ${run.executionId()?c}</title>
  <style>
    body { font-family: system-ui, sans-serif; margin: 2rem; color: #222; }
    .muted { color: #666; font-size: .9rem; }
    table { border-collapse: collapse; margin: .5rem 0; } th, td { padding: .25rem .6rem; text-align: left; border-bottom: 1px solid #eee; vertical-align: top; }
    .COMPLETED { color: #1a7f37; } .FAILED, .failed, .PARTIAL_FAILURE { color: #cf222e; } .STARTED, .STARTING { color: #9a6700; }
    pre { background: #f6f8fa; padding: 1rem; border-radius: 6px; overflow-x: auto; }
  </style>
</head>
<body>
<p class="muted"><a href="/">← runner</a> · ${now}</p>
<h1>${run.job()} · run ${run.executionId()?c}</h1>
<table class="facts">
  <tr><th>status</th><td id="status" class="${run.shownStatus()}">${run.shownStatus()}</td></tr>
  <tr><th>exit</th><td id="exit">${run.exitCode()}<#if run.exitDescription()?has_content> <span class="muted">${run.exitDescription()}</span></#if></td></tr>
  <tr><th>trigger</th><td id="trigger">${run.trigger()}<#if run.dryRun()> (plan: nothing changed)</#if></td></tr>
  <tr><th>started</th><td>${view.startShown()}</td></tr>
  <tr><th>duration</th><td>${view.durationShown()}</td></tr>
  <tr><th>runner</th><td class="muted">${run.launcher()}</td></tr>
</table>
<h2>Per cluster</h2>
<#if run.partitions()?has_content>
<table class="partitions">
  <tr><th>cluster / partition</th><th>status</th><th>actions</th><th>error</th></tr>
  <#list run.partitions() as p>
  <tr class="partition<#if p.failed()> failed</#if>" data-partition="${p.partition()}">
    <td>${p.partition()}</td><td class="${p.status()}">${p.status()}</td><td>${p.actions()}</td><td>${p.error()!""}</td>
  </tr>
  </#list>
</table>
<#else>
<p class="muted">No partition ran<#if run.running()> yet</#if>.</p>
</#if>
<h2>Report</h2>
<#if artifacts?has_content>
<ul class="artifacts">
  <#list artifacts as a>
  <li><#if a.here()><a href="${a.url()}">${a.name()}</a><#else>${a.name()} <span class="muted">(on runner ${run.launcher()})</span></#if></li>
  </#list>
</ul>
</#if>
<#if auditUrl?has_content>
<p class="audit"><a id="audit" href="${auditUrl}">audit trail</a> <span class="muted">(every change this run intended and what came of it)</span></p>
</#if>
<#if run.summary()?has_content>
<pre id="summary">${run.summary()}</pre>
<#elseif !run.running()>
<p class="muted">No summary recorded<#if run.exitDescription()?has_content>: ${run.exitDescription()}</#if>.</p>
</#if>
</body>
</html>
