<#ftl output_format="HTML">
<#import "layout.ftl" as l>
<#assign css>
  pre { background: var(--soft); padding: 1rem; border-radius: 6px; overflow-x: auto; }
  iframe.report { width: 100%; height: 80vh; border: 1px solid var(--line); border-radius: 6px; }
</#assign>
<@l.page title="kubechores ${run.job()} run ${run.executionId()?c}" job=run.job() css=css script=script home="/">
<p class="muted"><a href="/">← runner</a> · times in <span class="tz" id="tz">${zone}</span> · <time datetime="${nowIso}">${now}</time></p>
<h1>${run.job()} · run ${run.executionId()?c}</h1>
<table class="facts">
  <tr><th>status</th><td id="status" class="${run.shownStatus()}">${run.shownStatus()}</td></tr>
  <tr><th>exit</th><td id="exit">${run.exitCode()}<#if run.exitDescription()?has_content> <span class="muted">${run.exitDescription()}</span></#if></td></tr>
  <tr><th>trigger</th><td id="trigger">${run.trigger()}<#if run.dryRun()> (plan: nothing changed)</#if></td></tr>
  <tr><th>started</th><td><#if view.start()??><time datetime="${view.start()}">${view.startShown()}</time></#if></td></tr>
  <tr><th>duration</th><td>${view.durationShown()}</td></tr>
  <tr><th>runner</th><td class="muted">${run.launcher()}</td></tr>
</table>
<h2>Per cluster</h2>
<#if run.partitions()?has_content>
<table class="partitions">
  <tr><th>cluster / partition</th><th>status</th><th>actions</th><th>error</th></tr>
  <#list run.partitions() as p>
  <tr class="partition<#if p.failed()> failed FAILED</#if>" data-partition="${p.partition()}">
    <td>${p.partition()}</td><td class="${p.status()}">${p.status()}</td><td>${p.actions()}</td><td>${p.error()!""}</td>
  </tr>
  </#list>
</table>
<#else>
<p class="muted">No partition ran<#if run.running()> yet</#if>.</p>
</#if>
<h2>Report</h2>
<#if embedded??>
<#-- the run's own HTML report, from where the run recorded it (the artifact endpoint reads it); sandboxed: no scripts, no forms -->
<iframe class="report" id="report-frame" src="${embedded.url()}" sandbox="" title="${embedded.name()} of run ${run.executionId()?c}"></iframe>
</#if>
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
</@l.page>
