<#ftl output_format="HTML">
<#-- promote: per tool the wanted versions, candidate, gates, steps, actions and what every cluster runs (same layout as the other jobs' reports) -->
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${title}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem; }
table { border-collapse: collapse; margin-bottom: 1rem; }
th, td { border: 1px solid #ccc; padding: .3rem .6rem; text-align: left; vertical-align: top; }
tr.APPLIED, tr.PLANNED, tr.pass { background: #eef7ee; }
tr.FAILED, tr.FAIL { background: #fbeaea; }
tr.LIMITED, tr.SKIPPED { background: #fff6e0; }
.reason { color: #555; font-size: .9em; }
.NEEDS_HUMAN, .FAILED { color: #a00; font-weight: bold; }
</style>
</head>
<body>
<h1>${title}</h1>
<p>${summary}</p>
<#list tools as t>
<#assign p = t.plan()>
<h2>${p.tool()}</h2>
<p><#list p.wanted() as env, v>${env} <code>${v}</code><#sep> · </#list></p>
<#if (p.candidate())??>
<p>Candidate <code>${p.candidate().version()}</code> ${p.candidate().from()} → ${p.candidate().to()} (now <code>${p.candidate().current()}</code>):
<span class="${p.decision()}">${p.decision()}</span></p>
<table>
<thead><tr><th>Gate</th><th>Result</th><th>Why</th></tr></thead>
<tbody>
<#list p.gates() as g>
<tr class="${g.passed()?then("pass", "FAIL")}"><td>${g.name()}</td><td>${g.passed()?then("pass", "FAIL")}</td><td>${g.reason()}</td></tr>
</#list>
</tbody>
</table>
<#else>
<p>No candidate: every environment wants the same version.</p>
</#if>
<#if p.outcome()?string != "NONE">
<p>Last promotion: <span class="${p.outcome()}">${p.outcome()}</span> — ${p.outcomeDetail()}</p>
</#if>
<#if p.sequence()?has_content>
<p>Steps (each waits for the one before):</p>
<ol>
<#list p.sequence() as step><li>${step}</li></#list>
</ol>
</#if>
<#if t.actions()?has_content>
<table>
<thead><tr><th>Target</th><th>Action</th><th>Status</th></tr></thead>
<tbody>
<#list t.actions() as a>
<tr class="${a.status()}"><td>${a.target()}</td><td>${a.verb()} ${a.detail()!""}<div class="reason">${a.reason()!""}</div></td><td>${a.status()}</td></tr>
</#list>
</tbody>
</table>
</#if>
<table>
<thead><tr><th>Environment</th><th>Cluster</th><th>Runs</th></tr></thead>
<tbody>
<#list p.observations() as o>
<tr class="${o.healthy()?then("pass", "FAIL")}"><td>${o.environment()}</td><td>${o.cluster()}</td><td>${o.describe()}</td></tr>
</#list>
</tbody>
</table>
</#list>
<#if warnings?size gt 0>
<h2>Needs attention</h2>
<ul>
<#list warnings as wn><li>${wn}</li></#list>
</ul>
</#if>
</body>
</html>
